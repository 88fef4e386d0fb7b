import StrataCore
import StrataKernels

/// Elkan's exact acceleration of Lloyd (Elkan, "Using the triangle inequality to accelerate
/// k-means", ICML 2003).
///
/// Each row keeps an upper bound `u` on the distance to its center and a lower bound `l[j]` on
/// its distance to every center j (n × k floats). A row is skipped when `u ≤ s(a)`; otherwise `u`
/// is tightened with the exact distance, and the row keeps its center when every other center j
/// is ruled out by `u ≤ l[j]` or `u ≤ ½·d(c_a, c_j)`. A row with a center left standing is
/// rescored against all k centers by the scores kernel, whose first minimum equals Lloyd's
/// assignment kernel bit for bit, and those k scores renew its lower bounds. After the centers
/// move by δ, `u += δ(a)` and `l[j] −= δ(j)`.
///
/// Tighter than Hamerly's single lower bound, at O(n·k) memory. As with Hamerly, the bounds carry
/// margins for floating-point rounding, so the result is Lloyd's.
struct ElkanBounds<S: KernelScalar> {
    var upper: [Double]
    /// n × k, rounded down.
    var lower: [Float]
    var initialized = false
    let epsilon: Double
    let k: Int

    init(rows n: Int, k: Int, d: Int) {
        upper = [Double](repeating: .infinity, count: n)
        lower = [Float](repeating: 0, count: n * k)
        epsilon = Double(d + 4) * Double(S.ulpOfOne)
        self.k = k
    }

    /// The largest float not above `x`.
    @inline(__always) static func below(_ x: Double) -> Float {
        let f = Float(x)
        return Double(f) > x ? f.nextDown : f
    }

    /// Half the distance between every pair of centers (k × k), rounded down.
    static func halfDistances(_ centers: [S], k: Int, d: Int, epsilon: Double) -> [Double] {
        var half = [Double](repeating: 0, count: k * k)
        for a in 0..<k {
            for b in (a + 1)..<max(a + 1, k) {
                var s = 0.0
                for j in 0..<d { let t = Double(centers[a * d + j]) - Double(centers[b * d + j]); s += t * t }
                let h = s.squareRoot() * 0.5 * (1 - epsilon)
                half[a * k + b] = h
                half[b * k + a] = h
            }
        }
        return half
    }

    /// Moves the bounds after the centers moved from `old` to `new`: `u += δ(a)`, `l[j] −= δ(j)`.
    /// In float32 with a safe rounding: fl(l − δ) is off by at most half an ulp, and scaling it
    /// by 1 − 2⁻²² more than covers that, so the bound stays below the true distance. Rows in
    /// parallel ranges (the n × k update is the price of Elkan's bounds).
    mutating func centersMoved(old: [S], new: [S], k: Int, d: Int, labels: [Int32], parallelism: Parallelism) {
        let delta = BoundedEngine<S>.drifts(old: old, new: new, k: k, d: d, epsilon: epsilon)
        let shrink: Float = 1 - 0x1p-22
        let deltaF = delta.map { Float($0).nextUp }
        let n = upper.count
        upper.withUnsafeMutableBufferPointer { up in
            lower.withUnsafeMutableBufferPointer { lo in
                deltaF.withUnsafeBufferPointer { df in
                    // SAFETY: each range updates only its own rows.
                    let shared = UncheckedSendable((up, lo, df))
                    _ = parallelism.map(ranges: n, minimumChunk: 16_384) { range -> Void in
                        let (up, lo, df) = shared.value
                        for i in range {
                            up[i] += delta[Int(labels[i])]
                            let row = lo.baseAddress! + i * k
                            for j in 0..<k { row[j] = max(0, (row[j] - df[j]) * shrink) }
                        }
                    }
                }
            }
        }
    }
}

/// The rows of one block of Elkan's E-step: given the block's rows, settle every row's center
/// (labels and upper bounds indexed by row) and return how many rows were rescored.
typealias ElkanBlockStep = (_ rows: Range<Int>, _ labels: UnsafeMutablePointer<Int32>, _ upper: UnsafeMutablePointer<Double>) -> Int

