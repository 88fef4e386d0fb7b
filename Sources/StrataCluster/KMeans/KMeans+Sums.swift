import StrataCore
import StrataKernels

/// A row whose label changed in an E-step, with its previous label (−1 before the first).
struct LabelChange {
    var row: Int
    var old: Int32
}

/// What an E-step reports: an inertia statistic (exact for Lloyd, Σ w·u² over the rows' upper
/// bounds for the bounded algorithms), the label changes of each fixed chunk of rows in row
/// order (empty when not asked for: the sums are then recomputed), how many rows were rescored
/// against every center, and how many labels changed.
struct EStepResult {
    var inertia: Double
    var changes: [[LabelChange]]
    var rescored: Int
    var changed: Int
    /// Whether the step visited every row and filled the chunk partials of the new labels' sums.
    var partialsFilled = false
}

/// The per-cluster sums Σ w·x and weights Σ w the M-step divides, kept up to date from the label
/// changes instead of re-adding every row each iteration (after the first few iterations only a
/// few hundred of a million rows change cluster, so the M-step then costs almost nothing).
///
/// The sums are canonical, so every algorithm that reaches the same labels gets bit-identical
/// centers whatever the thread count: computed afresh over fixed chunks of rows reduced in chunk
/// order (first iteration), then updated by the changes in row order, each cluster's updates
/// applied by the one task that owns it. Rounding grows with the updates: a cluster that has
/// taken many updates relative to how far it shrank is recomputed afresh (its centers stay
/// within 1e-10 relative of an exact sum), and a cluster that lost every row is exactly zero.
struct CentroidSums {
    let k: Int
    let d: Int
    private(set) var sums: [Double]
    private(set) var weights: [Double]
    /// Rows per cluster (exact), for the rounding watch.
    private var counts: [Int]
    private var peakCounts: [Int]
    private var updates: [Int]
    /// Whether the sums match the labels (false until the first `recompute`).
    private(set) var valid = false

    init(k: Int, d: Int) {
        self.k = k
        self.d = d
        sums = [Double](repeating: 0, count: k * d)
        weights = [Double](repeating: 0, count: k)
        counts = [Int](repeating: 0, count: k)
        peakCounts = counts
        updates = counts
    }

    /// Rows per partial-sum chunk: a function of n only (never of the thread count), at most 512 chunks.
    static func chunkRows(_ n: Int) -> Int { max(4096, (n + 511) / 512) }

    /// Whether the next M-step sums afresh: before the first, and when at least an eighth of the
    /// labels changed (moving that many rows costs more than re-adding all of them, which an E-step
    /// that visits every row does on the way: `ChunkPartials.accumulate`). A function of the labels
    /// alone, so every algorithm decides alike.
    func wantsFresh(changed: Int, rows n: Int) -> Bool { !valid || changed * 8 >= n }

    /// Sums every row by its label afresh: fixed chunks of rows into their own partials, reduced in
    /// chunk order with clusters split across threads.
    mutating func recompute<S: KernelScalar>(_ x: UnsafePointer<S>, n: Int, labels: [Int32], rowWeights: [Double]?,
                                             partials: ChunkPartials, parallelism: Parallelism) {
        labels.withUnsafeBufferPointer { lab in
            rowWeights.withUnsafeOptionalBufferPointer { rw in
                // SAFETY: chunk ch writes only its own partial slots.
                let shared = UncheckedSendable((lab.baseAddress!, rw?.baseAddress))
                _ = parallelism.map(ranges: partials.chunks, minimumChunk: 1) { r in
                    for ch in r {
                        partials.start(ch)
                        partials.accumulate(ch, rows: partials.rows(ch, of: n), x, labels: shared.value.0, rowWeights: shared.value.1)
                    }
                }
            }
        }
        adopt(partials, labels: labels, parallelism: parallelism)
    }

    /// Takes sums afresh from partials filled for every chunk (by `recompute` or an E-step).
    mutating func adopt(_ partials: ChunkPartials, labels: [Int32], parallelism: Parallelism) {
        (sums, weights) = partials.reduce(parallelism: parallelism)
        counts = [Int](repeating: 0, count: k)
        for l in labels { counts[Int(l)] += 1 }
        peakCounts = counts
        updates = [Int](repeating: 0, count: k)
        valid = true
    }

