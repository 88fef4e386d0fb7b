#include "strata_bounded.h"
#include "strata_distance.h"
#include <immintrin.h>
#include <math.h>

#define STRATA_AVX2 __attribute__((target("avx2,fma")))
#define STRATA_AVX512 __attribute__((target("avx512f,avx512vl,avx2,fma")))

/// The smallest float not below v, and the largest not above. Keys of upper bounds (u − C[a])
/// are often negative: the next float up from a negative one is its bit pattern minus one (toward
/// zero), from a positive one plus one; from ±0 it is the least subnormal (and mirrored for down;
/// +inf's predecessor is FLT_MAX).
static inline float step_bits(float f, int32_t by) { union { float f; int32_t i; } u = { f }; u.i += by; return u.f; }
static inline float next_up(float f) { return f == 0 ? 0x1p-149f : step_bits(f, f > 0 ? 1 : -1); }
static inline float next_down(float f) { return f == 0 ? -0x1p-149f : step_bits(f, f > 0 ? -1 : 1); }
static inline float up_f(double v) { float f = (float)v; return (double)f < v ? next_up(f) : f; }
static inline float down_f(double v) { float f = (float)v; return (double)f > v ? next_down(f) : f; }

/// Keys: v moved by at least one quantum outward (covering the rounding of the double that
/// computed v), to a multiple of the quantum, then outward to a float, which is still a multiple
/// (up to 2²⁴ quanta floats hold every multiple; beyond, their spacing is a larger power of two).
/// (q is a power of two, so v · (1/q) is v / q exactly.)
static inline float key_up(double v, double q) { return up_f((ceil(v * (1 / q)) + 1) * q); }
static inline float key_down(double v, double q) { return down_f((floor(v * (1 / q)) - 1) * q); }

float strata_bounds_key_up(double v, double quantum) { return key_up(v, quantum); }
float strata_bounds_key_down(double v, double quantum) { return key_down(v, quantum); }

static inline int separates(double h, double u, double m) { return h > u && 4 * h * (h - u) > m; }
static inline int rules_out(double l, double u, double m) { return l > u && (l - u) * (l + u) > m; }

/// A for row i (‖x‖ from its rounded-up norm, so no square root).
static inline double allowance(const strata_bounds *b, size_t i, double x2) {
    return b->eps * (x2 + b->max_norm + 2 * (double)b->row_norm[i] * b->root_max_norm);
}

// Branch-free: whether the half separation or the lower bound proves a row is data-dependent,
// and mispredictions cost more than the arithmetic. Each row's test, in this order of operations:
#define SCAN_ROW(i)                                                                              \
    do {                                                                                         \
        const int32_t a = b->labels[i];                                                          \
        const double u = (double)b->upper[i] + b->drift_center[a];                               \
        const double reach = (double)b->row_norm[i] + rm;                                        \
        const double margin = two_eps * reach * reach;                                           \
        const double l = (double)b->lower[i] - cl;                                               \
        const double h = b->half[a];                                                             \
        const int ok = ((h > u) & (4 * h * (h - u) > margin)) | ((l > u) & ((l - u) * (l + u) > margin)); \
        const double w = b->weights ? b->weights[i] : 1.0;                                       \
        acc += ok ? w * u * u : 0.0;                                                             \
        out[count] = (int64_t)(i);                                                               \
        count += (size_t)!ok;                                                                    \
        if (!ok) prefetch_row(b, i);                                                             \
    } while (0)

// Tightening reads a failing row next, and rows rarely sit in cache.
static inline void prefetch_row(const strata_bounds *b, size_t i) {
    const char *p = (const char *)b->rows + i * b->row_bytes;
    for (size_t q = 0; q < b->row_bytes && q < 256; q += 64) __builtin_prefetch(p + q);
    __builtin_prefetch(b->row_sq + i);
}

STRATA_AVX2 static size_t scan_avx2(const strata_bounds *b, size_t begin, size_t end, double *inertia, int64_t *out) {
    _Pragma("clang fp contract(off)")
    const double cl = b->drift_largest, rm = b->root_max_norm, two_eps = 2 * b->eps;
    size_t count = 0;
    double acc = 0;
    for (size_t i = begin; i < end; i++) SCAN_ROW(i);
    *inertia += acc;
    return count;
}

