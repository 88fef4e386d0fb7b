import Testing
import StrataCore

@Suite struct WorkerPoolTests {
    @Test func everyTaskRunsOnceInEveryRun() {
        for threads in [1, 2, 3, 4] {
            let pool = WorkerPool(Parallelism(threads: threads))
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: 64)
            defer { counts.deallocate() }
            let shared = UncheckedSendable(counts)
            // Back-to-back runs of varying size: a worker still leaving one run while the caller
            // sets up the next once claimed a task of the next run early (a task ran twice).
            for run in 0..<10_000 {
                let tasks = 1 + run % 64
                counts.initialize(repeating: 0, count: 64)
                pool.forEach(tasks) { t in shared.value[t] += 1 }
                #expect((0..<tasks).allSatisfy { counts[$0] == 1 } && (tasks..<64).allSatisfy { counts[$0] == 0 },
                        "threads \(threads), run \(run)")
            }
        }
    }

    @Test func poolsComeAndGoQuickly() {
        // Pools destroyed before their workers first look must still stop (no hang).
        for i in 0..<200 {
            let pool = WorkerPool(Parallelism(threads: 2 + i % 3))
            if i % 2 == 0 { pool.forEach(4) { _ in } }
        }
    }
}
