#include "strata_distance.h"
#include <immintrin.h>
#include <math.h>

#define STRATA_AVX2 __attribute__((target("avx2,fma")))

// ---- float32: 8 centroids per block, 4 points at a time ------------------------------------

// Horizontal argmin over lanes (lowest index on ties); with `second`, also the second-smallest
// value overall: the other lanes' minima and the winning lane's own second.
STRATA_AVX2 static inline void argmin8(__m256 v, __m256i idx, __m256 v2, float *best, int32_t *label, float *second) {
    float vals[8], vals2[8]; int32_t ids[8];
    _mm256_storeu_ps(vals, v);
    _mm256_storeu_ps(vals2, v2);
    _mm256_storeu_si256((__m256i *)ids, idx);
    float b = vals[0]; int32_t l = ids[0]; int w = 0;
    for (int i = 1; i < 8; i++) {
        if (vals[i] < b || (vals[i] == b && ids[i] < l)) { b = vals[i]; l = ids[i]; w = i; }
    }
    *best = b; *label = l;
    if (second) {
        float s = vals2[w];
        for (int i = 0; i < 8; i++) if (i != w && vals[i] < s) s = vals[i];
        *second = s;
    }
}

// Per lane: the smallest value with its index (strict <: first wins), and the second smallest.
STRATA_AVX2 static inline void keep_min8(__m256 v, __m256i idx, __m256 *best, __m256i *lab, __m256 *second) {
    *second = _mm256_min_ps(*second, _mm256_max_ps(*best, v));
    __m256 m = _mm256_cmp_ps(v, *best, _CMP_LT_OQ);
    *best = _mm256_blendv_ps(*best, v, m);
    *lab = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(*lab), _mm256_castsi256_ps(idx), m));
}

// Register blocking: 2 points × 4 centroid blocks (32 centroids) = 8 accumulators; per dimension
// 4 centroid loads + 2 broadcasts feed 8 FMAs, so the loop is FMA-bound, not load-bound.
STRATA_AVX2 void strata_assign_f32(const float *x, size_t n, size_t d, const float *ct, const float *cnorm, size_t k,
                                   int32_t *labels, float *best, float *second) {
    const size_t blocks = (k + 7) / 8;
    const __m256 minus2 = _mm256_set1_ps(-2.0f);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        const float *x0 = x + i * d, *x1 = x0 + d;
        __m256 b0 = _mm256_set1_ps(INFINITY), b1 = b0, s0 = b0, s1 = b0;
        __m256i l0 = _mm256_setzero_si256(), l1 = l0;
        size_t b = 0;
        for (; b + 4 <= blocks; b += 4) {
            const float *c0 = ct + b * d * 8, *c1 = c0 + d * 8, *c2 = c1 + d * 8, *c3 = c2 + d * 8;
            __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a03 = a00;
            __m256 a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            for (size_t j = 0; j < d; j++) {
                __m256 v0 = _mm256_load_ps(c0 + j * 8), v1 = _mm256_load_ps(c1 + j * 8);
                __m256 v2 = _mm256_load_ps(c2 + j * 8), v3 = _mm256_load_ps(c3 + j * 8);
                __m256 p0 = _mm256_broadcast_ss(x0 + j), p1 = _mm256_broadcast_ss(x1 + j);
                a00 = _mm256_fmadd_ps(p0, v0, a00); a01 = _mm256_fmadd_ps(p0, v1, a01);
                a02 = _mm256_fmadd_ps(p0, v2, a02); a03 = _mm256_fmadd_ps(p0, v3, a03);
                a10 = _mm256_fmadd_ps(p1, v0, a10); a11 = _mm256_fmadd_ps(p1, v1, a11);
                a12 = _mm256_fmadd_ps(p1, v2, a12); a13 = _mm256_fmadd_ps(p1, v3, a13);
            }
            __m256 n0 = _mm256_loadu_ps(cnorm + b * 8), n1 = _mm256_loadu_ps(cnorm + b * 8 + 8);
            __m256 n2 = _mm256_loadu_ps(cnorm + b * 8 + 16), n3 = _mm256_loadu_ps(cnorm + b * 8 + 24);
            __m256i i0 = _mm256_add_epi32(lane, _mm256_set1_epi32((int)(b * 8)));
            __m256i i1 = _mm256_add_epi32(i0, _mm256_set1_epi32(8));
            __m256i i2 = _mm256_add_epi32(i0, _mm256_set1_epi32(16));
            __m256i i3 = _mm256_add_epi32(i0, _mm256_set1_epi32(24));
            keep_min8(_mm256_fmadd_ps(minus2, a00, n0), i0, &b0, &l0, &s0);
            keep_min8(_mm256_fmadd_ps(minus2, a01, n1), i1, &b0, &l0, &s0);
            keep_min8(_mm256_fmadd_ps(minus2, a02, n2), i2, &b0, &l0, &s0);
            keep_min8(_mm256_fmadd_ps(minus2, a03, n3), i3, &b0, &l0, &s0);
            keep_min8(_mm256_fmadd_ps(minus2, a10, n0), i0, &b1, &l1, &s1);
            keep_min8(_mm256_fmadd_ps(minus2, a11, n1), i1, &b1, &l1, &s1);
            keep_min8(_mm256_fmadd_ps(minus2, a12, n2), i2, &b1, &l1, &s1);
            keep_min8(_mm256_fmadd_ps(minus2, a13, n3), i3, &b1, &l1, &s1);
        }
        for (; b < blocks; b++) {
            const float *c = ct + b * d * 8;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0;
            for (size_t j = 0; j < d; j++) {
                __m256 v = _mm256_load_ps(c + j * 8);
                a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(x0 + j), v, a0);
                a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(x1 + j), v, a1);
            }
            __m256 nb = _mm256_loadu_ps(cnorm + b * 8);
            __m256i ib = _mm256_add_epi32(lane, _mm256_set1_epi32((int)(b * 8)));
            keep_min8(_mm256_fmadd_ps(minus2, a0, nb), ib, &b0, &l0, &s0);
            keep_min8(_mm256_fmadd_ps(minus2, a1, nb), ib, &b1, &l1, &s1);
        }
        argmin8(b0, l0, s0, best + i, labels + i, second ? second + i : 0);
        argmin8(b1, l1, s1, best + i + 1, labels + i + 1, second ? second + i + 1 : 0);
    }
    for (; i < n; i++) {
        const float *x0 = x + i * d;
        __m256 b0 = _mm256_set1_ps(INFINITY), s0 = b0;
        __m256i l0 = _mm256_setzero_si256();
        for (size_t b = 0; b < blocks; b++) {
            const float *c = ct + b * d * 8;
            __m256 a0 = _mm256_setzero_ps();
            for (size_t j = 0; j < d; j++) a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(x0 + j), _mm256_load_ps(c + j * 8), a0);
            keep_min8(_mm256_fmadd_ps(minus2, a0, _mm256_loadu_ps(cnorm + b * 8)),
                      _mm256_add_epi32(lane, _mm256_set1_epi32((int)(b * 8))), &b0, &l0, &s0);
        }
        argmin8(b0, l0, s0, best + i, labels + i, second ? second + i : 0);
    }
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

STRATA_AVX2 void strata_assign_f64(const double *x, size_t n, size_t d, const double *ct, const double *cnorm, size_t k,
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
