#include "strata_iforest.h"

#define BLOCK 128
#define LANES 16

// Walks LANES rows (row r at rows + r·d) `steps` steps down from the nodes in v, adding each
// final node's value to sums[r]. Independent chains, so their load latencies overlap.
static inline void walk_lanes(const float *rows, size_t d, const strata_iforest_node *nodes, const float *value,
                              int32_t v[LANES], int32_t steps, double *sums) {
    for (int32_t k = 0; k < steps; k++) {
        for (int r = 0; r < LANES; r++) {  // unrolled
            const strata_iforest_node *node = nodes + v[r];
            v[r] = node->child[rows[r * d + node->feature] > node->threshold];
        }
    }
    for (int r = 0; r < LANES; r++) sums[r] += value[v[r]];
}

// The same for one row.
static inline void walk_one(const float *row, const strata_iforest_node *nodes, const float *value, int32_t v, int32_t steps,
                            double *sum) {
    for (int32_t k = 0; k < steps; k++) {
        const strata_iforest_node *node = nodes + v;
        v = node->child[row[node->feature] > node->threshold];
    }
    *sum += value[v];
}

void strata_iforest_paths(const float *x, size_t n, size_t d, const strata_iforest_node *nodes, const float *value,
                          const int32_t *roots, const int32_t *depth, size_t trees, double *sums) {
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        const size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        const float *xb = x + i0 * d;
        double *sb = sums + i0;
        for (size_t t = 0; t < trees; t++) {
            const int32_t root = roots[t], steps = depth[t];
            size_t i = 0;
            for (; i + LANES <= m; i += LANES) {
                int32_t v[LANES];
                for (int r = 0; r < LANES; r++) v[r] = root;
                walk_lanes(xb + i * d, d, nodes, value, v, steps, sb + i);
            }
            for (; i < m; i++) walk_one(xb + i * d, nodes, value, root, steps, sb + i);
        }
    }
}

#include <immintrin.h>
#include <stdlib.h>

// Levels evaluated eight rows at a time, and the splits they hold (2^TOP − 1).
#define TOP STRATA_IFOREST_TOP_LEVELS
#define TOP_INNER ((1 << TOP) - 1)

// go (all ones where x > threshold) for eight rows at heap node h of the top subtree.
#define TOP_CMP(h) _mm256_castps_si256(_mm256_cmp_ps(_mm256_loadu_ps(col + (size_t)tf[h] * BLOCK), _mm256_set1_ps(tt[h]), _CMP_GT_OQ))

__attribute__((target("avx2,fma")))
void strata_iforest_paths_top(const float *x, size_t n, size_t d, const strata_iforest_node *nodes, const float *value,
                               const int32_t *depth, size_t trees, const int32_t *top_feature, const float *top_threshold,
                               const int32_t *entry, double *sums) {
    float *xt = malloc(sizeof(float) * BLOCK * d);
    if (!xt) return;
    const __m256i one = _mm256_set1_epi32(1);
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        const size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        for (size_t r = 0; r < m; r++)
            for (size_t f = 0; f < d; f++) xt[f * BLOCK + r] = x[(i0 + r) * d + f];
        const float *xb = x + i0 * d;
        double *sb = sums + i0;
        for (size_t t = 0; t < trees; t++) {
            const int32_t *tf = top_feature + t * TOP_INNER, *en = entry + t * (TOP_INNER + 1);
            const float *tt = top_threshold + t * TOP_INNER;
            const int32_t steps = depth[t] > TOP ? depth[t] - TOP : 0;
            size_t i = 0;
            for (; i + LANES <= m; i += LANES) {
                int32_t v[LANES];
                for (int g = 0; g < LANES / 8; g++) {
                    const float *col = xt + i + 8 * g;
                    __m256i h = _mm256_setzero_si256();
                    _Pragma("clang loop unroll(full)")
                    for (int level = 0; level < TOP; level++) {
                        // Each row sits at one of this level's 2^level heap nodes: pick its comparison.
                        const int first = (1 << level) - 1, last = 2 * first;
                        __m256i go = TOP_CMP(first);
                        _Pragma("clang loop unroll(full)")
                        for (int node = first + 1; node <= last; node++)
                            go = _mm256_blendv_epi8(go, TOP_CMP(node), _mm256_cmpeq_epi32(h, _mm256_set1_epi32(node)));
                        h = _mm256_sub_epi32(_mm256_add_epi32(_mm256_add_epi32(h, h), one), go);
                    }
                    int32_t slots[8];
                    _mm256_storeu_si256((__m256i *)slots, h);
                    for (int r = 0; r < 8; r++) v[8 * g + r] = en[slots[r] - TOP_INNER];
                }
                walk_lanes(xb + i * d, d, nodes, value, v, steps, sb + i);
            }
            for (; i < m; i++) {
                // The tail rows: the top subtree one row at a time, then the walk.
                int32_t hh = 0;
                for (int level = 0; level < TOP; level++) hh = 2 * hh + 1 + (xt[(size_t)tf[hh] * BLOCK + i] > tt[hh]);
                walk_one(xb + i * d, nodes, value, en[hh - TOP_INNER], steps, sb + i);
            }
        }
    }
    free(xt);
}
