#ifndef STRATA_IFOREST_H
#define STRATA_IFOREST_H
// Isolation Forest scoring: path lengths of many rows through many flat trees.
#include <stddef.h>
#include <stdint.h>

/// One node in 16 bytes, so a step touches one cache line: a row at this node goes to
/// child[0] when x[feature] ≤ threshold, else child[1]. A leaf has feature 0, threshold +inf
/// and both children itself, so every row can walk a tree's full depth without a branch.
typedef struct {
    int32_t feature;
    float threshold;
    int32_t child[2];
} strata_iforest_node;

/// For every row of x (n × d row-major float32, no NaN), adds over the trees the path value of
/// the leaf the row reaches to sums[row]. nodes: every tree's nodes (children as indices into
/// nodes); roots[t], depth[t]: tree t's root and depth; value[v]: a leaf's depth + c(its size).
/// Rows are walked sixteen at a time, tree by tree over blocks of 128 rows, so the tree and the
/// rows stay in L1 and sixteen independent chains of loads hide each other's latency.
void strata_iforest_paths(const float *x, size_t n, size_t d, const strata_iforest_node *nodes, const float *value,
                          const int32_t *roots, const int32_t *depth, size_t trees, double *sums);
#endif