// The same tests, 8 rows at a time in AVX-512 (the centers' drift and half separation gathered
// by label from their k-entry tables); the rows left are compressed into `out` in row order.
STRATA_AVX512 static size_t scan_avx512(const strata_bounds *b, size_t begin, size_t end, double *inertia, int64_t *out) {
    _Pragma("clang fp contract(off)")
    const double cl = b->drift_largest, rm = b->root_max_norm, two_eps = 2 * b->eps;
    const __m512d vcl = _mm512_set1_pd(cl), vrm = _mm512_set1_pd(rm), v2e = _mm512_set1_pd(two_eps);
    const __m512d four = _mm512_set1_pd(4.0), one = _mm512_set1_pd(1.0);
    __m512i idx = _mm512_add_epi64(_mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7), _mm512_set1_epi64((long long)begin));
    const __m512i eight = _mm512_set1_epi64(8);
    __m512d vacc = _mm512_setzero_pd();
    size_t count = 0, i = begin;
    for (; i + 8 <= end; i += 8) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(b->labels + i));
        const __m512d u = _mm512_add_pd(_mm512_cvtps_pd(_mm256_loadu_ps(b->upper + i)), _mm512_i32gather_pd(a, b->drift_center, 8));
        const __m512d reach = _mm512_add_pd(_mm512_cvtps_pd(_mm256_loadu_ps(b->row_norm + i)), vrm);
        const __m512d margin = _mm512_mul_pd(_mm512_mul_pd(v2e, reach), reach);
        const __m512d l = _mm512_sub_pd(_mm512_cvtps_pd(_mm256_loadu_ps(b->lower + i)), vcl);
        const __m512d h = _mm512_i32gather_pd(a, b->half, 8);
        const __mmask8 ok1 = _mm512_cmp_pd_mask(h, u, _CMP_GT_OQ) &
                             _mm512_cmp_pd_mask(_mm512_mul_pd(_mm512_mul_pd(four, h), _mm512_sub_pd(h, u)), margin, _CMP_GT_OQ);
        const __mmask8 ok2 = _mm512_cmp_pd_mask(l, u, _CMP_GT_OQ) &
                             _mm512_cmp_pd_mask(_mm512_mul_pd(_mm512_sub_pd(l, u), _mm512_add_pd(l, u)), margin, _CMP_GT_OQ);
        const __mmask8 ok = ok1 | ok2;
        const __m512d w = b->weights ? _mm512_loadu_pd(b->weights + i) : one;
        vacc = _mm512_mask_add_pd(vacc, ok, vacc, _mm512_mul_pd(_mm512_mul_pd(w, u), u));
        const __mmask8 fail = (__mmask8)~ok;
        // Compressed in a register and stored whole (a compressing store to memory is microcoded
        // and slow on AMD); out has room: count ≤ i − begin, so count + 8 ≤ end − begin.
        _mm512_storeu_si512(out + count, _mm512_maskz_compress_epi64(fail, idx));
        count += (size_t)__builtin_popcount(fail);
        for (unsigned m = fail; m; m &= m - 1) prefetch_row(b, i + (size_t)__builtin_ctz(m));
        idx = _mm512_add_epi64(idx, eight);
    }
    double acc = _mm512_reduce_add_pd(vacc);
    for (; i < end; i++) SCAN_ROW(i);
    *inertia += acc;
    return count;
}

size_t strata_bounds_scan(const strata_bounds *b, size_t begin, size_t end, double *inertia, int64_t *out) {
    return strata_kernels_avx512(-1) ? scan_avx512(b, begin, end, inertia, out) : scan_avx2(b, begin, end, inertia, out);
}

// Stores row i's tighter bounds u and l (group bounds keep their keys).
static inline void store(const strata_bounds *b, size_t i, double u, double l) {
    b->upper[i] = key_up(u - b->drift_center[b->labels[i]], b->quantum);
    b->lower[i] = key_down(l + b->drift_largest, b->quantum);
}

// The bounds of row i now: u, and the best lower bound (group bounds included).
static inline void moved_bounds(const strata_bounds *b, size_t i, double *u, double *l) {
    const size_t t = b->groups;
    *u = (double)b->upper[i] + b->drift_center[b->labels[i]];
    double lo = (double)b->lower[i] - b->drift_largest;
    if (t > 1) {
        const float *g = b->group_lower + i * t;
        double m = INFINITY;
        for (size_t q = 0; q < t; q++) { double v = (double)g[q] - b->drift_group[q]; m = v < m ? v : m; }
        lo = m > lo ? m : lo;
    }
    *l = lo;
}

