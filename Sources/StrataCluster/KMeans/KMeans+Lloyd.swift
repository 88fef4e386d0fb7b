import StrataCore
import StrataKernels

/// Lloyd's algorithm with scikit-learn's semantics (`_kmeans_single_lloyd`): assignment by the
/// direct AVX2 kernel (first minimum of ‖c‖² − 2x·c), centers as weighted means (sums times
/// 1/weight), empty clusters relocated to the points farthest from their centers, stop when the
/// labels repeat (strict convergence) or when Σ‖Δc‖² ≤ tol; without strict convergence one more
/// assignment makes the labels match the returned centers.
///
/// The E-step is Lloyd's (every distance), Hamerly's or Yinyang's (`BoundedEngine`) or Elkan's;
/// all reach the same labels, and the M-step's sums (`CentroidSums`) depend only on the labels,
/// so every algorithm returns the same centers bit for bit, whatever the thread count.
enum Lloyd<S: KernelScalar> {
    static var chunkRows: Int { 4096 }

    struct Result {
        var centers: [S]
        var labels: [Int32]
        var inertia: Double
        var iterations: Int
        var history: [KMeansIterationStatistics]
        var clusterWeights: [Double]
    }

    static func run(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, initial: [S], weights: [Double]?,
                    maxIterations: Int, tolerance: Double, rowNormBound: Double, algorithm: KMeansAlgorithm = .lloyd,
                    assignment: KMeansAssignment = .direct, parallelism: Parallelism,
                    progress: ((KMeansIterationStatistics) -> Void)?) -> Result {
        var centers = initial
        if assignment == .gemm { BLAS.setThreads(1) }  // our loop is the parallel one
        var labels = [Int32](repeating: -1, count: n)
        let bounded = algorithm == .hamerly || algorithm == .yinyang
        let norms = bounded ? [] : rowNorms(x, n: n, d: d, parallelism: parallelism)
        var engine = bounded
            ? BoundedEngine<S>(n: n, d: d, k: k, groups: algorithm == .yinyang ? KMeansAlgorithm.yinyangGroups(k: k) : 1,
                               initialCenters: initial, rowNormBound: rowNormBound)
            : nil
        var elkan = algorithm == .elkan ? ElkanBounds<S>(rows: n, k: k, d: d) : nil
        var sums = CentroidSums(k: k, d: d)
        let partials = ChunkPartials(rows: n, k: k, d: d, rowsPerChunk: CentroidSums.chunkRows(n))
        defer { partials.deallocate() }
        var history: [KMeansIterationStatistics] = []
        var strict = false
        var iteration = 0
        var lastChanged = n
        func eStep(_ recordChanges: Bool) -> EStepResult {
            // Sums of the new labels on the way only where the M-step is likely to sum afresh.
            let fill = lastChanged * 4 >= n ? partials : nil
            let nearest = centers.withUnsafeBufferPointer { NearestCentroid(centroids: $0, k: k, d: d) }
            if engine != nil {
                return engine!.step(x, centers: centers, nearest: nearest, weights: weights, labels: &labels, recordChanges: recordChanges,
                                    partials: fill, parallelism: parallelism)
            }
            if elkan != nil {
                return elkanStep(x, n: n, d: d, k: k, centers: centers, nearest: nearest, bounds: &elkan!, weights: weights, norms: norms,
                                 labels: &labels, recordChanges: recordChanges, parallelism: parallelism)
            }
            return lloydStep(x, n: n, d: d, k: k, nearest: nearest, gemmCenters: assignment == .gemm ? centers : nil, weights: weights,
                             norms: norms, labels: &labels, recordChanges: recordChanges, partials: partials, fill: fill != nil,
                             parallelism: parallelism)
        }
        while iteration < maxIterations {
            let step = eStep(sums.valid)
            lastChanged = step.changed
            if sums.wantsFresh(changed: step.changed, rows: n) {
                if step.partialsFilled {
                    sums.adopt(partials, labels: labels, parallelism: parallelism)
                } else {
                    sums.recompute(x, n: n, labels: labels, rowWeights: weights, partials: partials, parallelism: parallelism)
                }
            } else {
                sums.apply(step.changes, x, labels: labels, rowWeights: weights, parallelism: parallelism)
                if !sums.valid { sums.recompute(x, n: n, labels: labels, rowWeights: weights, partials: partials, parallelism: parallelism) }
            }
            var s = sums.sums, w = sums.weights
            if w.contains(0) {
                relocateEmpty(x, n: n, d: d, k: k, centers: centers, labels: labels, weights: weights, sums: &s, clusterWeights: &w)
            }
            var newCenters = [S](repeating: 0, count: k * d)
            var shift = 0.0
            for c in 0..<k {
                let alpha = w[c] > 0 ? 1 / w[c] : 0
                for j in 0..<d {
                    let v = w[c] > 0 ? S(s[c * d + j] * alpha) : centers[c * d + j]
                    newCenters[c * d + j] = v
                    let delta = Double(v) - Double(centers[c * d + j])
                    shift += delta * delta
                }
            }
            engine?.centersMoved(old: centers, new: newCenters)
            elkan?.centersMoved(old: centers, new: newCenters, k: k, d: d, labels: labels, parallelism: parallelism)
            centers = newCenters
            iteration += 1
            let stats = KMeansIterationStatistics(iteration: iteration, inertia: step.inertia, centerShift: shift, labelsChanged: step.changed)
            history.append(stats)
            progress?(stats)
            if step.changed == 0 { strict = true; break }
            if shift <= tolerance { break }
        }
        // Without strict convergence, one more assignment makes the labels match the returned centers.
        if !strict { _ = eStep(false) }
        var clusterWeights = [Double](repeating: 0, count: k)
        for i in 0..<n { clusterWeights[Int(labels[i])] += weights?[i] ?? 1 }
        let inertia = exactInertia(x, n: n, d: d, centers: centers, labels: labels, weights: weights, parallelism: parallelism)
        return Result(centers: centers, labels: labels, inertia: inertia, iterations: iteration, history: history, clusterWeights: clusterWeights)
    }