    /// Moves the changed rows from their old clusters to their new ones (`labels` holds the new),
    /// chunks in order and rows in order within each; clusters split across threads. Marks the
    /// sums invalid when rounding may have built up (see the type's note).
    mutating func apply<S: KernelScalar>(_ changes: [[LabelChange]], _ x: UnsafePointer<S>, labels: [Int32], rowWeights: [Double]?,
                                         parallelism: Parallelism) {
        precondition(valid, "apply before the first recompute")
        let k = self.k, d = self.d
        let tasks = min(parallelism.threads, k, max(1, changes.reduce(0) { $0 + $1.count } / 64))
        sums.withUnsafeMutableBufferPointer { sb in
            weights.withUnsafeMutableBufferPointer { wb in
                counts.withUnsafeMutableBufferPointer { cb in
                    updates.withUnsafeMutableBufferPointer { ub in
                        labels.withUnsafeBufferPointer { lab in
                            // SAFETY: task t writes only the clusters of its range.
                            let shared = UncheckedSendable((sb.baseAddress!, wb.baseAddress!, cb.baseAddress!, ub.baseAddress!, lab.baseAddress!))
                            parallelism.forEach(tasks) { t in
                                let (s, w, cnt, upd, lab) = shared.value
                                let lo = Int32(k * t / tasks), hi = Int32(k * (t + 1) / tasks)
                                for chunk in changes {
                                    for change in chunk {
                                        let old = change.old, new = lab[change.row]
                                        let ownsOld = old >= lo && old < hi, ownsNew = new >= lo && new < hi
                                        guard ownsOld || ownsNew else { continue }
                                        let row = x + change.row * d, wi = rowWeights?[change.row] ?? 1
                                        if ownsOld {
                                            let o = Int(old), dst = s + o * d
                                            if rowWeights == nil { for j in 0..<d { dst[j] -= Double(row[j]) } } else { for j in 0..<d { dst[j] -= wi * Double(row[j]) } }
                                            w[o] -= wi; cnt[o] -= 1; upd[o] += 1
                                        }
                                        if ownsNew {
                                            let c = Int(new), dst = s + c * d
                                            if rowWeights == nil { for j in 0..<d { dst[j] += Double(row[j]) } } else { for j in 0..<d { dst[j] += wi * Double(row[j]) } }
                                            w[c] += wi; cnt[c] += 1; upd[c] += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for c in 0..<k {
            if counts[c] == 0 {
                weights[c] = 0
                for j in 0..<d { sums[c * d + j] = 0 }
            }
            peakCounts[c] = max(peakCounts[c], counts[c])
            // Worst-case relative rounding of the center ≈ updates · 2⁻⁵³ · peak / count; keep it under 1e-10.
            if counts[c] > 0 && Double(updates[c]) * Double(peakCounts[c]) / Double(counts[c]) > 9e5 { valid = false }
        }
    }
}

/// Per-chunk partial centroid sums (k × d) and weights (k) over fixed chunks of rows, the
/// chunking a function of n alone; `reduce` sums them in chunk order, clusters split across
/// threads, so centroid sums never depend on the thread count.
struct ChunkPartials {
    let rowsPerChunk: Int
    let chunks: Int
    let k: Int
    let d: Int
    let sums: UnsafeMutableBufferPointer<Double>
    let weights: UnsafeMutableBufferPointer<Double>

    init(rows n: Int, k: Int, d: Int, rowsPerChunk: Int) {
        self.rowsPerChunk = rowsPerChunk
        chunks = (n + rowsPerChunk - 1) / rowsPerChunk
        self.k = k
        self.d = d
        sums = .allocate(capacity: chunks * k * d)
        weights = .allocate(capacity: chunks * k)
    }

    func deallocate() { sums.deallocate(); weights.deallocate() }

    /// The rows of chunk `ch`.
    func rows(_ ch: Int, of n: Int) -> Range<Int> { (ch * rowsPerChunk)..<min(n, (ch + 1) * rowsPerChunk) }

    /// Zeroes the partial sums and weights of chunk `ch`.
    func start(_ ch: Int) {
        (sums.baseAddress! + ch * k * d).initialize(repeating: 0, count: k * d)
        (weights.baseAddress! + ch * k).initialize(repeating: 0, count: k)
    }

    /// Adds `rows` of x, in order, by their labels into chunk ch's partials (after `start(ch)`):
    /// Σ w·x and Σ w, or Σ x and counts without weights. The one summation every fresh sum uses.
    func accumulate<S: KernelScalar>(_ ch: Int, rows: Range<Int>, _ x: UnsafePointer<S>, labels: UnsafePointer<Int32>,
                                     rowWeights: UnsafePointer<Double>?) {
        S._accumulate(x, d, rows.lowerBound, rows.upperBound, labels, rowWeights, sums.baseAddress! + ch * k * d, weights.baseAddress! + ch * k)
    }

    /// The partials summed in chunk order (clusters split across threads).
    func reduce(parallelism: Parallelism) -> ([Double], [Double]) {
        let (partialSums, partialWeights, chunks, k, d) = (sums, weights, chunks, k, d)
        var sums = [Double](repeating: 0, count: k * d)
        var w = [Double](repeating: 0, count: k)
        let tasks = min(parallelism.threads, k)
        sums.withUnsafeMutableBufferPointer { sb in
            w.withUnsafeMutableBufferPointer { wb in
                let shared = UncheckedSendable((sb, wb, partialSums, partialWeights))  // SAFETY: task t owns a cluster range
                parallelism.forEach(tasks) { t in
                    let (sb, wb, ps, pw) = shared.value
                    for c in (k * t / tasks)..<(k * (t + 1) / tasks) {
                        for ch in 0..<chunks {
                            wb[c] += pw[ch * k + c]
                            let src = ps.baseAddress! + (ch * k + c) * d
                            for j in 0..<d { sb[c * d + j] += src[j] }
                        }
                    }
                }
            }
        }
        return (sums, w)
    }
}
