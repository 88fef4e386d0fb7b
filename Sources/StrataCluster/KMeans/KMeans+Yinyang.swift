import StrataCore
import StrataKernels

/// Yinyang K-Means (Ding et al., "Yinyang K-Means: A Drop-In Replacement of the Classic K-Means
/// with Consistent Speedup", ICML 2015), global filter.
///
/// Centers are split once into t ≈ k/10 groups (Lloyd on the initial centers). Each row keeps an
/// upper bound `u` to its center and one lower bound per group to that group's other centers;
/// after the centers move, `u` grows by its center's drift and each group bound shrinks by its
/// group's largest drift only, which keeps the bounds far tighter than Hamerly's single bound. A
/// row is skipped when `u ≤ max(min group bound, s(a))`, after tightening `u` to the exact
/// distance if needed. Rows that pass are scored against all k centers by the scores kernel,
/// whose arithmetic is identical to the assignment kernel's, so labels are Lloyd's bit for bit;
/// group bounds come from the same scores less a rounding allowance. Memory: n × t floats.
struct YinyangBounds<S: KernelScalar> {
    var upper: [Double]
    /// n × t, row-major: lower bounds on the distance to each group's non-assigned centers, as
    /// computed at iteration `stamp[i]`; the bound now is that value less the group's drift since.
    var lower: [Float]
    var stamp: [Int32]
    /// Cumulative drift of each group after each iteration: (iterations + 1) × t, row 0 zeros.
    var cumulativeDrift: [Double]
    var iteration: Int32 = 0
    let groups: Int
    /// Group of each center.
    let groupOf: [Int]
    var initialized = false
    let epsilon: Double

    init(rows n: Int, d: Int, initialCenters: [S], k: Int, seed: UInt64) {
        epsilon = Double(d + 4) * Double(S.ulpOfOne)
        let t = max(1, min(k / 10, 64))
        groups = t
        if t == 1 {
            groupOf = [Int](repeating: 0, count: k)
        } else {
            var config = KMeansConfiguration(k: t)
            config.maxIterations = 5
            config.seed = seed
            config.algorithm = .lloyd
            config.parallelism = .serial
            let grouping = try? initialCenters.withUnsafeBufferPointer { try KMeans.fit($0, rows: k, columns: d, configuration: config) }
            groupOf = grouping.map { $0.labels.map(Int.init) } ?? (0..<k).map { $0 * t / k }
        }
        upper = [Double](repeating: .infinity, count: n)
        lower = [Float](repeating: 0, count: n * t)
        stamp = [Int32](repeating: 0, count: n)
        cumulativeDrift = [Double](repeating: 0, count: t)
    }

    /// Moves the bounds after the centers moved from `old` to `new`: upper bounds now (O(n)),
    /// group bounds lazily through the cumulative group drift (O(t)).
    mutating func centersMoved(old: [S], new: [S], k: Int, d: Int, labels: [Int32]) {
        var delta = [Double](repeating: 0, count: k)
        var groupDrift = [Double](repeating: 0, count: groups)
        for c in 0..<k {
            var s = 0.0
            for j in 0..<d { let t = Double(new[c * d + j]) - Double(old[c * d + j]); s += t * t }
            delta[c] = s.squareRoot() * (1 + epsilon)
            groupDrift[groupOf[c]] = max(groupDrift[groupOf[c]], delta[c])
        }
        let base = Int(iteration) * groups
        for g in 0..<groups { cumulativeDrift.append(cumulativeDrift[base + g] + groupDrift[g]) }
        iteration += 1
        for i in 0..<upper.count { upper[i] += delta[Int(labels[i])] }
    }
}

extension Lloyd {
    /// One Yinyang E-step fused with the centroid sums (`boundedAssignAndSum`). The returned
    /// inertia is Σ w·u², an upper bound.
    static func yinyangAssignAndSum(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, centers: [S], nearest: NearestCentroid<S>,
                                    bounds: inout YinyangBounds<S>, weights: [Double]?, norms: [Double],
                                    labels: inout [Int32], labelsOld: [Int32], parallelism: Parallelism)
        -> (inertia: Double, changed: Int, sums: [Double], weights: [Double]) {
        let half = HamerlyBounds<S>.halfSeparation(centers, k: k, d: d, epsilon: bounds.epsilon)
        let maxNorm = nearest.maxSquaredNorm
        let first = !bounds.initialized
        let eps = bounds.epsilon, t = bounds.groups, groupOf = bounds.groupOf
        let now = bounds.iteration, drift = bounds.cumulativeDrift
        let nowBase = Int(now) * t
        let result = bounds.lower.withUnsafeMutableBufferPointer { lower in
            bounds.stamp.withUnsafeMutableBufferPointer { stamp in
                centers.withUnsafeBufferPointer { cb in
                    // SAFETY: each block writes only its own rows of `lower` and `stamp`.
                    let shared = UncheckedSendable((lower.baseAddress!, stamp.baseAddress!, cb.baseAddress!))
                    return boundedAssignAndSum(x, n: n, d: d, k: k, weights: weights, labels: &labels, labelsOld: labelsOld,
                                               upper: &bounds.upper, block: 128, parallelism: parallelism) {
                        let block = 128
                        let scratch = UnsafeMutablePointer<S>.allocate(capacity: block * d)
                        let scores = UnsafeMutablePointer<S>.allocate(capacity: block * k)
                        var pending = [Int](); pending.reserveCapacity(block)
                        let groupMin = UnsafeMutablePointer<Double>.allocate(capacity: max(t, 1))  // a pointer: no boxed capture in the hot loop
                        let step: BoundedBlockStep = { rows, lab, up in
                            let (lo, st, c0) = shared.value
                            pending.removeAll(keepingCapacity: true)
                            for i in rows {
                                if first { pending.append(i); continue }
                                let a = Int(lab[i])
                                var globalLower = Double.infinity
                                let thenBase = Int(st[i]) * t
                                for g in 0..<t {
                                    globalLower = min(globalLower, Double(lo[i * t + g]) - (drift[nowBase + g] - drift[thenBase + g]))
                                }
                                let m = max(half[a], globalLower)
                                if up[i] <= m { continue }
                                up[i] = Double(squaredDistance(x + i * d, c0 + a * d, d)).squareRoot() * (1 + eps)
                                if up[i] > m { pending.append(i) }
                            }
                            guard !pending.isEmpty else { return 0 }
                            rescore(pending, x, d: d, k: k, centers: c0, nearest: nearest, epsilon: eps, scratch: scratch, scores: scores,
                                    labels: lab, upper: up) { i, best, row in
                                let allowance = eps * (norms[i] + maxNorm + 2 * (norms[i] * maxNorm).squareRoot())
                                for g in 0..<t { groupMin[g] = .infinity }
                                for c in 0..<k where c != best {
                                    groupMin[groupOf[c]] = min(groupMin[groupOf[c]], Double(row[c]))
                                }
                                for g in 0..<t {
                                    let bound = groupMin[g].isFinite ? max(0, norms[i] + groupMin[g] - allowance).squareRoot() : .infinity
                                    lo[i * t + g] = bound.isFinite ? Float(bound).nextDown : .infinity
                                }
                                st[i] = now
                            }
                            return pending.count
                        }
                        return (step, { scratch.deallocate(); scores.deallocate(); groupMin.deallocate() })
                    }
                }
            }
        }
        bounds.initialized = true
        return (result.inertia, result.changed, result.sums, result.weights)
    }
}
