import StrataCore
import StrataKernels

/// Hamerly's exact acceleration of Lloyd (Hamerly, "Making k-means even faster", SDM 2010).
///
/// Each row keeps an upper bound `u` on the distance to its center and a lower bound `l` on the
/// distance to every other center. A row is skipped when `u ≤ max(s(a), l)`, s(a) being half the
/// distance from its center to the nearest other center; otherwise `u` is tightened with the
/// exact distance and, if still needed, all k distances are computed by the same AVX2 kernel as
/// Lloyd (which also yields the second-nearest for `l`). After the centers move by δ, `u += δ(a)`
/// and `l −= max δ` (the second-largest when a moved most). O(n) memory.
///
/// Bounds carry margins for floating-point rounding (the kernel's ‖c‖² − 2x·c form, the
/// squared-distance kernel), so skipping never changes a label Lloyd would compute: results are
/// Lloyd's, with far fewer distance computations once the centers settle.
struct HamerlyBounds<S: KernelScalar> {
    var upper: [Double]
    var lower: [Double]
    var initialized = false
    /// Relative rounding allowance of the S-precision kernels at this dimension.
    let epsilon: Double

    init(rows n: Int, d: Int) {
        upper = [Double](repeating: .infinity, count: n)
        lower = [Double](repeating: 0, count: n)
        epsilon = Double(d + 4) * Double(S.ulpOfOne)
    }

    /// Half the distance from each center to its nearest other center, rounded down.
    static func halfSeparation(_ centers: [S], k: Int, d: Int, epsilon: Double) -> [Double] {
        var half = [Double](repeating: .infinity, count: k)
        for a in 0..<k {
            for b in (a + 1)..<max(a + 1, k) {
                var s = 0.0
                for j in 0..<d { let t = Double(centers[a * d + j]) - Double(centers[b * d + j]); s += t * t }
                let dist = s.squareRoot() * 0.5 * (1 - epsilon)
                half[a] = min(half[a], dist)
                half[b] = min(half[b], dist)
            }
        }
        return half
    }

    /// Moves the bounds after the centers moved from `old` to `new`.
    mutating func centersMoved(old: [S], new: [S], k: Int, d: Int, labels: [Int32]) {
        var delta = [Double](repeating: 0, count: k)
        for c in 0..<k {
            var s = 0.0
            for j in 0..<d { let t = Double(new[c * d + j]) - Double(old[c * d + j]); s += t * t }
            delta[c] = s.squareRoot() * (1 + epsilon)
        }
        var largest = 0
        for c in 1..<max(k, 1) where delta[c] > delta[largest] { largest = c }
        var secondLargest = 0.0
        for c in 0..<k where c != largest { secondLargest = max(secondLargest, delta[c]) }
        let maxDelta = delta[largest]
        for i in 0..<upper.count {
            let a = Int(labels[i])
            upper[i] += delta[a]
            lower[i] -= a == largest ? secondLargest : maxDelta
        }
    }
}

extension Lloyd {
    /// One Hamerly E-step fused with the centroid sums (`boundedAssignAndSum`). The returned
    /// inertia is Σ w·u², an upper bound (exact for rows whose distances were recomputed).
    static func hamerlyAssignAndSum(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, centers: [S], nearest: NearestCentroid<S>,
                                    bounds: inout HamerlyBounds<S>, weights: [Double]?, norms: [Double],
                                    labels: inout [Int32], labelsOld: [Int32], parallelism: Parallelism)
        -> (inertia: Double, changed: Int, sums: [Double], weights: [Double], computed: Int) {
        let half = HamerlyBounds<S>.halfSeparation(centers, k: k, d: d, epsilon: bounds.epsilon)
        let maxNorm = nearest.maxSquaredNorm
        let first = !bounds.initialized
        let eps = bounds.epsilon
        let result = bounds.lower.withUnsafeMutableBufferPointer { lower in
            centers.withUnsafeBufferPointer { cb in
                // SAFETY: each block writes only its own rows of `lower`.
                let shared = UncheckedSendable((lower.baseAddress!, cb.baseAddress!))
                return boundedAssignAndSum(x, n: n, d: d, k: k, weights: weights, labels: &labels, labelsOld: labelsOld,
                                           upper: &bounds.upper, block: 256, parallelism: parallelism) {
                    let block = 256
                    let scratch = UnsafeMutablePointer<S>.allocate(capacity: block * d)
                    let newLabels = UnsafeMutablePointer<Int32>.allocate(capacity: block)
                    let best = UnsafeMutablePointer<S>.allocate(capacity: block)
                    let second = UnsafeMutablePointer<S>.allocate(capacity: block)
                    var pending = [Int](); pending.reserveCapacity(block)
                    let step: BoundedBlockStep = { rows, lab, up in
                        let (lo, c0) = shared.value
                        pending.removeAll(keepingCapacity: true)
                        for i in rows {
                            if first { pending.append(i); continue }
                            let a = Int(lab[i])
                            let m = max(half[a], lo[i])
                            if up[i] <= m { continue }
                            up[i] = Double(squaredDistance(x + i * d, c0 + a * d, d)).squareRoot() * (1 + eps)
                            if up[i] > m { pending.append(i) }
                        }
                        guard !pending.isEmpty else { return 0 }
                        for (p, i) in pending.enumerated() { (scratch + p * d).update(from: x + i * d, count: d) }
                        nearest.assign(scratch, rows: pending.count, labels: newLabels, best: best, second: second)
                        for (p, i) in pending.enumerated() {
                            let a = Int(newLabels[p])
                            lab[i] = newLabels[p]
                            up[i] = Double(squaredDistance(x + i * d, c0 + a * d, d)).squareRoot() * (1 + eps)
                            let allowance = eps * (norms[i] + maxNorm + 2 * (norms[i] * maxNorm).squareRoot())
                            lo[i] = k > 1 ? max(0, norms[i] + Double(second[p]) - allowance).squareRoot() : .infinity
                        }
                        return pending.count
                    }
                    return (step, { scratch.deallocate(); newLabels.deallocate(); best.deallocate(); second.deallocate() })
                }
            }
        }
        bounds.initialized = true
        return result
    }
}
