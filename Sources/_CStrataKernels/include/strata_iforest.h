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

/// Levels of each tree that strata_iforest_paths_top evaluates eight rows at a time.
#define STRATA_IFOREST_TOP_LEVELS 3

/// The same sums, with each tree's top L = STRATA_IFOREST_TOP_LEVELS levels evaluated for eight
/// rows at once: rows of a block are copied column-major, so the eight values a top node compares
/// are one load. Tree t's top is a complete subtree in heap order — top_feature/top_threshold
/// [t · (2^L − 1) + h], a leaf padded by always-left splits (threshold +inf) — and
/// entry[t · 2^L + b] is the node a row continues from after reaching bottom slot b; it then walks
/// depth[t] − L steps (at least 0) as in strata_iforest_paths.
void strata_iforest_paths_top(const float *x, size_t n, size_t d, const strata_iforest_node *nodes, const float *value,
                               const int32_t *depth, size_t trees, const int32_t *top_feature, const float *top_threshold,
                               const int32_t *entry, double *sums);
