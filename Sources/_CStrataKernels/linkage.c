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

// One body per scan for both precisions: T the scalar, V its vector, W lanes, S the intrinsic
// suffix; lane positions are 32-bit (float32) or 64-bit (float64) integers (E the suffix, L the
// set1 form), blended through the float view of the same register (C the cast suffix).
#define LANE_INIT(W, E, L) _mm256_add_##E(W == 8 ? _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7) : _mm256_setr_epi64x(0, 1, 2, 3), \
                                          L((begin)))

#define SCAN_BODY(T, V, W, S, E, L, C, REDUCE, LANE_VALUE, SCALAR_VALUE, STORE)                       \
    V bv = _mm256_set1_##S(INFINITY);                                                               \
    __m256i bi = L(-1), cur = LANE_INIT(W, E, L);                                                   \
    const __m256i step = L(W);                                                                      \
    size_t p = begin;                                                                               \
    for (; p + W <= end; p += W) {                                                                  \
        V value = LANE_VALUE;                                                                       \
        STORE                                                                                       \
        V m = _mm256_cmp_##S(value, bv, _CMP_LT_OQ);                                                \
        bv = _mm256_blendv_##S(bv, value, m);                                                       \
        bi = _mm256_cast##C##_si256(_mm256_blendv_##S(_mm256_castsi256_##C(bi), _mm256_castsi256_##C(cur), m)); \
        cur = _mm256_add_##E(cur, step);                                                            \
    }                                                                                               \
    T b; int64_t l = REDUCE(bv, bi, &b);                                                            \
    for (; p < end; p++) { SCALAR_VALUE }                                                           \
    *best = b;                                                                                      \
    return l;

#define WARD_LANE(V, S) _mm256_div_##S(_mm256_mul_##S(_mm256_loadu_##S(sqdist + p), _mm256_loadu_##S(size + p)), \
                                       _mm256_add_##S(_mm256_set1_##S(qsize), _mm256_loadu_##S(size + p)))
#define WARD_SCALAR { __typeof__(b) cost = (sqdist[p] * size[p]) / (qsize + size[p]); if (cost < b) { b = cost; l = (int64_t)p; } }

STRATA_AVX2 int64_t strata_ward_argmin_f32(const float *sqdist, const float *size, size_t begin, size_t end, float qsize, float *best) {
    SCAN_BODY(float, __m256, 8, ps, epi32, _mm256_set1_epi32, ps, reduce8, WARD_LANE(__m256, ps), WARD_SCALAR, )
}

STRATA_AVX2 int64_t strata_ward_argmin_f64(const double *sqdist, const double *size, size_t begin, size_t end, double qsize, double *best) {
    SCAN_BODY(double, __m256d, 4, pd, epi64, _mm256_set1_epi64x, pd, reduce4, WARD_LANE(__m256d, pd), WARD_SCALAR, )
}

// min(sqdist, key) with key second: MINPS returns its second operand when either is NaN, so a
// NaN key (a point already in the tree) stays NaN.
#define PRIM_LANE(S) _mm256_min_##S(_mm256_loadu_##S(sqdist + p), _mm256_loadu_##S(key + p))
#define PRIM_STORE(S) _mm256_storeu_##S(key + p, value);
#define PRIM_SCALAR { __typeof__(b) k = key[p]; if (isnan(k)) continue; if (sqdist[p] < k) key[p] = k = sqdist[p]; if (k < b) { b = k; l = (int64_t)p; } }

STRATA_AVX2 int64_t strata_prim_update_f32(const float *sqdist, float *key, size_t begin, size_t end, float *best) {
    SCAN_BODY(float, __m256, 8, ps, epi32, _mm256_set1_epi32, ps, reduce8, PRIM_LANE(ps), PRIM_SCALAR, PRIM_STORE(ps))
}

STRATA_AVX2 int64_t strata_prim_update_f64(const double *sqdist, double *key, size_t begin, size_t end, double *best) {
    SCAN_BODY(double, __m256d, 4, pd, epi64, _mm256_set1_epi64x, pd, reduce4, PRIM_LANE(pd), PRIM_SCALAR, PRIM_STORE(pd))
}
