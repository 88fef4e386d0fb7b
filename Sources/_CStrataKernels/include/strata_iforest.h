#ifndef STRATA_IFOREST_H
#define STRATA_IFOREST_H
// Isolation Forest scoring: path lengths of many rows through many flat trees.
#include <stddef.h>
#include <stdint.h>

/// For every row of x (n × d row-major float32, no NaN), adds over the trees the path value of
/// the leaf the row reaches to sums[row]. Trees are flat arrays of all trees' nodes: a row at
/// node v goes to child[2v] when x[feature[v]] ≤ threshold[v], else child[2v + 1]; a leaf has
/// feature 0, threshold +inf and both children itself, so every row can walk depth[t] steps
/// without a branch. value[v] is a leaf's depth + c(its training size).
/// Rows are walked eight at a time, tree by tree over blocks of rows, so the tree stays in L1
/// and eight independent chains of loads hide each other's latency.
void strata_iforest_paths(const float *x, size_t n, size_t d, const int32_t *feature, const float *threshold,
                          const int32_t *child, const float *value, const int32_t *roots, const int32_t *depth,
                          size_t trees, double *sums);
#endif
