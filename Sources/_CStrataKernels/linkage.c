#include "strata_linkage.h"
#include <immintrin.h>
#include <math.h>

#define STRATA_AVX2 __attribute__((target("avx2,fma")))

// ---- squared distances from one query to a panel of points --------------------------------
//
// Four blocks at a time: four independent FMA chains hide the FMA latency. Every lane runs the
// same sequence (subtract, then FMA into its accumulator, dimensions in order) whether its block
// is in the unrolled loop or the tail, so a position's distance is the same bits either way.
// One body for both precisions: V the vector type, W its lanes, S the intrinsic suffix.

#define PANEL_BODY(T, V, W, S, BCAST)                                                           \
    size_t b = block_begin;                                                                     \
    for (; b + 4 <= block_end; b += 4) {                                                        \
        const T *c0 = panel + b * d * W, *c1 = c0 + d * W, *c2 = c1 + d * W, *c3 = c2 + d * W;  \
        V a0 = _mm256_setzero_##S(), a1 = a0, a2 = a0, a3 = a0;                                 \
        for (size_t j = 0; j < d; j++) {                                                        \
            V qj = BCAST(q + j);                                                                \
            V t0 = _mm256_sub_##S(_mm256_load_##S(c0 + j * W), qj);                             \
            V t1 = _mm256_sub_##S(_mm256_load_##S(c1 + j * W), qj);                             \
            V t2 = _mm256_sub_##S(_mm256_load_##S(c2 + j * W), qj);                             \
            V t3 = _mm256_sub_##S(_mm256_load_##S(c3 + j * W), qj);                             \
            a0 = _mm256_fmadd_##S(t0, t0, a0); a1 = _mm256_fmadd_##S(t1, t1, a1);               \
            a2 = _mm256_fmadd_##S(t2, t2, a2); a3 = _mm256_fmadd_##S(t3, t3, a3);               \
        }                                                                                       \
        _mm256_storeu_##S(out + b * W, a0); _mm256_storeu_##S(out + (b + 1) * W, a1);           \
        _mm256_storeu_##S(out + (b + 2) * W, a2); _mm256_storeu_##S(out + (b + 3) * W, a3);     \
    }                                                                                           \
    for (; b < block_end; b++) {                                                                \
        const T *c = panel + b * d * W;                                                         \
        V a = _mm256_setzero_##S();                                                             \
        for (size_t j = 0; j < d; j++) {                                                        \
            V t = _mm256_sub_##S(_mm256_load_##S(c + j * W), BCAST(q + j));                    \
            a = _mm256_fmadd_##S(t, t, a);                                                      \
        }                                                                                       \
        _mm256_storeu_##S(out + b * W, a);                                                      \
    }

STRATA_AVX2 void strata_panel_sqdist_f32(const float *panel, size_t d, size_t block_begin, size_t block_end, const float *q, float *out) {
    PANEL_BODY(float, __m256, 8, ps, _mm256_broadcast_ss)
}

STRATA_AVX2 void strata_panel_sqdist_f64(const double *panel, size_t d, size_t block_begin, size_t block_end, const double *q, double *out) {
    PANEL_BODY(double, __m256d, 4, pd, _mm256_broadcast_sd)
}

// ---- first minimum over a range, per lane then across lanes ---------------------------------
//
// Each lane keeps its smallest value and the position where it first appeared (strict <). The
// lanes are then reduced to the smallest value, lowest position on ties; the scalar tail comes
// after every vector position, so strict < there keeps the first minimum too. NaN never
// compares less, which is how skipped positions drop out.

STRATA_AVX2 static inline int64_t reduce8(__m256 v, __m256i idx, float *best) {
    float vals[8]; int32_t ids[8];
    _mm256_storeu_ps(vals, v);
    _mm256_storeu_si256((__m256i *)ids, idx);
    float b = INFINITY; int64_t l = -1;
    for (int i = 0; i < 8; i++) {
        if (vals[i] < b || (vals[i] == b && l >= 0 && ids[i] < l)) { b = vals[i]; l = ids[i]; }
    }
    *best = b;
    return l;
}

STRATA_AVX2 static inline int64_t reduce4(__m256d v, __m256i idx, double *best) {
    double vals[4]; int64_t ids[4];
    _mm256_storeu_pd(vals, v);
    _mm256_storeu_si256((__m256i *)ids, idx);
    double b = INFINITY; int64_t l = -1;
    for (int i = 0; i < 4; i++) {
        if (vals[i] < b || (vals[i] == b && l >= 0 && ids[i] < l)) { b = vals[i]; l = ids[i]; }
    }
    *best = b;
    return l;
}

