#ifndef STRATA_PLATFORM_H
#define STRATA_PLATFORM_H
// Operating-system and CPU facts Swift's Glibc module does not expose. No arch-specific code
// generation here: this runs before the AVX2/FMA check has passed.
#include <stddef.h>
#include "strata_pool.h"

/// Grows or shrinks an anonymous mapping (Linux mremap with MREMAP_MAYMOVE); NULL on failure.
void *strata_remap(void *old_address, size_t old_size, size_t new_size);

/// 1 when the CPU and OS support AVX2 and FMA (the kernels' instruction set), else 0.
int strata_cpu_has_avx2_fma(void);

/// Peak resident set size of this process in bytes (getrusage ru_maxrss).
long long strata_peak_rss_bytes(void);
#endif
