#ifndef STRATA_POOL_H
#define STRATA_POOL_H
// A fork/join pool for fine-grained parallel loops: thousands of joins a second, each a few
// microseconds of work (one neighbour scan of hierarchical clustering). Workers spin briefly
// on a generation counter before sleeping on a condition variable, so back-to-back runs cost
// well under a microsecond to start instead of a thread wake-up (DispatchQueue's
// concurrentPerform spends 5-20 µs there when its threads have gone to sleep).
#include <stddef.h>

typedef struct strata_pool strata_pool;
typedef void (*strata_pool_task)(void *context, size_t task);

/// A pool with `workers` threads of its own; the caller of `strata_pool_run` takes part too.
/// NULL when a thread cannot be started.
strata_pool *strata_pool_create(size_t workers);

/// The most tasks one run spreads over the threads; a larger run is carried out by the caller alone
/// (`WorkerPool` splits larger runs).
#define STRATA_POOL_MAX_TASKS 0xfffff

/// Runs task(context, t) for every t in 0..<tasks, spread over the caller and the workers, and
/// returns when all have finished. Not reentrant: one run at a time per pool.
void strata_pool_run(strata_pool *pool, size_t tasks, strata_pool_task task, void *context);

/// Stops and joins the workers, frees the pool. NULL is ignored.
void strata_pool_destroy(strata_pool *pool);
#endif
