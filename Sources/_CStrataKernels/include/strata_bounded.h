#ifndef STRATA_BOUNDED_H
#define STRATA_BOUNDED_H
// Per-row work of bounded K-Means (Hamerly, Yinyang): the scan that proves most rows' centers
// from their bounds, the tightening of the rest with their own center's score, and the renewal
// of the bounds of rows rescored against every center. The arithmetic of the proofs is spelled
// out in StrataCluster's BoundedEngine; this file only carries it out.
//
// Bounds are stored as keys that stay valid while the centers move: with C[a], G[g], L the running
// sums of the drifts of center a, of group g's largest, and of the largest (multiples of
// `quantum`, below 2⁵³ quanta), upper[i] = u − C[a], lower[i] = l + L, group_lower[i][g] = g + G[g]
// as of the iteration they were written, rounded outward to floats that are multiples of the
// quantum. Then now u = upper[i] + C[a], l = lower[i] − L and g = group_lower[i][g] − G[g],
// exactly (sums of multiples of the quantum), whatever iteration wrote them.
// A center is proven when half[a] = h gives 4h(h − u) > 2A or a lower bound l gives
// (l − u)(l + u) > 2A, with A = eps·(‖x‖² + M + 2‖x‖√M) the kernel's rounding allowance.
#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t k, d, groups;
    const double *half;         // k: half the distance to the nearest other center, rounded down
    const double *drift_center; // k: C, the running sums of each center's drifts
    const double *drift_group;  // groups: G
    double drift_largest;       // L
    double quantum;             // a power of two; C, G, L and every key are multiples of it
    const int32_t *group_of;    // k
    double max_norm;            // max ‖c‖²
    double root_max_norm;       // ≥ √max_norm
    double eps;
    const double *weights;      // per row, or NULL (all 1)
    const int32_t *labels;
    float *upper;
    float *lower;
    float *group_lower;         // n × groups, or NULL when groups == 1
    float *row_norm;            // ‖x‖ rounded up
    double *row_sq;             // ‖x‖²
    const void *rows;           // the data, row_bytes per row: the scan prefetches the rows it leaves
    size_t row_bytes;
} strata_bounds;

/// Rows [begin, end): those whose centers the bounds prove add w·u² to *inertia; the others go
/// to out in row order. Returns their count. Reads only.
size_t strata_bounds_scan(const strata_bounds *b, size_t begin, size_t end, double *inertia, int64_t *out);

/// For the rows from the scan: group bounds first (groups > 1), then u tightened to the score of
/// the row's own center (bit for bit the assignment kernel's); a row now proven has its tighter
/// bounds stored and adds w·u² to *inertia; the rest go to pending in row order. Returns their
/// count. ct, cnorm: the kernel's centroid layout (strata_distance.h).
size_t strata_bounds_tighten_f32(const strata_bounds *b, const float *x, const float *ct, const float *cnorm,
                                 const int64_t *rows, size_t count, double *inertia, int64_t *pending);
size_t strata_bounds_tighten_f64(const strata_bounds *b, const double *x, const double *ct, const double *cnorm,
                                 const int64_t *rows, size_t count, double *inertia, int64_t *pending);

/// Renews the bounds of rows rescored against all k centers, adding w·u² to *inertia: from the
/// assignment kernel's best and second and the new labels in `labels` (scores NULL; with groups,
/// every group bound starts at the second-nearest's), or from the scores kernel's count × k
/// scores, every group bound exact and the label (first minimum) written to `labels`.
void strata_bounds_renew_f32(const strata_bounds *b, const int64_t *rows, size_t count, int32_t *labels,
                             const float *best, const float *second, const float *scores, double *inertia);
void strata_bounds_renew_f64(const strata_bounds *b, const int64_t *rows, size_t count, int32_t *labels,
                             const double *best, const double *second, const double *scores, double *inertia);

/// The keys' rounding (exposed for the tests): v moved outward by at least one quantum to a
/// multiple of it, then outward to a float (up for upper bounds' keys, down for lower bounds').
float strata_bounds_key_up(double v, double quantum);
float strata_bounds_key_down(double v, double quantum);

/// row_sq[i] ← ‖x_i‖² (double), row_norm[i] ← ‖x_i‖ rounded up to float, for rows [begin, end);
/// returns the largest ‖x_i‖.
double strata_row_norms_f32(const float *x, size_t begin, size_t end, size_t d, double *row_sq, float *row_norm);
double strata_row_norms_f64(const double *x, size_t begin, size_t end, size_t d, double *row_sq, float *row_norm);
#endif