    /// ‖x_i‖² in double.
    static func rowNorms(_ x: UnsafePointer<S>, n: Int, d: Int, parallelism: Parallelism) -> [Double] {
        var norms = [Double](repeating: 0, count: n)
        norms.withUnsafeMutableBufferPointer { out in
            let o = UncheckedSendable(out)  // SAFETY: disjoint rows per task
            _ = parallelism.map(ranges: n, minimumChunk: chunkRows) { r in
                for i in r {
                    var s = 0.0
                    for j in 0..<d { let v = Double(x[i * d + j]); s += v * v }
                    o.value[i] = s
                }
            }
        }
        return norms
    }

    /// One Lloyd E-step: every row assigned by the direct kernel (or, with `gemmCenters`, from
    /// 256 × k tiles of X·Cᵀ by OpenBLAS on this thread), in the fixed chunks of `partials`, whose
    /// sums of the new labels it fills on the way when asked (`fill`). The inertia is Σ w·(‖x‖² + best score), clamped
    /// at 0 per row.
    static func lloydStep(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, nearest: NearestCentroid<S>, gemmCenters: [S]? = nil,
                          weights: [Double]?, norms: [Double], labels: inout [Int32], recordChanges: Bool,
                          partials: ChunkPartials, fill: Bool, parallelism: Parallelism) -> EStepResult {
        let stats = labels.withUnsafeMutableBufferPointer { lab in
            norms.withUnsafeBufferPointer { nrm in
                weights.withUnsafeOptionalBufferPointer { rw in
                    // SAFETY: chunk ch writes rows [lo, hi) of labels and its own partials only.
                    let shared = UncheckedSendable((lab.baseAddress!, nrm.baseAddress!, rw?.baseAddress))
                    return parallelism.map(ranges: partials.chunks, minimumChunk: 1) { r in
                        let tile = gemmCenters == nil ? nil : UnsafeMutablePointer<S>.allocate(capacity: 256 * k)
                        let best = UnsafeMutablePointer<S>.allocate(capacity: 256)
                        let old = UnsafeMutablePointer<Int32>.allocate(capacity: 256)
                        defer { tile?.deallocate(); best.deallocate(); old.deallocate() }
                        return r.map { ch -> (Double, [LabelChange], Int) in
                            let (lab, nrm, rw) = shared.value
                            let rows = partials.rows(ch, of: n)
                            var inertia = 0.0, changed = 0
                            var changes: [LabelChange] = []
                            if fill { partials.start(ch) }
                            var s = rows.lowerBound
                            while s < rows.upperBound {  // sub-blocks keep the rows in L1/L2
                                let e = min(rows.upperBound, s + 256)
                                old.update(from: lab + s, count: e - s)
                                if let tile, let gemmCenters {
                                    gemmCenters.withUnsafeBufferPointer { c in
                                        S._gemmABt(m: e - s, n: k, k: d, alpha: -2, a: x + s * d, b: c.baseAddress!, beta: 0, c: tile)
                                    }
                                    for i in s..<e {
                                        let row = tile + (i - s) * k
                                        var bl = 0
                                        var bv = row[0] + nearest.squaredNorm(0)
                                        for c in 1..<k {
                                            let v = row[c] + nearest.squaredNorm(c)
                                            if v < bv { bv = v; bl = c }
                                        }
                                        lab[i] = Int32(bl)
                                        best[i - s] = bv
                                    }
                                } else {
                                    nearest.assign(x + s * d, rows: e - s, labels: lab + s, best: best)
                                }
                                if fill { partials.accumulate(ch, rows: s..<e, x, labels: lab, rowWeights: rw) }
                                for i in s..<e {
                                    inertia += (rw?[i] ?? 1) * max(0, nrm[i] + Double(best[i - s]))
                                    if lab[i] != old[i - s] {
                                        changed += 1
                                        if recordChanges { changes.append(LabelChange(row: i, old: old[i - s])) }
                                    }
                                }
                                s = e
                            }
                            return (inertia, changes, changed)
                        }
                    }.flatMap { $0 }
                }
            }
        }
        return EStepResult(inertia: stats.reduce(0) { $0 + $1.0 }, changes: stats.map(\.1), rescored: n, changed: stats.reduce(0) { $0 + $1.2 },
                           partialsFilled: fill)
    }