// Scores of each row's own center, 8 rows' FMA chains interleaved (each chain is the kernel's:
// dimensions in order, then fma(−2, dot, ‖c‖²)).
#define TIGHTEN_BODY(T, W, FMA)                                                                  \
    const size_t d = b->d, t = b->groups;                                                        \
    double acc_inertia = 0;                                                                      \
    size_t waiting = 0, out = 0;                                                                 \
    /* 1. group bounds (rows proven are rebased); the rest wait for their score */               \
    int64_t *wait = pending; /* reuses pending's space: out ≤ waiting index at every write */    \
    for (size_t r = 0; r < count; r++) {                                                         \
        const size_t i = (size_t)rows[r];                                                        \
        if (t > 1) {                                                                             \
            double u, l;                                                                         \
            moved_bounds(b, i, &u, &l);                                                          \
            const double reach = (double)b->row_norm[i] + b->root_max_norm;                      \
            if (rules_out(l, u, 2 * b->eps * reach * reach)) {                                   \
                store(b, i, u, l);                                                              \
                acc_inertia += (b->weights ? b->weights[i] : 1.0) * u * u;                       \
                continue;                                                                        \
            }                                                                                    \
        }                                                                                        \
        wait[waiting++] = (int64_t)i;                                                            \
    }                                                                                            \
    /* 2. own-center scores, 8 chains at a time, then the proofs again with the tight u */       \
    const size_t lines = d * sizeof(T) < 256 ? (d * sizeof(T) + 63) / 64 : 4;                  \
    for (size_t g0 = 0; g0 < waiting; g0 += 8) {                                                 \
        const size_t m = waiting - g0 < 8 ? waiting - g0 : 8;                                    \
        for (size_t r = g0 + 8; r < g0 + 16 && r < waiting; r++) { /* the next group's rows */   \
            const char *p = (const char *)(x + (size_t)wait[r] * d);                             \
            for (size_t q = 0; q < lines; q++) __builtin_prefetch(p + 64 * q);                   \
            __builtin_prefetch(b->row_sq + wait[r]);                                             \
        }                                                                                        \
        const T *xr[8], *cr[8];                                                                  \
        T acc[8];                                                                                \
        size_t idx[8];                                                                           \
        for (size_t r = 0; r < 8; r++) {                                                         \
            const size_t i = (size_t)wait[g0 + (r < m ? r : 0)];                                 \
            const size_t a = (size_t)b->labels[i];                                               \
            idx[r] = i;                                                                          \
            xr[r] = x + i * d;                                                                   \
            cr[r] = ct + (a / W) * d * W + a % W;                                                \
            acc[r] = 0;                                                                          \
        }                                                                                        \
        for (size_t j = 0; j < d; j++)                                                           \
            for (size_t r = 0; r < 8; r++) acc[r] = FMA(xr[r][j], cr[r][j * W], acc[r]);         \
        for (size_t r = 0; r < m; r++) {                                                         \
            const size_t i = idx[r];                                                             \
            const int32_t a = b->labels[i];                                                      \
            const T score = FMA((T)-2.0, acc[r], cnorm[a]);                                      \
            const double x2 = b->row_sq[i], A = allowance(b, i, x2);                             \
            double tight = x2 + (double)score + A;                                               \
            tight = sqrt(tight > 0 ? tight : 0);                                                 \
            double u, l;                                                                         \
            moved_bounds(b, i, &u, &l);                                                          \
            if (separates(b->half[a], tight, 2 * A) || rules_out(l, tight, 2 * A)) {             \
                store(b, i, tight, l);                                                          \
                acc_inertia += (b->weights ? b->weights[i] : 1.0) * tight * tight;               \
            } else {                                                                             \
                pending[out++] = (int64_t)i;                                                     \
            }                                                                                    \
        }                                                                                        \
    }                                                                                            \
    *inertia += acc_inertia;                                                                     \
    return out;

STRATA_AVX2 size_t strata_bounds_tighten_f32(const strata_bounds *b, const float *x, const float *ct, const float *cnorm,
                                             const int64_t *rows, size_t count, double *inertia, int64_t *pending) {
    TIGHTEN_BODY(float, 8, fmaf)
}

