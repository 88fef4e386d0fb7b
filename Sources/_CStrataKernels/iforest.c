#include "strata_iforest.h"

#define BLOCK 512

void strata_iforest_paths(const float *x, size_t n, size_t d, const int32_t *feature, const float *threshold,
                          const int32_t *child, const float *value, const int32_t *roots, const int32_t *depth,
                          size_t trees, double *sums) {
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        const size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        const float *xb = x + i0 * d;
        double *sb = sums + i0;
        for (size_t t = 0; t < trees; t++) {
            const int32_t root = roots[t], steps = depth[t];
            size_t i = 0;
            for (; i + 8 <= m; i += 8) {
                int32_t v0 = root, v1 = root, v2 = root, v3 = root, v4 = root, v5 = root, v6 = root, v7 = root;
                const float *r = xb + i * d;
                for (int32_t k = 0; k < steps; k++) {
#define STEP(v, row) v = child[2 * v + (r[(row) * d + feature[v]] > threshold[v])];
                    STEP(v0, 0) STEP(v1, 1) STEP(v2, 2) STEP(v3, 3) STEP(v4, 4) STEP(v5, 5) STEP(v6, 6) STEP(v7, 7)
#undef STEP
                }
                sb[i] += value[v0]; sb[i + 1] += value[v1]; sb[i + 2] += value[v2]; sb[i + 3] += value[v3];
                sb[i + 4] += value[v4]; sb[i + 5] += value[v5]; sb[i + 6] += value[v6]; sb[i + 7] += value[v7];
            }
            for (; i < m; i++) {
                int32_t v = root;
                const float *r = xb + i * d;
                for (int32_t k = 0; k < steps; k++) v = child[2 * v + (r[feature[v]] > threshold[v])];
                sb[i] += value[v];
            }
        }
    }
}