    /// scikit-learn's `_relocate_empty_clusters`: the rows farthest from their (assigning) centers
    /// move, largest distance first (lowest row on ties), into the empty clusters.
    static func relocateEmpty(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, centers: [S], labels: [Int32], weights: [Double]?,
                              sums: inout [Double], clusterWeights: inout [Double]) {
        let empty = (0..<k).filter { clusterWeights[$0] == 0 }
        var distances = [(Double, Int)]()
        distances.reserveCapacity(n)
        centers.withUnsafeBufferPointer { c in
            for i in 0..<n {
                distances.append((Double(squaredDistance(x + i * d, c.baseAddress! + Int(labels[i]) * d, d)), i))
            }
        }
        distances.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        for (idx, cluster) in empty.enumerated() where idx < n {
            let far = distances[idx].1
            let old = Int(labels[far])
            let wi = weights?[far] ?? 1
            for j in 0..<d {
                let v = Double(x[far * d + j]) * wi
                sums[old * d + j] -= v
                sums[cluster * d + j] = v
            }
            clusterWeights[cluster] = wi
            clusterWeights[old] -= wi
        }
    }

    /// Σ w·‖x − c_label‖², computed directly (no cancellation), fixed chunks summed in order.
    static func exactInertia(_ x: UnsafePointer<S>, n: Int, d: Int, centers: [S], labels: [Int32], weights: [Double]?,
                             parallelism: Parallelism) -> Double {
        let chunks = (n + chunkRows - 1) / chunkRows
        return centers.withUnsafeBufferPointer { c in
            parallelism.map(ranges: chunks, minimumChunk: 1) { r in
                r.map { ch -> Double in
                    var s = 0.0
                    for i in (ch * chunkRows)..<min(n, (ch + 1) * chunkRows) {
                        s += (weights?[i] ?? 1) * Double(squaredDistance(x + i * d, c.baseAddress! + Int(labels[i]) * d, d))
                    }
                    return s
                }
            }.flatMap { $0 }.reduce(0, +)
        }
    }

    /// Nearest centroid and the Euclidean distance to it, for every row.
    static func assignAll(_ x: UnsafePointer<S>, n: Int, d: Int, nearest: NearestCentroid<S>, parallelism: Parallelism) -> ([Int32], [S]) {
        var labels = [Int32](repeating: 0, count: n)
        var dist = [S](repeating: 0, count: n)
        let chunks = (n + chunkRows - 1) / chunkRows
        labels.withUnsafeMutableBufferPointer { lab in
            dist.withUnsafeMutableBufferPointer { ds in
                let shared = UncheckedSendable((lab, ds))  // SAFETY: each chunk writes its own rows
                let centers = UncheckedSendable(nearest)
                _ = parallelism.map(ranges: chunks, minimumChunk: 1) { r in
                    for ch in r {
                        let lo = ch * chunkRows, hi = min(n, lo + chunkRows)
                        centers.value.assign(x + lo * d, rows: hi - lo, labels: shared.value.0.baseAddress! + lo, best: shared.value.1.baseAddress! + lo)
                    }
                }
                // Exact distances to the chosen centroid.
                var c = [S](repeating: 0, count: nearest.k * nearest.d)
                for ci in 0..<nearest.k { for j in 0..<d { c[ci * d + j] = nearest.centroid(ci, j) } }
                c.withUnsafeBufferPointer { cb in
                    _ = parallelism.map(ranges: n, minimumChunk: chunkRows) { r in
                        for i in r {
                            shared.value.1[i] = squaredDistance(x + i * d, cb.baseAddress! + Int(shared.value.0[i]) * d, d).squareRoot()
                        }
                    }
                }
            }
        }
        return (labels, dist)
    }
}