STRATA_AVX2 size_t strata_bounds_tighten_f64(const strata_bounds *b, const double *x, const double *ct, const double *cnorm,
                                             const int64_t *rows, size_t count, double *inertia, int64_t *pending) {
    TIGHTEN_BODY(double, 4, fma)
}

// Square roots in batches of 64 rows (vectorized), bounds scattered back per row as keys of the
// row's new label.
#define RENEW_BODY(T)                                                                            \
    const size_t k = b->k, t = b->groups;                                                        \
    const double q0 = b->quantum, cl = b->drift_largest;                                         \
    double acc = 0;                                                                              \
    double gmin[t > 1 ? t : 1];                                                                  \
    double up2[64], low2[64];                                                                    \
    for (size_t r0 = 0; r0 < count; r0 += 64) {                                                  \
        const size_t m = count - r0 < 64 ? count - r0 : 64;                                      \
        for (size_t q = 0; q < m; q++) {                                                         \
            const size_t r = r0 + q, i = (size_t)rows[r];                                        \
            const double x2 = b->row_sq[i], A = allowance(b, i, x2);                             \
            double sb;                                                                           \
            if (!scores) {                                                                       \
                sb = (double)best[r];                                                            \
                low2[q] = x2 + (double)second[r] - A;                                            \
            } else {                                                                             \
                const T *s = scores + r * k;                                                     \
                size_t bi = 0;                                                                   \
                for (size_t c = 1; c < k; c++) if (s[c] < s[bi]) bi = c; /* first minimum */     \
                labels[r] = (int32_t)bi;                                                         \
                sb = (double)s[bi];                                                              \
                for (size_t g = 0; g < t; g++) gmin[g] = INFINITY;                               \
                for (size_t c = 0; c < k; c++) {                                                 \
                    if (c == bi) continue;                                                       \
                    const size_t g = (size_t)b->group_of[c];                                     \
                    if ((double)s[c] < gmin[g]) gmin[g] = (double)s[c];                          \
                }                                                                                \
                float *gl = b->group_lower + i * t;                                              \
                double overall = INFINITY;                                                       \
                for (size_t g = 0; g < t; g++) {                                                 \
                    const double v = x2 + gmin[g] - A;                                           \
                    const double bound = isinf(gmin[g]) ? INFINITY : (double)down_f(sqrt(v > 0 ? v : 0)); \
                    gl[g] = isinf(bound) ? INFINITY : key_down(bound + b->drift_group[g], q0);   \
                    overall = bound < overall ? bound : overall;                                 \
                }                                                                                \
                low2[q] = overall; /* already a bound */                                         \
            }                                                                                    \
            up2[q] = x2 + sb + A;                                                                \
        }                                                                                        \
        for (size_t q = 0; q < m; q++) up2[q] = sqrt(up2[q] > 0 ? up2[q] : 0);                   \
        if (!scores)                                                                             \
            for (size_t q = 0; q < m; q++) low2[q] = sqrt(low2[q] > 0 ? low2[q] : 0);            \
        for (size_t q = 0; q < m; q++) {                                                         \
            const size_t r = r0 + q, i = (size_t)rows[r];                                        \
            const double u = up2[q];                                                             \
            b->upper[i] = key_up(u - b->drift_center[labels[r]], q0);                            \
            const double l = scores ? low2[q] : (k > 1 ? low2[q] : INFINITY);                    \
            b->lower[i] = isinf(l) ? INFINITY : key_down(l + cl, q0);                            \
            /* groups: the second-nearest bounds every group; each then moves by its own drift */ \
            if (!scores)                                                                         \
                for (size_t g = 0; g < t && t > 1; g++)                                          \
                    b->group_lower[i * t + g] = isinf(l) ? INFINITY : key_down(l + b->drift_group[g], q0); \
            acc += (b->weights ? b->weights[i] : 1.0) * u * u;                                   \
        }                                                                                        \
    }                                                                                            \
    *inertia += acc;

STRATA_AVX2 static void renew_f32(const strata_bounds *b, const int64_t *rows, size_t count, int32_t *labels,
                                   const float *best, const float *second, const float *scores, double *inertia) {
    RENEW_BODY(float)
}

