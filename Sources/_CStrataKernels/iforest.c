#include "strata_iforest.h"

#define BLOCK 128
#define LANES 16

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
                const float *rows = xb + i * d;
                for (int32_t k = 0; k < steps; k++) {
                    for (int r = 0; r < LANES; r++) {  // unrolled: independent chains
                        const strata_iforest_node *node = nodes + v[r];
                        v[r] = node->child[rows[r * d + node->feature] > node->threshold];
                    }
                }
                for (int r = 0; r < LANES; r++) sb[i + r] += value[v[r]];
            }
            for (; i < m; i++) {
                int32_t v = root;
                const float *row = xb + i * d;
                for (int32_t k = 0; k < steps; k++) {
                    const strata_iforest_node *node = nodes + v;
                    v = node->child[row[node->feature] > node->threshold];
                }
                sb[i] += value[v];
            }
        }
    }
}
