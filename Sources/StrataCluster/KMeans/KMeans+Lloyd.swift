import StrataCore
import StrataKernels

/// Lloyd's algorithm with scikit-learn's semantics (`_kmeans_single_lloyd`): assignment by the
/// direct AVX2 kernel (first minimum of ‖c‖² − 2x·c), centers as weighted means (sums times
/// 1/weight), empty clusters relocated to the points farthest from their centers, stop when the
/// labels repeat (strict convergence) or when Σ‖Δc‖² ≤ tol; without strict convergence one more
/// assignment makes the labels match the returned centers.
///
/// Determinism: assignment is per point; per-iteration sums run over fixed 4096-row chunks
/// combined in order; centroid sums are computed by thread-owned cluster ranges, each scanning the
/// points in order, so every cluster's sum has the same order whatever the thread count.
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
                    maxIterations: Int, tolerance: Double, algorithm: KMeansAlgorithm = .lloyd,
                    assignment: KMeansAssignment = .direct, parallelism: Parallelism,
                    progress: ((KMeansIterationStatistics) -> Void)?) -> Result {
        var centers = initial
        if assignment == .gemm { BLAS.setThreads(1) }  // our loop is the parallel one
        var labels = [Int32](repeating: -1, count: n)
        var labelsOld = [Int32](repeating: -1, count: n)
        var best = [S](repeating: 0, count: n)
        let norms = rowNorms(x, n: n, d: d, parallelism: parallelism)
        var history: [KMeansIterationStatistics] = []
        var clusterWeights = [Double](repeating: 0, count: k)
        var strict = false
        var iteration = 0
        var bounds = algorithm == .hamerly ? HamerlyBounds<S>(rows: n, d: d) : nil
        var yinyang = algorithm == .yinyang ? YinyangBounds<S>(rows: n, d: d, initialCenters: initial, k: k, seed: 0) : nil
        var elkan = algorithm == .elkan ? ElkanBounds<S>(rows: n, k: k, d: d) : nil
        while iteration < maxIterations {
            let nearest = centers.withUnsafeBufferPointer { NearestCentroid(centroids: $0, k: k, d: d) }
            let inertia: Double, changed: Int
            var sums: [Double], w: [Double]
            if yinyang != nil {
                let step = yinyangAssignAndSum(x, n: n, d: d, k: k, centers: centers, nearest: nearest, bounds: &yinyang!,
                                               weights: weights, norms: norms, labels: &labels, labelsOld: labelsOld,
                                               parallelism: parallelism)
                (inertia, changed, sums, w) = (step.inertia, step.changed, step.sums, step.weights)
            } else if elkan != nil {
                let step = elkanAssignAndSum(x, n: n, d: d, k: k, centers: centers, nearest: nearest, bounds: &elkan!,
                                             weights: weights, norms: norms, labels: &labels, labelsOld: labelsOld,
                                             parallelism: parallelism)
                (inertia, changed, sums, w) = (step.inertia, step.changed, step.sums, step.weights)
            } else if bounds != nil {
                let step = hamerlyAssignAndSum(x, n: n, d: d, k: k, centers: centers, nearest: nearest, bounds: &bounds!,
                                               weights: weights, norms: norms, labels: &labels, labelsOld: labelsOld,
                                               parallelism: parallelism)
                (inertia, changed, sums, w) = (step.inertia, step.changed, step.sums, step.weights)
            } else {
                let step = assignAndSum(x, n: n, d: d, k: k, nearest: nearest, gemmCenters: assignment == .gemm ? centers : nil,
                                        weights: weights, norms: norms, labels: &labels, labelsOld: labelsOld, best: &best,
                                        parallelism: parallelism)
                (inertia, changed, sums, w) = (step.inertia, step.changed, step.sums, step.weights)
            }
            if w.contains(0) {
                relocateEmpty(x, n: n, d: d, k: k, centers: centers, labels: labels, weights: weights, sums: &sums, clusterWeights: &w)
            }
            var newCenters = [S](repeating: 0, count: k * d)
            var shift = 0.0
            for c in 0..<k {
                let alpha = w[c] > 0 ? 1 / w[c] : 0
                for j in 0..<d {
                    let v = w[c] > 0 ? S(sums[c * d + j] * alpha) : centers[c * d + j]
                    newCenters[c * d + j] = v
                    let delta = Double(v) - Double(centers[c * d + j])
                    shift += delta * delta
                }
            }
            bounds?.centersMoved(old: centers, new: newCenters, k: k, d: d, labels: labels)
            yinyang?.centersMoved(old: centers, new: newCenters, k: k, d: d, labels: labels)
            elkan?.centersMoved(old: centers, new: newCenters, k: k, d: d, labels: labels, parallelism: parallelism)
            centers = newCenters
            clusterWeights = w
            iteration += 1
            let stats = KMeansIterationStatistics(iteration: iteration, inertia: inertia, centerShift: shift, labelsChanged: changed)
            history.append(stats)
            progress?(stats)
            if changed == 0 { strict = true; break }
            if shift <= tolerance { break }
            labelsOld = labels
        }
        if !strict {
            let nearest = centers.withUnsafeBufferPointer { NearestCentroid(centroids: $0, k: k, d: d) }
            _ = assignStep(x, n: n, d: d, nearest: nearest, weights: weights, norms: norms,
                           labels: &labels, labelsOld: labelsOld, best: &best, parallelism: parallelism)
            clusterWeights = [Double](repeating: 0, count: k)
            for i in 0..<n { clusterWeights[Int(labels[i])] += weights?[i] ?? 1 }
        }
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

    /// Assigns every row; returns the inertia against the assigning centers (from the kernel's
    /// ‖c‖² − 2x·c plus ‖x‖², clamped at 0) and how many labels differ from `labelsOld`.
    static func assignStep(_ x: UnsafePointer<S>, n: Int, d: Int, nearest: NearestCentroid<S>, weights: [Double]?, norms: [Double],
                           labels: inout [Int32], labelsOld: [Int32], best: inout [S], parallelism: Parallelism) -> (Double, Int) {
        let chunks = (n + chunkRows - 1) / chunkRows
        let partials = labels.withUnsafeMutableBufferPointer { lab in
            best.withUnsafeMutableBufferPointer { bst in
                let shared = UncheckedSendable((lab, bst))  // SAFETY: each chunk writes its own rows
                return parallelism.map(ranges: chunks, minimumChunk: 1) { r in
                    r.map { ch -> (Double, Int) in
                        let lo = ch * chunkRows, hi = min(n, lo + chunkRows)
                        nearest.assign(x + lo * d, rows: hi - lo, labels: shared.value.0.baseAddress! + lo, best: shared.value.1.baseAddress! + lo)
                        var inertia = 0.0, changed = 0
                        for i in lo..<hi {
                            inertia += (weights?[i] ?? 1) * max(0, norms[i] + Double(shared.value.1[i]))
                            if shared.value.0[i] != labelsOld[i] { changed += 1 }
                        }
                        return (inertia, changed)
                    }
                }.flatMap { $0 }
            }
        }
        return partials.reduce((0.0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
    }

    /// Rows per partial-sum chunk: a function of n only (never of the thread count), at most 512 chunks.
    static func sumChunkRows(_ n: Int) -> Int { max(chunkRows, (n + 511) / 512) }

    /// One E-step fused with the M-step's sums: each fixed chunk of rows is assigned and, while
    /// still in cache, added into its own k × d partial sums; partials are then reduced in chunk
    /// order (clusters split across threads). Results do not depend on the thread count.
    static func assignAndSum(_ x: UnsafePointer<S>, n: Int, d: Int, k: Int, nearest: NearestCentroid<S>, gemmCenters: [S]? = nil,
                             weights: [Double]?,
                             norms: [Double], labels: inout [Int32], labelsOld: [Int32], best: inout [S],
                             parallelism: Parallelism) -> (inertia: Double, changed: Int, sums: [Double], weights: [Double]) {
        let partials = ChunkPartials(rows: n, k: k, d: d, rowsPerChunk: sumChunkRows(n))
        defer { partials.deallocate() }
        let rowsPerChunk = partials.rowsPerChunk, chunks = partials.chunks
        let stats = labels.withUnsafeMutableBufferPointer { lab in
            best.withUnsafeMutableBufferPointer { bst in
                labelsOld.withUnsafeBufferPointer { old in
                    norms.withUnsafeBufferPointer { nrm in
                        // SAFETY: chunk ch writes rows [lo, hi) of labels/best and its own partial slots only.
                        let shared = UncheckedSendable((lab, bst, old, nrm, partials))
                        return parallelism.map(ranges: chunks, minimumChunk: 1) { r in
                            // GEMM path: a 256 × k tile of X·Cᵀ per sub-block (OpenBLAS on this thread only).
                            let tile = gemmCenters == nil ? nil : UnsafeMutablePointer<S>.allocate(capacity: 256 * k)
                            defer { tile?.deallocate() }
                            return r.map { ch -> (Double, Int) in
                                let (lab, bst, old, nrm, partials) = shared.value
                                let lo = ch * rowsPerChunk, hi = min(n, lo + rowsPerChunk)
                                let (sums, cw) = partials.start(ch)
                                var inertia = 0.0, changed = 0
                                var s = lo
                                while s < hi {  // kernel sub-blocks keep the rows in L1/L2
                                    let e = min(hi, s + 256)
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
                                            bst[i] = bv
                                        }
                                    } else {
                                        nearest.assign(x + s * d, rows: e - s, labels: lab.baseAddress! + s, best: bst.baseAddress! + s)
                                    }
                                    addRows(x, s..<e, d: d, labels: lab.baseAddress!, labelsOld: old.baseAddress!, weights: weights,
                                            sums: sums, clusterWeights: cw, changed: &changed)
                                    for i in s..<e { inertia += (weights?[i] ?? 1) * max(0, nrm[i] + Double(bst[i])) }
                                    s = e
                                }
                                return (inertia, changed)
                            }
                        }.flatMap { $0 }
                    }
                }
            }
        }
        let (sums, w) = reduceChunks(partials, parallelism: parallelism)
        let inertia = stats.reduce(0) { $0 + $1.0 }, changed = stats.reduce(0) { $0 + $1.1 }
        return (inertia, changed, sums, w)
    }

    /// Adds rows `range` into a chunk's partial sums and weights by label, counting labels that
    /// differ from `labelsOld`. Shared by the Lloyd, Hamerly, Elkan and Yinyang E-steps.
    @inline(__always)
    static func addRows(_ x: UnsafePointer<S>, _ range: Range<Int>, d: Int, labels: UnsafeMutablePointer<Int32>,
                        labelsOld: UnsafePointer<Int32>, weights: [Double]?, sums: UnsafeMutablePointer<Double>,
                        clusterWeights cw: UnsafeMutablePointer<Double>, changed: inout Int) {
        for i in range {
            let l = Int(labels[i])
            if labels[i] != labelsOld[i] { changed += 1 }
            let row = x + i * d, dst = sums + l * d
            if let weights {
                let wi = weights[i]
                cw[l] += wi
                for j in 0..<d { dst[j] += wi * Double(row[j]) }
            } else {
                cw[l] += 1
                for j in 0..<d { dst[j] += Double(row[j]) }
            }
        }
    }

    /// Sums the per-chunk partials in chunk order (clusters split across threads).
    static func reduceChunks(_ partials: ChunkPartials, parallelism: Parallelism) -> ([Double], [Double]) {
        let (partialSums, partialWeights, chunks, k, d) = (partials.sums, partials.weights, partials.chunks, partials.k, partials.d)
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

    /// Zeroed partial sums and weights of chunk `ch`.
    func start(_ ch: Int) -> (sums: UnsafeMutablePointer<Double>, weights: UnsafeMutablePointer<Double>) {
        let s = sums.baseAddress! + ch * k * d, w = weights.baseAddress! + ch * k
        s.initialize(repeating: 0, count: k * d)
        w.initialize(repeating: 0, count: k)
        return (s, w)
    }
}
