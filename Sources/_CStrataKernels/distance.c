#include "strata_distance.h"
#include <immintrin.h>
#include <math.h>

#define STRATA_AVX2 __attribute__((target("avx2,fma")))

// ---- float32: 8 centroids per block, 4 points at a time ------------------------------------

// Across the 8 lanes of the per-lane minima: the smallest value, the lowest center index holding
// it, and (with `second`) the second smallest overall: the other lanes' minima and the winning
// lane's own second. Lanes hold distinct centers (lane q only ever sees centers ≡ q mod 8).
STRATA_AVX2 static inline void argmin8(__m256 v, __m256i idx, __m256 v2, float *best, int32_t *label, float *second) {
    __m256 m = _mm256_min_ps(v, _mm256_permute_ps(v, 0xB1));
    m = _mm256_min_ps(m, _mm256_permute_ps(m, 0x4E));
    m = _mm256_min_ps(m, _mm256_permute2f128_ps(m, m, 1));
    const __m256i none = _mm256_set1_epi32(INT32_MAX);
    __m256i li = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(none), _mm256_castsi256_ps(idx), _mm256_cmp_ps(v, m, _CMP_EQ_OQ)));
    li = _mm256_min_epi32(li, _mm256_shuffle_epi32(li, 0xB1));
    li = _mm256_min_epi32(li, _mm256_shuffle_epi32(li, 0x4E));
    li = _mm256_min_epi32(li, _mm256_permute2x128_si256(li, li, 1));
    *best = _mm256_cvtss_f32(m);
    *label = _mm256_cvtsi256_si32(li);
    if (second) {
        __m256 s = _mm256_blendv_ps(v, v2, _mm256_castsi256_ps(_mm256_cmpeq_epi32(idx, li)));
        s = _mm256_min_ps(s, _mm256_permute_ps(s, 0xB1));
        s = _mm256_min_ps(s, _mm256_permute_ps(s, 0x4E));
        s = _mm256_min_ps(s, _mm256_permute2f128_ps(s, s, 1));
        *second = _mm256_cvtss_f32(s);
    }
}

// Per lane: the smallest value with its index (strict <: first wins), and the second smallest.
STRATA_AVX2 static inline void keep_min8(__m256 v, __m256i idx, __m256 *best, __m256i *lab, __m256 *second) {
    *second = _mm256_min_ps(*second, _mm256_max_ps(*best, v));
    __m256 m = _mm256_cmp_ps(v, *best, _CMP_LT_OQ);
    *best = _mm256_blendv_ps(*best, v, m);
    *lab = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(*lab), _mm256_castsi256_ps(idx), m));
}