STRATA_AVX2 static void renew_f64(const strata_bounds *b, const int64_t *rows, size_t count, int32_t *labels,
                                  const double *best, const double *second, const double *scores, double *inertia) {
    RENEW_BODY(double)
}

// The renewal from best and second (no scores), 8 rows at a time in AVX-512: the same arithmetic
// in double, keys rounded outward by the conversion's own directed rounding; the rows' tables
// read with plain loads where the rows are consecutive (a pass over every row), gathered where
// not. Group bounds are written per row as the scalar body writes them, and the last count % 8
// rows go to the scalar body; the bounds are the same, only the inertia statistic is summed in
// another order.
#define RENEW_WIDE_BODY(T, LOAD8)                                                                \
    const double q0 = b->quantum;                                                                \
    const __m512d q = _mm512_set1_pd(q0), invq = _mm512_set1_pd(1 / q0), one = _mm512_set1_pd(1.0); \
    const __m512d eps = _mm512_set1_pd(b->eps), maxn = _mm512_set1_pd(b->max_norm), zero = _mm512_setzero_pd(); \
    const __m512d rm = _mm512_set1_pd(b->root_max_norm), cl = _mm512_set1_pd(b->drift_largest); \
    const __m512d inf = _mm512_set1_pd(INFINITY);                                                \
    const size_t t = b->groups;                                                                  \
    __m512d vacc = _mm512_setzero_pd();                                                          \
    size_t r = 0;                                                                                \
    for (; r + 8 <= count; r += 8) {                                                             \
        const __m512i idx = _mm512_loadu_si512(rows + r);                                        \
        const size_t i0 = (size_t)rows[r];                                                       \
        const int run = rows[r + 7] - rows[r] == 7;                                              \
        const __m512d x2 = run ? _mm512_loadu_pd(b->row_sq + i0) : _mm512_i64gather_pd(idx, b->row_sq, 8); \
        const __m512d rn = _mm512_cvtps_pd(run ? _mm256_loadu_ps(b->row_norm + i0) : _mm512_i64gather_ps(idx, b->row_norm, 4)); \
        const __m512d A = _mm512_mul_pd(eps, _mm512_add_pd(_mm512_add_pd(x2, maxn), _mm512_mul_pd(_mm512_add_pd(rn, rn), rm))); \
        const __m512d up2 = _mm512_add_pd(_mm512_add_pd(x2, LOAD8(best + r)), A);               \
        const __m512d u = _mm512_sqrt_pd(_mm512_max_pd(up2, zero));                              \
        const __m512d low2 = _mm512_sub_pd(_mm512_add_pd(x2, LOAD8(second + r)), A);             \
        const __m512d l = b->k > 1 ? _mm512_sqrt_pd(_mm512_max_pd(low2, zero)) : inf;             \
        const __m512d c = _mm512_i32gather_pd(_mm256_loadu_si256((const __m256i *)(labels + r)), b->drift_center, 8); \
        const __m512d tu = _mm512_mul_pd(_mm512_add_pd(_mm512_roundscale_pd(_mm512_mul_pd(_mm512_sub_pd(u, c), invq), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC), one), q); \
        const __m512d tl = _mm512_mul_pd(_mm512_sub_pd(_mm512_roundscale_pd(_mm512_mul_pd(_mm512_add_pd(l, cl), invq), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC), one), q); \
        const __m256 ku = _mm512_cvt_roundpd_ps(tu, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC);  \
        const __m256 kl = _mm512_cvt_roundpd_ps(tl, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);  \
        if (run) {                                                                               \
            _mm256_storeu_ps(b->upper + i0, ku);                                                 \
            _mm256_storeu_ps(b->lower + i0, kl);                                                 \
        } else {                                                                                 \
            _mm512_i64scatter_ps(b->upper, idx, ku, 4);                                          \
            _mm512_i64scatter_ps(b->lower, idx, kl, 4);                                          \
        }                                                                                        \
        if (t > 1) {                                                                             \
            double lv[8];                                                                        \
            _mm512_storeu_pd(lv, l);                                                             \
            for (size_t p = 0; p < 8; p++)                                                       \
                for (size_t g = 0; g < t; g++)                                                   \
                    b->group_lower[(size_t)rows[r + p] * t + g] = isinf(lv[p]) ? INFINITY : key_down(lv[p] + b->drift_group[g], q0); \
        }                                                                                        \
        const __m512d w = b->weights ? (run ? _mm512_loadu_pd(b->weights + i0) : _mm512_i64gather_pd(idx, b->weights, 8)) : one; \
        vacc = _mm512_add_pd(vacc, _mm512_mul_pd(_mm512_mul_pd(w, u), u));                       \
    }                                                                                            \
    *inertia += _mm512_reduce_add_pd(vacc);                                                      \
    if (r < count) renew_##T(b, rows + r, count - r, labels + r, best + r, second + r, NULL, inertia);