extension Lloyd {
    /// One Elkan E-step. The returned inertia is Σ w·u², an upper bound (exact for rows that were rescored).
    static func elkanStep(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, centers: [S], nearest: NearestCentroid<S>,
                          bounds: inout ElkanBounds<S>, weights: [Double]?, norms: [Double],
                          labels: inout [Int32], recordChanges: Bool, parallelism: Parallelism) -> EStepResult {
        let separation = BoundedEngine<S>.halfSeparation(centers, k: k, d: d, epsilon: bounds.epsilon)
        // Half center distances as floats rounded down, +inf on the diagonal (a center never
        // rules itself in), so a row survives when some j has u > l[j] and u > ½d(a, j).
        let half = ElkanBounds<S>.halfDistances(centers, k: k, d: d, epsilon: bounds.epsilon).enumerated().map { p, h in
            p / k == p % k ? Float.infinity : ElkanBounds<S>.below(h)
        }
        let maxNorm = nearest.maxSquaredNorm
        let first = !bounds.initialized
        let eps = bounds.epsilon
        let result = bounds.lower.withUnsafeMutableBufferPointer { lower in
            centers.withUnsafeBufferPointer { cb in
                half.withUnsafeBufferPointer { hb in
                    // SAFETY: each block writes only its own rows of `lower`.
                    let shared = UncheckedSendable((lower.baseAddress!, cb.baseAddress!, hb.baseAddress!))
                    return elkanBlocks(n: n, weights: weights, labels: &labels, upper: &bounds.upper, block: 256,
                                       recordChanges: recordChanges, parallelism: parallelism) {
                        let block = 256
                        let scratch = UnsafeMutablePointer<S>.allocate(capacity: block * d)
                        let scores = UnsafeMutablePointer<S>.allocate(capacity: block * k)
                        var pending = [Int](); pending.reserveCapacity(block)
                        let step: ElkanBlockStep = { rows, lab, up in
                            let (lo, c0, halfBase) = shared.value
                            pending.removeAll(keepingCapacity: true)
                            for i in rows {
                                if first { pending.append(i); continue }
                                let a = Int(lab[i])
                                if up[i] <= separation[a] { continue }
                                up[i] = Double(squaredDistance(x + i * d, c0 + a * d, d)).squareRoot() * (1 + eps)
                                let u = Float(up[i]).nextUp, row = lo + i * k, h = halfBase + a * k
                                var j = 0
                                while j < k && !(u > row[j] && u > h[j]) { j += 1 }
                                if j < k { pending.append(i) }
                            }
                            guard !pending.isEmpty else { return 0 }
                            for (p, i) in pending.enumerated() { (scratch + p * d).update(from: x + i * d, count: d) }
                            nearest.scores(scratch, rows: pending.count, out: scores)
                            for (p, i) in pending.enumerated() {
                                let row = scores + p * k
                                var a = 0
                                for j in 1..<max(k, 1) where row[j] < row[a] { a = j }  // first minimum, as the kernel
                                lab[i] = Int32(a)
                                up[i] = Double(squaredDistance(x + i * d, c0 + a * d, d)).squareRoot() * (1 + eps)
                                let allowance = eps * (norms[i] + maxNorm + 2 * (norms[i] * maxNorm).squareRoot())
                                for j in 0..<k {
                                    lo[i * k + j] = ElkanBounds<S>.below(max(0, norms[i] + Double(row[j]) - allowance).squareRoot())
                                }
                            }
                            return pending.count
                        }
                        return (step, { scratch.deallocate(); scores.deallocate() })
                    }
                }
            }
        }
        bounds.initialized = true
        return result
    }

    /// Runs Elkan's block steps over fixed chunks of rows in blocks of `block` rows; each task
    /// gets its own step (with its own scratch; `cleanup` frees it). Reports the label changes
    /// per chunk in row order (or only their count) and Σ w·u².
    static func elkanBlocks(n: Int, weights: [Double]?, labels: inout [Int32], upper: inout [Double], block: Int,
                            recordChanges: Bool, parallelism: Parallelism,
                            makeStep: () -> (step: ElkanBlockStep, cleanup: () -> Void)) -> EStepResult {
        let chunkRows = 4096, chunks = (n + chunkRows - 1) / chunkRows
        let stats = labels.withUnsafeMutableBufferPointer { lab in
            upper.withUnsafeMutableBufferPointer { up in
                // SAFETY: chunk ch writes rows [start, end) of labels and bounds only.
                let shared = UncheckedSendable((lab.baseAddress!, up.baseAddress!))
                return parallelism.map(ranges: chunks, minimumChunk: 1) { r in
                    let (step, cleanup) = makeStep()
                    defer { cleanup() }
                    var old = [Int32](repeating: 0, count: block)
                    return r.map { ch -> (Double, [LabelChange], Int, Int) in
                        let (lab, up) = shared.value
                        let start = ch * chunkRows, end = min(n, start + chunkRows)
                        var inertia = 0.0, computed = 0, changed = 0
                        var changes: [LabelChange] = []
                        var s = start
                        while s < end {
                            let e = min(end, s + block)
                            for i in s..<e { old[i - s] = lab[i] }
                            computed += step(s..<e, lab, up)
                            for i in s..<e {
                                if lab[i] != old[i - s] {
                                    changed += 1
                                    if recordChanges { changes.append(LabelChange(row: i, old: old[i - s])) }
                                }
                                inertia += (weights?[i] ?? 1) * up[i] * up[i]
                            }
                            s = e
                        }
                        return (inertia, changes, computed, changed)
                    }
                }.flatMap { $0 }
            }
        }
        return EStepResult(inertia: stats.reduce(0) { $0 + $1.0 }, changes: stats.map(\.1), rescored: stats.reduce(0) { $0 + $1.2 },
                           changed: stats.reduce(0) { $0 + $1.3 })
    }
}