// The assignment body, P points × 4 centroid blocks (32 centroids) of accumulators: per
// dimension 4 centroid loads and P broadcasts feed 4P FMAs. AVX2 has 16 vector registers, so
// P = 2 there; AVX-512VL's 32 (still 256-bit vectors) take P = 4, half the loads and per-block
// bookkeeping per FMA. Each (point, centroid) score is the same FMA chain either way.
#define ASSIGN_F32_BODY(P)                                                                                   \
    const size_t blocks = (k + 7) / 8;                                                                       \
    const __m256 minus2 = _mm256_set1_ps(-2.0f);                                                             \
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);                                          \
    for (size_t i = 0; i < n; i += P) {                                                                      \
        const size_t rows = n - i < P ? n - i : P;                                                           \
        const float *xp[P];                                                                                  \
        for (size_t p = 0; p < P; p++) xp[p] = x + (i + (p < rows ? p : 0)) * d;                             \
        __m256 bb[P], ss[P];                                                                                 \
        __m256i ll[P];                                                                                       \
        for (size_t p = 0; p < P; p++) { bb[p] = _mm256_set1_ps(INFINITY); ss[p] = bb[p]; ll[p] = _mm256_setzero_si256(); } \
        size_t b = 0;                                                                                        \
        for (; b + 4 <= blocks; b += 4) {                                                                    \
            const float *c0 = ct + b * d * 8, *c1 = c0 + d * 8, *c2 = c1 + d * 8, *c3 = c2 + d * 8;          \
            __m256 a[P][4];                                                                                  \
            for (size_t p = 0; p < P; p++) for (size_t q = 0; q < 4; q++) a[p][q] = _mm256_setzero_ps();     \
            for (size_t j = 0; j < d; j++) {                                                                 \
                __m256 v0 = _mm256_load_ps(c0 + j * 8), v1 = _mm256_load_ps(c1 + j * 8);                     \
                __m256 v2 = _mm256_load_ps(c2 + j * 8), v3 = _mm256_load_ps(c3 + j * 8);                     \
                for (size_t p = 0; p < P; p++) {                                                             \
                    __m256 xb = _mm256_broadcast_ss(xp[p] + j);                                              \
                    a[p][0] = _mm256_fmadd_ps(xb, v0, a[p][0]); a[p][1] = _mm256_fmadd_ps(xb, v1, a[p][1]);  \
                    a[p][2] = _mm256_fmadd_ps(xb, v2, a[p][2]); a[p][3] = _mm256_fmadd_ps(xb, v3, a[p][3]);  \
                }                                                                                            \
            }                                                                                                \
            for (size_t q = 0; q < 4; q++) {                                                                 \
                __m256 nq = _mm256_loadu_ps(cnorm + (b + q) * 8);                                            \
                __m256i iq = _mm256_add_epi32(lane, _mm256_set1_epi32((int)((b + q) * 8)));                  \
                for (size_t p = 0; p < P; p++) KEEP(_mm256_fmadd_ps(minus2, a[p][q], nq), iq, &bb[p], &ll[p], &ss[p]); \
            }                                                                                                \
        }                                                                                                    \
        for (; b < blocks; b++) {                                                                            \
            const float *c = ct + b * d * 8;                                                                 \
            __m256 a[P];                                                                                     \
            for (size_t p = 0; p < P; p++) a[p] = _mm256_setzero_ps();                                       \
            for (size_t j = 0; j < d; j++) {                                                                 \
                __m256 v = _mm256_load_ps(c + j * 8);                                                        \
                for (size_t p = 0; p < P; p++) a[p] = _mm256_fmadd_ps(_mm256_broadcast_ss(xp[p] + j), v, a[p]); \
            }                                                                                                \
            __m256 nb = _mm256_loadu_ps(cnorm + b * 8);                                                      \
            __m256i ib = _mm256_add_epi32(lane, _mm256_set1_epi32((int)(b * 8)));                            \
            for (size_t p = 0; p < P; p++) KEEP(_mm256_fmadd_ps(minus2, a[p], nb), ib, &bb[p], &ll[p], &ss[p]); \
        }                                                                                                    \
        for (size_t p = 0; p < rows; p++)                                                                    \
            argmin8(bb[p], ll[p], ss[p], best + i + p, labels + i + p, second ? second + i + p : 0);         \
    }

#define KEEP keep_min8
STRATA_AVX2 static void assign_f32_avx2(const float *x, size_t n, size_t d, const float *ct, const float *cnorm, size_t k,
                                        int32_t *labels, float *best, float *second) {
    ASSIGN_F32_BODY(2)
}
#undef KEEP

#define STRATA_AVX512 __attribute__((target("avx512f,avx512vl,avx2,fma")))

// keep_min8 with a mask register instead of blends.
STRATA_AVX512 static inline void keep_min8_mask(__m256 v, __m256i idx, __m256 *best, __m256i *lab, __m256 *second) {
    *second = _mm256_min_ps(*second, _mm256_max_ps(*best, v));
    __mmask8 m = _mm256_cmp_ps_mask(v, *best, _CMP_LT_OQ);
    *best = _mm256_mask_mov_ps(*best, m, v);
    *lab = _mm256_mask_mov_epi32(*lab, m, idx);
}

#define KEEP keep_min8_mask
STRATA_AVX512 static void assign_f32_avx512(const float *x, size_t n, size_t d, const float *ct, const float *cnorm, size_t k,
                                            int32_t *labels, float *best, float *second) {
    ASSIGN_F32_BODY(4)
}
#undef KEEP

static int use_avx512 = -1;

int strata_kernels_avx512(int enable) {
    const int supported = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
    if (enable >= 0) use_avx512 = enable && supported;
    else if (use_avx512 < 0) use_avx512 = supported;
    return use_avx512;
}

void strata_assign_f32(const float *x, size_t n, size_t d, const float *ct, const float *cnorm, size_t k,
                       int32_t *labels, float *best, float *second) {
    if (use_avx512 < 0) strata_kernels_avx512(-1);
    if (use_avx512) assign_f32_avx512(x, n, d, ct, cnorm, k, labels, best, second);
    else assign_f32_avx2(x, n, d, ct, cnorm, k, labels, best, second);
}