#define LOAD8_F32(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#define LOAD8_F64(p) _mm512_loadu_pd(p)

STRATA_AVX512 static void renew_wide_f32(const strata_bounds *b, const int64_t *rows, size_t count, const int32_t *labels,
                                         const float *best, const float *second, double *inertia) {
    RENEW_WIDE_BODY(f32, LOAD8_F32)
}

STRATA_AVX512 static void renew_wide_f64(const strata_bounds *b, const int64_t *rows, size_t count, const int32_t *labels,
                                         const double *best, const double *second, double *inertia) {
    RENEW_WIDE_BODY(f64, LOAD8_F64)
}

void strata_bounds_renew_f32(const strata_bounds *b, const int64_t *rows, size_t count, int32_t *labels,
                             const float *best, const float *second, const float *scores, double *inertia) {
    if (!scores && strata_kernels_avx512(-1)) renew_wide_f32(b, rows, count, labels, best, second, inertia);
    else renew_f32(b, rows, count, labels, best, second, scores, inertia);
}

void strata_bounds_renew_f64(const strata_bounds *b, const int64_t *rows, size_t count, int32_t *labels,
                             const double *best, const double *second, const double *scores, double *inertia) {
    if (!scores && strata_kernels_avx512(-1)) renew_wide_f64(b, rows, count, labels, best, second, inertia);
    else renew_f64(b, rows, count, labels, best, second, scores, inertia);
}

#define ROW_NORMS_BODY                                                                           \
    double largest = 0;                                                                          \
    for (size_t i = begin; i < end; i++) {                                                       \
        const __typeof__(x[0]) *row = x + i * d;                                                 \
        double s = 0;                                                                            \
        for (size_t j = 0; j < d; j++) s += (double)row[j] * (double)row[j];                     \
        row_sq[i] = s;                                                                           \
        const double r = sqrt(s);                                                                \
        row_norm[i] = up_f(r);                                                                   \
        largest = r > largest ? r : largest;                                                     \
    }                                                                                            \
    return largest;

STRATA_AVX2 static double row_norms_f32(const float *x, size_t begin, size_t end, size_t d, double *row_sq, float *row_norm) {
    ROW_NORMS_BODY
}

// Eight columns at a time in double (squares of floats are exact in double, so only the order of
// the additions differs from the scalar loop: the sums are within a few ulps of each other).
STRATA_AVX512 static double row_norms_wide_f32(const float *x, size_t begin, size_t end, size_t d, double *row_sq, float *row_norm) {
    double largest = 0;
    const size_t d8 = d & ~(size_t)7;
    for (size_t i = begin; i < end; i++) {
        const float *row = x + i * d;
        __m512d acc = _mm512_setzero_pd();
        for (size_t j = 0; j < d8; j += 8) {
            const __m512d v = _mm512_cvtps_pd(_mm256_loadu_ps(row + j));
            acc = _mm512_fmadd_pd(v, v, acc);
        }
        double s = _mm512_reduce_add_pd(acc);
        for (size_t j = d8; j < d; j++) s += (double)row[j] * (double)row[j];
        row_sq[i] = s;
        const double r = sqrt(s);
        row_norm[i] = up_f(r);
        largest = r > largest ? r : largest;
    }
    return largest;
}

double strata_row_norms_f32(const float *x, size_t begin, size_t end, size_t d, double *row_sq, float *row_norm) {
    return strata_kernels_avx512(-1) && d >= 8 ? row_norms_wide_f32(x, begin, end, d, row_sq, row_norm)
                                               : row_norms_f32(x, begin, end, d, row_sq, row_norm);
}

STRATA_AVX2 double strata_row_norms_f64(const double *x, size_t begin, size_t end, size_t d, double *row_sq, float *row_norm) {
    ROW_NORMS_BODY
}
