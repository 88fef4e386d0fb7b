import _CStrataPlatform

/// Threads kept for fine-grained fork/join: a loop that joins thousands of times a second, each
/// time over a few microseconds of work (one neighbour scan of hierarchical clustering).
///
/// Its workers spin briefly between runs before sleeping, so a run starts in well under a
/// microsecond; `Parallelism.forEach` (DispatchQueue's concurrentPerform) pays a thread
/// wake-up, 5–20 µs here, whenever its threads have gone idle. Measured on single linkage,
/// 20,000 × 32: 1.94 s with concurrentPerform on 2 threads, slower than 1 thread's 1.30 s.
/// Keep a pool for the duration of one such algorithm; its idle workers spin for about 100 µs.
public final class WorkerPool: @unchecked Sendable {
    // SAFETY: `run` is called from one thread at a time (the algorithm's own); the C pool
    // publishes each run's closure to its workers with release/acquire ordering.
    private let pool: OpaquePointer?
    /// Threads a run uses, the caller's included.
    public let threads: Int

    public init(_ parallelism: Parallelism) {
        let workers = max(parallelism.threads - 1, 0)
        pool = workers > 0 ? strata_pool_create(workers) : nil
        threads = pool == nil ? 1 : parallelism.threads
    }

    deinit { strata_pool_destroy(pool) }

    /// Runs `body(task)` for every task in 0..<tasks on the pool's threads and the caller's, and
    /// returns when all have finished. Tasks must write disjoint memory.
    public func forEach(_ tasks: Int, _ body: (Int) -> Void) {
        guard let pool, tasks > 1 else {
            for t in 0..<max(tasks, 0) { body(t) }
            return
        }
        let most = Int(STRATA_POOL_MAX_TASKS)
        if tasks > most {  // slices the C pool can count
            for base in stride(from: 0, to: tasks, by: most) { forEach(min(most, tasks - base)) { body(base + $0) } }
            return
        }
        withoutActuallyEscaping(body) { body in
            var closure = body
            withUnsafeMutablePointer(to: &closure) { context in
                strata_pool_run(pool, tasks, { context, task in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(task))
                }, context)
            }
        }
    }
}
