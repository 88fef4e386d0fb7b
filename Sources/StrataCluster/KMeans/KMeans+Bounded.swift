import StrataCore
import StrataKernels

/// The rows of one block of a bounded E-step: given the block's rows, its labels and upper bounds
/// (indexed by row), settle every row's center and return how many rows were rescored.
typealias BoundedBlockStep = (_ rows: Range<Int>, _ labels: UnsafeMutablePointer<Int32>, _ upper: UnsafeMutablePointer<Double>) -> Int

extension Lloyd {
    /// The E-step the bounded algorithms (Hamerly, Elkan, Yinyang) share, fused with the centroid
    /// sums: rows in the fixed chunks of `assignAndSum`, each chunk in blocks of `block` rows;
    /// `makeStep` gives each task its block step (with its own scratch; `cleanup` frees it), which
    /// settles the rows' centers and bounds; the block's rows are then added to the chunk's
    /// partial sums and Σ w·u² is accumulated. Partials reduce in chunk order, so the result does
    /// not depend on the thread count.
    /// - Returns: Σ w·u² (an upper bound of the inertia, exact for rescored rows), labels changed
    ///   since `labelsOld`, the reduced sums and weights, and the rows rescored.
    @inline(__always)
    static func boundedAssignAndSum(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, weights: [Double]?, labels: inout [Int32],
                                    labelsOld: [Int32], upper: inout [Double], block: Int, parallelism: Parallelism,
                                    makeStep: () -> (step: BoundedBlockStep, cleanup: () -> Void))
        -> (inertia: Double, changed: Int, sums: [Double], weights: [Double], computed: Int) {
        let partials = ChunkPartials(rows: n, k: k, d: d, rowsPerChunk: sumChunkRows(n))
        defer { partials.deallocate() }
        let rowsPerChunk = partials.rowsPerChunk, chunks = partials.chunks
        let stats = labels.withUnsafeMutableBufferPointer { lab in
            upper.withUnsafeMutableBufferPointer { up in
                labelsOld.withUnsafeBufferPointer { old in
                    // SAFETY: chunk ch writes rows [start, end) of labels and bounds and its own partial slots only.
                    let shared = UncheckedSendable((lab.baseAddress!, up.baseAddress!, old.baseAddress!, partials))
                    return parallelism.map(ranges: chunks, minimumChunk: 1) { r in
                        let (step, cleanup) = makeStep()
                        defer { cleanup() }
                        return r.map { ch -> (Double, Int, Int) in
                            let (lab, up, old, partials) = shared.value
                            let start = ch * rowsPerChunk, end = min(n, start + rowsPerChunk)
                            let (sums, cw) = partials.start(ch)
                            var inertia = 0.0, changed = 0, computed = 0
                            var s = start
                            while s < end {
                                let e = min(end, s + block)
                                computed += step(s..<e, lab, up)
                                addRows(x, s..<e, d: d, labels: lab, labelsOld: old, weights: weights, sums: sums, clusterWeights: cw,
                                        changed: &changed)
                                for i in s..<e { inertia += (weights?[i] ?? 1) * up[i] * up[i] }
                                s = e
                            }
                            return (inertia, changed, computed)
                        }
                    }.flatMap { $0 }
                }
            }
        }
        let (sums, w) = reduceChunks(partials, parallelism: parallelism)
        return (stats.reduce(0) { $0 + $1.0 }, stats.reduce(0) { $0 + $1.1 }, sums, w, stats.reduce(0) { $0 + $1.2 })
    }

    /// Rescores the `pending` rows against all k centers with the scores kernel (whose first
    /// minimum equals Lloyd's assignment bit for bit), relabels them, tightens their upper bounds,
    /// and hands each row's k scores to `lowerBounds` to renew its lower bounds.
    @inline(__always)
    static func rescore(_ pending: [Int], _ x: UnsafePointer<S>, d: Int, k: Int, centers c0: UnsafePointer<S>, nearest: NearestCentroid<S>,
                        epsilon eps: Double, scratch: UnsafeMutablePointer<S>, scores: UnsafeMutablePointer<S>,
                        labels lab: UnsafeMutablePointer<Int32>, upper up: UnsafeMutablePointer<Double>,
                        lowerBounds: (_ row: Int, _ label: Int, _ scores: UnsafePointer<S>) -> Void) {
        for (p, i) in pending.enumerated() { (scratch + p * d).update(from: x + i * d, count: d) }
        nearest.scores(scratch, rows: pending.count, out: scores)
        for (p, i) in pending.enumerated() {
            let row = scores + p * k
            var a = 0
            for j in 1..<max(k, 1) where row[j] < row[a] { a = j }  // first minimum, as the kernel
            lab[i] = Int32(a)
            up[i] = Double(squaredDistance(x + i * d, c0 + a * d, d)).squareRoot() * (1 + eps)
            lowerBounds(i, a, row)
        }
    }
}