// ---- float64: 4 centroids per block, 4 points at a time ------------------------------------

STRATA_AVX2 static inline void argmin4(__m256d v, __m128i idx, __m256d v2, double *best, int32_t *label, double *second) {
    double vals[4], vals2[4]; int32_t ids[4];
    _mm256_storeu_pd(vals, v);
    _mm256_storeu_pd(vals2, v2);
    _mm_storeu_si128((__m128i *)ids, idx);
    double b = vals[0]; int32_t l = ids[0]; int w = 0;
    for (int i = 1; i < 4; i++) {
        if (vals[i] < b || (vals[i] == b && ids[i] < l)) { b = vals[i]; l = ids[i]; w = i; }
    }
    *best = b; *label = l;
    if (second) {
        double s = vals2[w];
        for (int i = 0; i < 4; i++) if (i != w && vals[i] < s) s = vals[i];
        *second = s;
    }
}

// Keeps 32-bit lane indices in a 128-bit register, blended with a 64-bit mask narrowed to 32 bits.
STRATA_AVX2 static inline __m128i blend_idx(__m128i cur, __m128i idx, __m256d mask) {
    __m128 m = _mm256_cvtpd_ps(_mm256_and_pd(mask, _mm256_set1_pd(1.0)));  // 1.0 where taken
    __m128 take = _mm_cmpeq_ps(m, _mm_set1_ps(1.0f));
    return _mm_castps_si128(_mm_blendv_ps(_mm_castsi128_ps(cur), _mm_castsi128_ps(idx), take));
}

STRATA_AVX2 static void assign_f64_avx2(const double *x, size_t n, size_t d, const double *ct, const double *cnorm, size_t k,
                                   int32_t *labels, double *best, double *second) {
    const size_t blocks = (k + 3) / 4;
    const __m256d minus2 = _mm256_set1_pd(-2.0);
    const __m128i step = _mm_set1_epi32(4);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const double *x0 = x + i * d, *x1 = x0 + d, *x2 = x1 + d, *x3 = x2 + d;
        __m256d b0 = _mm256_set1_pd(INFINITY), b1 = b0, b2 = b0, b3 = b0, s0 = b0, s1 = b0, s2 = b0, s3 = b0;
        __m128i l0 = _mm_setzero_si128(), l1 = l0, l2 = l0, l3 = l0;
        __m128i idx = _mm_setr_epi32(0, 1, 2, 3);
        for (size_t b = 0; b < blocks; b++) {
            const double *c = ct + b * d * 4;
            __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
            for (size_t j = 0; j < d; j++) {
                __m256d cv = _mm256_load_pd(c + j * 4);
                a0 = _mm256_fmadd_pd(_mm256_broadcast_sd(x0 + j), cv, a0);
                a1 = _mm256_fmadd_pd(_mm256_broadcast_sd(x1 + j), cv, a1);
                a2 = _mm256_fmadd_pd(_mm256_broadcast_sd(x2 + j), cv, a2);
                a3 = _mm256_fmadd_pd(_mm256_broadcast_sd(x3 + j), cv, a3);
            }
            __m256d norm = _mm256_loadu_pd(cnorm + b * 4);
            a0 = _mm256_fmadd_pd(minus2, a0, norm); a1 = _mm256_fmadd_pd(minus2, a1, norm);
            a2 = _mm256_fmadd_pd(minus2, a2, norm); a3 = _mm256_fmadd_pd(minus2, a3, norm);
            s0 = _mm256_min_pd(s0, _mm256_max_pd(b0, a0)); s1 = _mm256_min_pd(s1, _mm256_max_pd(b1, a1));
            s2 = _mm256_min_pd(s2, _mm256_max_pd(b2, a2)); s3 = _mm256_min_pd(s3, _mm256_max_pd(b3, a3));
            __m256d m0 = _mm256_cmp_pd(a0, b0, _CMP_LT_OQ), m1 = _mm256_cmp_pd(a1, b1, _CMP_LT_OQ);
            __m256d m2 = _mm256_cmp_pd(a2, b2, _CMP_LT_OQ), m3 = _mm256_cmp_pd(a3, b3, _CMP_LT_OQ);
            b0 = _mm256_blendv_pd(b0, a0, m0); b1 = _mm256_blendv_pd(b1, a1, m1);
            b2 = _mm256_blendv_pd(b2, a2, m2); b3 = _mm256_blendv_pd(b3, a3, m3);
            l0 = blend_idx(l0, idx, m0); l1 = blend_idx(l1, idx, m1);
            l2 = blend_idx(l2, idx, m2); l3 = blend_idx(l3, idx, m3);
            idx = _mm_add_epi32(idx, step);
        }
        argmin4(b0, l0, s0, best + i, labels + i, second ? second + i : 0);
        argmin4(b1, l1, s1, best + i + 1, labels + i + 1, second ? second + i + 1 : 0);
        argmin4(b2, l2, s2, best + i + 2, labels + i + 2, second ? second + i + 2 : 0);
        argmin4(b3, l3, s3, best + i + 3, labels + i + 3, second ? second + i + 3 : 0);
    }
    for (; i < n; i++) {
        const double *x0 = x + i * d;
        __m256d b0 = _mm256_set1_pd(INFINITY), s0 = b0;
        __m128i l0 = _mm_setzero_si128();
        __m128i idx = _mm_setr_epi32(0, 1, 2, 3);
        for (size_t b = 0; b < blocks; b++) {
            const double *c = ct + b * d * 4;
            __m256d a0 = _mm256_setzero_pd();
            for (size_t j = 0; j < d; j++) a0 = _mm256_fmadd_pd(_mm256_broadcast_sd(x0 + j), _mm256_load_pd(c + j * 4), a0);
            a0 = _mm256_fmadd_pd(minus2, a0, _mm256_loadu_pd(cnorm + b * 4));
            s0 = _mm256_min_pd(s0, _mm256_max_pd(b0, a0));
            __m256d m0 = _mm256_cmp_pd(a0, b0, _CMP_LT_OQ);
            b0 = _mm256_blendv_pd(b0, a0, m0);
            l0 = blend_idx(l0, idx, m0);
            idx = _mm_add_epi32(idx, step);
        }
        argmin4(b0, l0, s0, best + i, labels + i, second ? second + i : 0);
    }
}

