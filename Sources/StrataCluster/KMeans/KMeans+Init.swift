import StrataCore
import StrataKernels

extension KMeans {
    /// k distinct rows, uniformly (partial Fisher–Yates).
    static func randomCenters<S: KernelScalar>(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, rng: inout SplitMix64) -> [S] {
        var order = Array(0..<n)
        var centers: [S] = []
        centers.reserveCapacity(k * d)
        for i in 0..<k {
            let j = i + Int(rng.next() % UInt64(n - i))
            order.swapAt(i, j)
            centers.append(contentsOf: UnsafeBufferPointer(start: x + order[i] * d, count: d))
        }
        return centers
    }

    /// Greedy k-means++ (scikit-learn's `_kmeans_plusplus`): the first center drawn with
    /// probability ∝ weight, then at each step `2 + ⌊ln k⌋` candidates drawn ∝ w·D² and the one
    /// giving the lowest total potential kept.
    ///
    /// Distances to the candidates are computed in one parallel pass over fixed row chunks whose
    /// partial potentials are summed in chunk order, so the result does not depend on the
    /// thread count.
    /// - Complexity: O(k · trials · n · d)
    static func kMeansPlusPlus<S: KernelScalar>(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, weights: [Double]?,
                                                rng: inout SplitMix64, parallelism: Parallelism) -> [S] {
        let trials = 2 + Int(_log(Double(k)))
        var centers: [S] = []
        centers.reserveCapacity(k * d)
        let w: (Int) -> Double = { weights?[$0] ?? 1 }
        // First center ∝ weight.
        var first = 0
        if let weights {
            let total = weights.reduce(0, +)
            var target = rng.nextUnit() * total
            while first < n - 1 && target >= weights[first] { target -= weights[first]; first += 1 }
        } else {
            first = Int(rng.next() % UInt64(n))
        }
        centers.append(contentsOf: UnsafeBufferPointer(start: x + first * d, count: d))
        let norms = Lloyd<S>.rowNorms(x, n: n, d: d, parallelism: parallelism)
        let chunk = 8192
        let chunks = (n + chunk - 1) / chunk
        var closest = [Double](repeating: .infinity, count: n)
        // Scores (‖c‖² − 2x·c) of every row against the step's candidates, n × trials, kept so the
        // winner's distances need no second pass over the matrix (this loop is bandwidth-bound).
        let scores = UnsafeMutablePointer<S>.allocate(capacity: n * max(trials, 1))
        defer { scores.deallocate() }

        /// Scores rows against `rows` (m centers) and returns, per center, Σ w·min(closest, dist²).
        /// Fixed chunks summed in order.
        func potentials(_ rows: [Int]) -> [Double] {
            let m = rows.count
            var block = [S]()
            for r in rows { block.append(contentsOf: UnsafeBufferPointer(start: x + r * d, count: d)) }
            let candidates = block.withUnsafeBufferPointer { NearestCentroid(centroids: $0, k: m, d: d) }
            let partials = closest.withUnsafeBufferPointer { cl in
                norms.withUnsafeBufferPointer { nb in
                    let out = UncheckedSendable(scores)  // SAFETY: each chunk writes its own rows
                    return parallelism.map(ranges: chunks, minimumChunk: 1) { r in
                        r.map { ch -> [Double] in
                            let lo = ch * chunk, hi = min(n, lo + chunk)
                            let sc = out.value + lo * m
                            candidates.scores(x + lo * d, rows: hi - lo, out: sc)
                            var sums = [Double](repeating: 0, count: m)
                            sums.withUnsafeMutableBufferPointer { s in
                                if let weights {
                                    for i in lo..<hi {
                                        let wi = weights[i], limit = cl[i], ni = nb[i], row = sc + (i - lo) * m
                                        for t in 0..<m { s[t] += wi * min(limit, max(0, ni + Double(row[t]))) }
                                    }
                                } else {
                                    // The hot case, without a weight per row.
                                    for i in lo..<hi {
                                        let limit = cl[i], ni = nb[i], row = sc + (i - lo) * m
                                        for t in 0..<m { s[t] += min(limit, max(0, ni + Double(row[t]))) }
                                    }
                                }
                            }
                            return sums
                        }
                    }.flatMap { $0 }
                }
            }
            var totals = [Double](repeating: 0, count: m)
            for p in partials { for t in 0..<m { totals[t] += p[t] } }
            return totals
        }

        /// Lowers `closest` to the distances to candidate `t` of the last `potentials` call (m wide);
        /// returns Σ w·closest per fixed chunk, for sampling.
        func keep(_ t: Int, of m: Int) -> [Double] {
            closest.withUnsafeMutableBufferPointer { cl in
                norms.withUnsafeBufferPointer { nb in
                    let shared = UncheckedSendable(cl)  // SAFETY: disjoint rows per task
                    return parallelism.map(ranges: chunks, minimumChunk: 1) { r in
                        r.map { ch -> Double in
                            var sum = 0.0
                            let cl = shared.value
                            for i in (ch * chunk)..<min(n, (ch + 1) * chunk) {
                                let v = min(cl[i], max(0, nb[i] + Double(scores[i * m + t])))
                                cl[i] = v
                                sum += (weights?[i] ?? 1) * v
                            }
                            return sum
                        }
                    }.flatMap { $0 }
                }
            }
        }

        /// The row where the running sum of w·closest first reaches `target` (numpy's
        /// searchsorted on the cumulative sum, side 'left', clipped): chunk totals first, then
        /// one chunk's rows.
        func sample(_ target: Double, _ chunkTotals: [Double]) -> Int {
            var running = 0.0
            for (ch, total) in chunkTotals.enumerated() {
                if running + total < target && ch < chunkTotals.count - 1 { running += total; continue }
                for i in (ch * chunk)..<min(n, (ch + 1) * chunk) {
                    running += w(i) * closest[i]
                    if running >= target { return i }
                }
                if ch == chunkTotals.count - 1 { return n - 1 }
            }
            return n - 1
        }

        var potential = potentials([first])[0]
        var chunkTotals = keep(0, of: 1)
        for _ in 1..<k {
            let candidates = (0..<trials).map { _ in sample(rng.nextUnit() * potential, chunkTotals) }
            let pots = potentials(candidates)
            var best = 0
            for t in 1..<trials where pots[t] < pots[best] { best = t }
            chunkTotals = keep(best, of: trials)
            potential = chunkTotals.reduce(0, +)
            centers.append(contentsOf: UnsafeBufferPointer(start: x + candidates[best] * d, count: d))
        }
        return centers
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
#else
import Darwin
@inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
#endif

extension KMeans {
    /// k-means‖ (Bahmani et al., "Scalable K-Means++", VLDB 2012), as Spark runs it: one row drawn
    /// ∝ weight, then `rounds` rounds in which every row joins the candidates independently with
    /// probability min(1, ℓ·w·D²/φ) (ℓ = `oversampling` · k); candidates are weighted by the rows
    /// nearest to them and reduced to k by weighted k-means++ followed by weighted Lloyd.
    ///
    /// Each row's draw comes from a hash of (seed, round, row), so the result does not depend on
    /// the thread count. - Complexity: O(rounds · n · ℓ · d) plus the reduction on ~rounds · ℓ rows.
    static func kMeansParallel<S: KernelScalar>(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, weights: [Double]?,
                                                rng: inout SplitMix64, parallelism: Parallelism,
                                                rounds: Int = 5, oversampling: Double = 2) throws -> [S] {
        let w: (Int) -> Double = { weights?[$0] ?? 1 }
        var first = 0
        if let weights {
            var target = rng.nextUnit() * weights.reduce(0, +)
            while first < n - 1 && target >= weights[first] { target -= weights[first]; first += 1 }
        } else {
            first = Int(rng.next() % UInt64(n))
        }
        var candidates = [first]
        var distance = [Double](repeating: .infinity, count: n)
        var nearest = [Int32](repeating: 0, count: n)
        let norms = Lloyd<S>.rowNorms(x, n: n, d: d, parallelism: parallelism)
        let chunk = 8192, chunks = (n + chunk - 1) / chunk
        let roundSeed = rng.next()

        /// Lowers distances with the candidates from index `from` on; returns φ = Σ w·D².
        func update(from: Int) -> Double {
            var block = [S]()
            for c in candidates[from...] { block.append(contentsOf: UnsafeBufferPointer(start: x + c * d, count: d)) }
            let m = candidates.count - from
            let centers = block.withUnsafeBufferPointer { NearestCentroid(centroids: $0, k: m, d: d) }
            return distance.withUnsafeMutableBufferPointer { dist in
                nearest.withUnsafeMutableBufferPointer { near in
                    let shared = UncheckedSendable((dist, near))  // SAFETY: each chunk writes its own rows
                    return parallelism.map(ranges: chunks, minimumChunk: 1) { r in
                        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: chunk)
                        let best = UnsafeMutablePointer<S>.allocate(capacity: chunk)
                        defer { labels.deallocate(); best.deallocate() }
                        return r.map { ch -> Double in
                            let lo = ch * chunk, hi = min(n, lo + chunk)
                            centers.assign(x + lo * d, rows: hi - lo, labels: labels, best: best)
                            var phi = 0.0
                            for i in lo..<hi {
                                let dist = max(0, norms[i] + Double(best[i - lo]))
                                if dist < shared.value.0[i] {
                                    shared.value.0[i] = dist
                                    shared.value.1[i] = Int32(from) + labels[i - lo]
                                }
                                phi += w(i) * shared.value.0[i]
                            }
                            return phi
                        }
                    }.flatMap { $0 }.reduce(0, +)
                }
            }
        }

        var phi = update(from: 0)
        let l = oversampling * Double(k)
        for round in 0..<rounds where phi > 0 {
            let before = candidates.count
            for i in 0..<n {
                var h = roundSeed &+ UInt64(round) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(i) &* 0xD1B5_4A32_D192_ED03
                h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
                h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
                h ^= h >> 31
                let u = Double(h >> 11) * 0x1.0p-53
                if u < l * w(i) * distance[i] / phi { candidates.append(i) }
            }
            guard candidates.count > before else { continue }
            phi = update(from: before)
        }
        if candidates.count <= k {
            // Too few distinct candidates: top up with k-means++ on all rows.
            return kMeansPlusPlus(x, n: n, d: d, k: k, weights: weights, rng: &rng, parallelism: parallelism)
        }
        var candidateWeights = [Double](repeating: 0, count: candidates.count)
        for i in 0..<n { candidateWeights[Int(nearest[i])] += w(i) }
        var points = [S]()
        for c in candidates { points.append(contentsOf: UnsafeBufferPointer(start: x + c * d, count: d)) }
        var config = KMeansConfiguration(k: k)
        config.initialization = .kMeansPlusPlus
        config.maxIterations = 30
        config.seed = rng.next()
        config.algorithm = .lloyd
        config.parallelism = .serial
        let reduced = try points.withUnsafeBufferPointer {
            try fit($0, rows: candidates.count, columns: d, configuration: config, weights: candidateWeights.map { max($0, 1e-12) })
        }
        return reduced.centroids
    }
}
