#ifndef STRATA_LINKAGE_H
#define STRATA_LINKAGE_H
// Kernels of hierarchical clustering on vectors (O(n·d) memory, distances on the fly).
//
// Points live in a panel: transposed blocks of W points (8 for float32, 4 for float64), layout
// [blocks][d][W], so that one query against W points is broadcast-subtract-FMA over the
// dimensions with no horizontal sum. Position p is block p / W, lane p % W.
// Distances accumulate (p_j − q_j)² in dimension order with one FMA chain per lane, so a
// position's value does not depend on the block range asked for.
#include <stddef.h>
#include <stdint.h>

/// out[p] ← ‖panel_p − q‖² for every position p of blocks [block_begin, block_end).
void strata_panel_sqdist_f32(const float *panel, size_t d, size_t block_begin, size_t block_end, const float *q, float *out);
void strata_panel_sqdist_f64(const double *panel, size_t d, size_t block_begin, size_t block_end, const double *q, double *out);

/// Ward's nearest neighbour among positions [begin, end): the first minimum of
/// sqdist[p] · size[p] / (qsize + size[p]) (the merge cost divided by qsize). A NaN size marks a
/// position to skip (inactive, or the query itself). Returns the position, or -1 when every
/// position is skipped; *best ← the minimum cost (+inf when none).
int64_t strata_ward_argmin_f32(const float *sqdist, const float *size, size_t begin, size_t end, float qsize, float *best);
int64_t strata_ward_argmin_f64(const double *sqdist, const double *size, size_t begin, size_t end, double qsize, double *best);

/// One step of Prim's algorithm over positions [begin, end): key[p] ← min(key[p], sqdist[p]),
/// then the first minimum of key. A NaN key marks a position already in the tree and stays NaN.
/// Returns the position, or -1 when every position is skipped; *best ← the minimum key.
int64_t strata_prim_update_f32(const float *sqdist, float *key, size_t begin, size_t end, float *best);
int64_t strata_prim_update_f64(const double *sqdist, double *key, size_t begin, size_t end, double *best);
#endif