// argmin4 with masks, vectorized across lanes (see argmin8).
STRATA_AVX512 static inline void argmin4m(__m256d v, __m128i idx, __m256d v2, double *best, int32_t *label, double *second) {
    __m256d m = _mm256_min_pd(v, _mm256_permute_pd(v, 0x5));
    m = _mm256_min_pd(m, _mm256_permute2f128_pd(m, m, 1));
    __mmask8 eq = _mm256_cmp_pd_mask(v, m, _CMP_EQ_OQ);
    __m128i li = _mm_mask_mov_epi32(_mm_set1_epi32(INT32_MAX), eq, idx);
    li = _mm_min_epi32(li, _mm_shuffle_epi32(li, 0xB1));
    li = _mm_min_epi32(li, _mm_shuffle_epi32(li, 0x4E));
    *best = _mm256_cvtsd_f64(m);
    *label = _mm_cvtsi128_si32(li);
    if (second) {
        __mmask8 w = _mm_cmpeq_epi32_mask(idx, li);
        __m256d s = _mm256_mask_mov_pd(v, w, v2);
        s = _mm256_min_pd(s, _mm256_permute_pd(s, 0x5));
        s = _mm256_min_pd(s, _mm256_permute2f128_pd(s, s, 1));
        *second = _mm256_cvtsd_f64(s);
    }
}
// 4 points × 4 blocks (16 centroids) of accumulators in AVX-512VL's 32 registers.
STRATA_AVX512 static void assign_f64_avx512(const double *x, size_t n, size_t d, const double *ct, const double *cnorm, size_t k,
                                   int32_t *labels, double *best, double *second) {
    const size_t blocks = (k + 3) / 4;
    const __m256d minus2 = _mm256_set1_pd(-2.0);
    const __m128i lane = _mm_setr_epi32(0, 1, 2, 3);
    for (size_t i = 0; i < n; i += 4) {
        const size_t rows = n - i < 4 ? n - i : 4;
        const double *xp[4];
        for (size_t p = 0; p < 4; p++) xp[p] = x + (i + (p < rows ? p : 0)) * d;
        __m256d bb[4], ss[4]; __m128i ll[4];
        for (int p = 0; p < 4; p++) { bb[p] = _mm256_set1_pd(INFINITY); ss[p] = bb[p]; ll[p] = _mm_setzero_si128(); }
        size_t b = 0;
        for (; b + 4 <= blocks; b += 4) {
            const double *c0 = ct + b * d * 4;
            __m256d a[4][4];
            for (int p = 0; p < 4; p++) for (int q = 0; q < 4; q++) a[p][q] = _mm256_setzero_pd();
            for (size_t j = 0; j < d; j++) {
                __m256d v[4];
                for (int q = 0; q < 4; q++) v[q] = _mm256_load_pd(c0 + q * d * 4 + j * 4);
                for (int p = 0; p < 4; p++) {
                    __m256d bp = _mm256_broadcast_sd(xp[p] + j);
                    for (int q = 0; q < 4; q++) a[p][q] = _mm256_fmadd_pd(bp, v[q], a[p][q]);
                }
            }
            for (int q = 0; q < 4; q++) {
                __m256d nq = _mm256_loadu_pd(cnorm + (b + q) * 4);
                __m128i iq = _mm_add_epi32(lane, _mm_set1_epi32((int)((b + q) * 4)));
                for (int p = 0; p < 4; p++) {
                    __m256d s = _mm256_fmadd_pd(minus2, a[p][q], nq);
                    ss[p] = _mm256_min_pd(ss[p], _mm256_max_pd(bb[p], s));
                    __mmask8 m = _mm256_cmp_pd_mask(s, bb[p], _CMP_LT_OQ);
                    bb[p] = _mm256_mask_mov_pd(bb[p], m, s);
                    ll[p] = _mm_mask_mov_epi32(ll[p], m, iq);
                }
            }
        }
        for (; b < blocks; b++) {
            const double *c = ct + b * d * 4;
            __m256d a[4];
            for (int p = 0; p < 4; p++) a[p] = _mm256_setzero_pd();
            for (size_t j = 0; j < d; j++) { __m256d v = _mm256_load_pd(c + j * 4); for (int p = 0; p < 4; p++) a[p] = _mm256_fmadd_pd(_mm256_broadcast_sd(xp[p] + j), v, a[p]); }
            __m256d nb = _mm256_loadu_pd(cnorm + b * 4);
            __m128i ib = _mm_add_epi32(lane, _mm_set1_epi32((int)(b * 4)));
            for (int p = 0; p < 4; p++) {
                __m256d s = _mm256_fmadd_pd(minus2, a[p], nb);
                ss[p] = _mm256_min_pd(ss[p], _mm256_max_pd(bb[p], s));
                __mmask8 m = _mm256_cmp_pd_mask(s, bb[p], _CMP_LT_OQ);
                bb[p] = _mm256_mask_mov_pd(bb[p], m, s);
                ll[p] = _mm_mask_mov_epi32(ll[p], m, ib);
            }
        }
        for (size_t p = 0; p < rows; p++) argmin4m(bb[p], ll[p], ss[p], best + i + p, labels + i + p, second ? second + i + p : 0);
    }
}

