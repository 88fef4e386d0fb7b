#ifndef STRATA_DISTANCE_H
#define STRATA_DISTANCE_H
// Nearest-centroid assignment by the direct kernel. Centroids are passed transposed in blocks of
// W (8 for float32, 4 for float64): block b holds, for each dimension j, the W values
// c[b·W + 0..W)[j] contiguously, i.e. layout [blocks][d][W]. Padding centroids carry norm +inf.
// For each point the kernel computes ‖c‖² − 2·x·c for every centroid with broadcast-FMA over
// the dimensions (no horizontal sums in the inner loop) and keeps the first minimum
// (strict <, lowest index on ties), as scikit-learn does.
#include <stddef.h>
#include <stdint.h>

/// x: n × d row-major. ct: ceil(k/8) × d × 8. cnorm: ceil(k/8)·8 squared norms (+inf padding).
/// labels[i] ← argmin_j; best[i] ← min_j (‖c_j‖² − 2 x_i·c_j) (add ‖x_i‖² for the distance);
/// second (may be NULL) ← the second-smallest value (+inf when k = 1).
void strata_assign_f32(const float *x, size_t n, size_t d, const float *ct, const float *cnorm, size_t k,
                       int32_t *labels, float *best, float *second);
/// The same in double precision, blocks of 4 centroids: ct: ceil(k/4) × d × 4.
void strata_assign_f64(const double *x, size_t n, size_t d, const double *ct, const double *cnorm, size_t k,
                       int32_t *labels, double *best, double *second);

/// out[i·k + j] ← ‖c_j‖² − 2 x_i·c_j for every row and centroid (same layout as assign; meant
/// for few centroids, e.g. k-means++ candidates). Add ‖x_i‖² for the squared distance.
void strata_scores_f32(const float *x, size_t n, size_t d, const float *ct, const float *cnorm, size_t k, float *out);
void strata_scores_f64(const double *x, size_t n, size_t d, const double *ct, const double *cnorm, size_t k, double *out);

/// The score ‖c‖² − 2 x·c of centroid c for one row, bit for bit as assign/scores compute it,
/// and ‖x‖² in double in *x2 (bounded K-Means tightens a row's bound with these).
float strata_score_one_f32(const float *x, size_t d, const float *ct, const float *cnorm, size_t c, double *x2);
double strata_score_one_f64(const double *x, size_t d, const double *ct, const double *cnorm, size_t c, double *x2);

/// Whether the assignment kernels use AVX-512VL encodings (32 vector registers; same results
/// bit for bit): enable 1 or 0 sets it (refused, returning 0, on a CPU without them), −1 asks.
/// By default they do where the CPU has them.
int strata_kernels_avx512(int enable);

/// Squared Euclidean distance between two d-vectors.
float strata_sqdist_f32(const float *a, const float *b, size_t d);
double strata_sqdist_f64(const double *a, const double *b, size_t d);
#endif