STRATA_AVX2 int64_t strata_ward_argmin_f32(const float *sqdist, const float *size, size_t begin, size_t end, float qsize, float *best) {
    __m256 bv = _mm256_set1_ps(INFINITY), qs = _mm256_set1_ps(qsize);
    __m256i bi = _mm256_set1_epi32(-1), cur = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)begin));
    const __m256i step = _mm256_set1_epi32(8);
    size_t p = begin;
    for (; p + 8 <= end; p += 8) {
        __m256 s = _mm256_loadu_ps(size + p);
        __m256 cost = _mm256_div_ps(_mm256_mul_ps(_mm256_loadu_ps(sqdist + p), s), _mm256_add_ps(qs, s));
        __m256 m = _mm256_cmp_ps(cost, bv, _CMP_LT_OQ);
        bv = _mm256_blendv_ps(bv, cost, m);
        bi = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(bi), _mm256_castsi256_ps(cur), m));
        cur = _mm256_add_epi32(cur, step);
    }
    float b; int64_t l = reduce8(bv, bi, &b);
    for (; p < end; p++) {
        float cost = (sqdist[p] * size[p]) / (qsize + size[p]);
        if (cost < b) { b = cost; l = (int64_t)p; }
    }
    *best = b;
    return l;
}

STRATA_AVX2 int64_t strata_ward_argmin_f64(const double *sqdist, const double *size, size_t begin, size_t end, double qsize, double *best) {
    __m256d bv = _mm256_set1_pd(INFINITY), qs = _mm256_set1_pd(qsize);
    __m256i bi = _mm256_set1_epi64x(-1), cur = _mm256_add_epi64(_mm256_setr_epi64x(0, 1, 2, 3), _mm256_set1_epi64x((long long)begin));
    const __m256i step = _mm256_set1_epi64x(4);
    size_t p = begin;
    for (; p + 4 <= end; p += 4) {
        __m256d s = _mm256_loadu_pd(size + p);
        __m256d cost = _mm256_div_pd(_mm256_mul_pd(_mm256_loadu_pd(sqdist + p), s), _mm256_add_pd(qs, s));
        __m256d m = _mm256_cmp_pd(cost, bv, _CMP_LT_OQ);
        bv = _mm256_blendv_pd(bv, cost, m);
        bi = _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(bi), _mm256_castsi256_pd(cur), m));
        cur = _mm256_add_epi64(cur, step);
    }
    double b; int64_t l = reduce4(bv, bi, &b);
    for (; p < end; p++) {
        double cost = (sqdist[p] * size[p]) / (qsize + size[p]);
        if (cost < b) { b = cost; l = (int64_t)p; }
    }
    *best = b;
    return l;
}

// min(sqdist, key) with key second: MINPS returns its second operand when either is NaN, so a
// NaN key (a point already in the tree) stays NaN.
STRATA_AVX2 int64_t strata_prim_update_f32(const float *sqdist, float *key, size_t begin, size_t end, float *best) {
    __m256 bv = _mm256_set1_ps(INFINITY);
    __m256i bi = _mm256_set1_epi32(-1), cur = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)begin));
    const __m256i step = _mm256_set1_epi32(8);
    size_t p = begin;
    for (; p + 8 <= end; p += 8) {
        __m256 k = _mm256_min_ps(_mm256_loadu_ps(sqdist + p), _mm256_loadu_ps(key + p));
        _mm256_storeu_ps(key + p, k);
        __m256 m = _mm256_cmp_ps(k, bv, _CMP_LT_OQ);
        bv = _mm256_blendv_ps(bv, k, m);
        bi = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(bi), _mm256_castsi256_ps(cur), m));
        cur = _mm256_add_epi32(cur, step);
    }
    float b; int64_t l = reduce8(bv, bi, &b);
    for (; p < end; p++) {
        float k = key[p];
        if (isnan(k)) continue;
        if (sqdist[p] < k) key[p] = k = sqdist[p];
        if (k < b) { b = k; l = (int64_t)p; }
    }
    *best = b;
    return l;
}

STRATA_AVX2 int64_t strata_prim_update_f64(const double *sqdist, double *key, size_t begin, size_t end, double *best) {
    __m256d bv = _mm256_set1_pd(INFINITY);
    __m256i bi = _mm256_set1_epi64x(-1), cur = _mm256_add_epi64(_mm256_setr_epi64x(0, 1, 2, 3), _mm256_set1_epi64x((long long)begin));
    const __m256i step = _mm256_set1_epi64x(4);
    size_t p = begin;
    for (; p + 4 <= end; p += 4) {
        __m256d k = _mm256_min_pd(_mm256_loadu_pd(sqdist + p), _mm256_loadu_pd(key + p));
        _mm256_storeu_pd(key + p, k);
        __m256d m = _mm256_cmp_pd(k, bv, _CMP_LT_OQ);
        bv = _mm256_blendv_pd(bv, k, m);
        bi = _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(bi), _mm256_castsi256_pd(cur), m));
        cur = _mm256_add_epi64(cur, step);
    }
    double b; int64_t l = reduce4(bv, bi, &b);
    for (; p < end; p++) {
        double k = key[p];
        if (isnan(k)) continue;
        if (sqdist[p] < k) key[p] = k = sqdist[p];
        if (k < b) { b = k; l = (int64_t)p; }
    }
    *best = b;
    return l;
}