void strata_assign_f64(const double *x, size_t n, size_t d, const double *ct, const double *cnorm, size_t k,
                       int32_t *labels, double *best, double *second) {
    if (use_avx512 < 0) strata_kernels_avx512(-1);
    if (use_avx512) assign_f64_avx512(x, n, d, ct, cnorm, k, labels, best, second);
    else assign_f64_avx2(x, n, d, ct, cnorm, k, labels, best, second);
}

STRATA_AVX2 float strata_sqdist_f32(const float *a, const float *b, size_t d) {
    __m256 acc = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 8 <= d; j += 8) {
        __m256 t = _mm256_sub_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j));
        acc = _mm256_fmadd_ps(t, t, acc);
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, acc);
    float s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    for (; j < d; j++) { float t = a[j] - b[j]; s += t * t; }
    return s;
}

STRATA_AVX2 double strata_sqdist_f64(const double *a, const double *b, size_t d) {
    __m256d acc = _mm256_setzero_pd();
    size_t j = 0;
    for (; j + 4 <= d; j += 4) {
        __m256d t = _mm256_sub_pd(_mm256_loadu_pd(a + j), _mm256_loadu_pd(b + j));
        acc = _mm256_fmadd_pd(t, t, acc);
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, acc);
    double s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (; j < d; j++) { double t = a[j] - b[j]; s += t * t; }
    return s;
}

// ---- scores against a few centers (k-means++ candidates, Yinyang rescoring) -----------------
//
// Same arithmetic as the assignment kernels (one FMA chain per row and block, dimensions in
// order), so argmins over these scores equal the assignment kernel's labels bit for bit.
// One body for both precisions: V the vector type, W its lanes, S the intrinsic suffix.

#define SCORES_BODY(T, V, W, S, BCAST)                                                          \
    const size_t blocks = (k + W - 1) / W;                                                      \
    const V minus2 = _mm256_set1_##S(-2.0);                                                     \
    T tmp[4][W];                                                                                \
    for (size_t i = 0; i < n; i += 4) {                                                         \
        const size_t rows = n - i < 4 ? n - i : 4;                                              \
        const T *x0 = x + i * d;                                                                \
        const T *x1 = rows > 1 ? x0 + d : x0, *x2 = rows > 2 ? x0 + 2 * d : x0;                 \
        const T *x3 = rows > 3 ? x0 + 3 * d : x0;                                               \
        for (size_t b = 0; b < blocks; b++) {                                                   \
            const T *c = ct + b * d * W;                                                        \
            V a0 = _mm256_setzero_##S(), a1 = a0, a2 = a0, a3 = a0; /* four independent chains */ \
            for (size_t j = 0; j < d; j++) {                                                    \
                V cv = _mm256_load_##S(c + j * W);                                              \
                a0 = _mm256_fmadd_##S(BCAST(x0 + j), cv, a0);                                   \
                a1 = _mm256_fmadd_##S(BCAST(x1 + j), cv, a1);                                   \
                a2 = _mm256_fmadd_##S(BCAST(x2 + j), cv, a2);                                   \
                a3 = _mm256_fmadd_##S(BCAST(x3 + j), cv, a3);                                   \
            }                                                                                   \
            V nb = _mm256_loadu_##S(cnorm + b * W);                                             \
            _mm256_storeu_##S(tmp[0], _mm256_fmadd_##S(minus2, a0, nb));                        \
            _mm256_storeu_##S(tmp[1], _mm256_fmadd_##S(minus2, a1, nb));                        \
            _mm256_storeu_##S(tmp[2], _mm256_fmadd_##S(minus2, a2, nb));                        \
            _mm256_storeu_##S(tmp[3], _mm256_fmadd_##S(minus2, a3, nb));                        \
            size_t m = k - b * W < W ? k - b * W : W;                                           \
            for (size_t r = 0; r < rows; r++)                                                   \
                for (size_t q = 0; q < m; q++) out[(i + r) * k + b * W + q] = tmp[r][q];        \
        }                                                                                       \
    }

STRATA_AVX2 void strata_scores_f32(const float *x, size_t n, size_t d, const float *ct, const float *cnorm, size_t k, float *out) {
    SCORES_BODY(float, __m256, 8, ps, _mm256_broadcast_ss)
}

STRATA_AVX2 void strata_scores_f64(const double *x, size_t n, size_t d, const double *ct, const double *cnorm, size_t k, double *out) {
    SCORES_BODY(double, __m256d, 4, pd, _mm256_broadcast_sd)
}

// ---- one row against one center (bounded K-Means' tightening) --------------------------------
//
// The score of center c exactly as the assignment kernels compute it (its lane of the block's
// FMA chain, dimensions in order, then fma(−2, dot, ‖c‖²)), plus ‖x‖² in double.

#define SCORE_ONE_BODY(T, W, FMA)                                                               \
    const T *col = ct + (c / W) * d * W + c % W;                                                \
    T dot = 0;                                                                                  \
    double norm = 0;                                                                            \
    for (size_t j = 0; j < d; j++) {                                                            \
        dot = FMA(x[j], col[j * W], dot);                                                       \
        norm += (double)x[j] * (double)x[j];                                                    \
    }                                                                                           \
    *x2 = norm;                                                                                 \
    return FMA((T)-2.0, dot, cnorm[c]);

STRATA_AVX2 float strata_score_one_f32(const float *x, size_t d, const float *ct, const float *cnorm, size_t c, double *x2) {
    SCORE_ONE_BODY(float, 8, fmaf)
}

STRATA_AVX2 double strata_score_one_f64(const double *x, size_t d, const double *ct, const double *cnorm, size_t c, double *x2) {
    SCORE_ONE_BODY(double, 4, fma)
}
