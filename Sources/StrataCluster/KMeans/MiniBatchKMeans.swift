import StrataCore
import StrataKernels

/// Mini-batch K-Means (Sculley, "Web-scale k-means clustering", WWW 2010) with scikit-learn's
/// `MiniBatchKMeans` semantics: batches drawn with replacement ∝ weight, per-center learning
/// rate 1/count, low-count centers reassigned to random batch rows every 10·k rows seen (or
/// when a center is empty), early stopping on the exponentially weighted batch inertia
/// (`maxNoImprovement`) or on the squared center change (`tolerance`, absolute, 0 = off).
///
/// `partialFit` takes one chunk at a time, for data streamed in chunks larger than memory; the
/// state (centers and counts) is all the model keeps. Deterministic by seed.
public struct MiniBatchKMeans<S: KernelScalar>: Sendable {
    /// Parameters; each default is scikit-learn's.
    public struct Configuration: Sendable {
        public var k: Int
        public var batchSize = 1024
        /// Passes over the data (steps = maxEpochs · n / batchSize).
        public var maxEpochs = 100
        public var maxNoImprovement: Int? = 10
        public var tolerance = 0.0
        public var reassignmentRatio = 0.01
        /// k-means++ runs on this many sampled rows (nil: 3 · batchSize, at least 3 · k).
        public var initSize: Int? = nil
        public var seed: UInt64 = 0
        public var parallelism: Parallelism = .allCores

        public init(k: Int) { self.k = k }
    }

    public let configuration: Configuration
    /// k × d, row-major (empty until the first batch).
    public private(set) var centers: [S] = []
    /// Weight seen by each center.
    public private(set) var counts: [Double] = []
    public private(set) var d = 0
    public private(set) var steps = 0
    private var rng: SplitMix64
    private var seenSinceReassign = 0

    public init(_ configuration: Configuration) throws {
        try ensure(configuration.k >= 1, .invalidConfiguration, "k must be at least 1")
        try ensure(configuration.batchSize >= 1, .invalidConfiguration, "batch size must be at least 1")
        try ensure(configuration.maxEpochs >= 1, .invalidConfiguration, "max-iter must be at least 1")
        self.configuration = configuration
        rng = SplitMix64(seed: configuration.seed)
    }

    /// Updates the centers with one batch (rows × columns, row-major); the first batch also
    /// seeds them by k-means++ and must hold at least k rows. Returns the batch inertia before
    /// the update.
    /// - Throws: `StrataError.invalidConfiguration` (first batch smaller than k), `.shapeMismatch`.
    @discardableResult
    public mutating func partialFit(_ x: UnsafeBufferPointer<S>, rows n: Int, columns: Int) throws -> Double {
        if centers.isEmpty {
            try ensure(n >= configuration.k, .invalidConfiguration, "the first batch has \(n) rows; it needs at least k = \(configuration.k)")
            d = columns
            var seedRNG = rng.derived(0)
            centers = KMeans.kMeansPlusPlus(x.baseAddress!, n: n, d: d, k: configuration.k, weights: nil, rng: &seedRNG,
                                            parallelism: configuration.parallelism)
            counts = [Double](repeating: 0, count: configuration.k)
        }
        try ensure(columns == d, .shapeMismatch, "batch has \(columns) columns, the model \(d)")
        return step(x.baseAddress!, rows: n, reassignBudget: n)
    }

    /// The fitted model after streaming (no per-row labels: the rows are gone), with the final
    /// inertia and cluster sizes measured by the caller's last pass.
    public func model(inertia: Double, clusterWeights: [Double]) -> KMeansModel<S> {
        KMeansModel(k: configuration.k, d: d, centroids: centers, labels: [], inertia: inertia, iterations: steps, history: [],
                    clusterWeights: clusterWeights)
    }

    /// One update with the rows at `x` (unit weights). Returns the batch inertia.
    mutating func step(_ x: UnsafePointer<S>, rows n: Int, reassignBudget: Int) -> Double {
        let k = configuration.k
        let nearest = centers.withUnsafeBufferPointer { NearestCentroid(centroids: $0, k: k, d: d) }
        var labels = [Int32](repeating: 0, count: n)
        var best = [S](repeating: 0, count: n)
        nearest.assign(x, rows: n, labels: &labels, best: &best)
        var inertia = 0.0
        var sums = [Double](repeating: 0, count: k * d)
        var batchCounts = [Double](repeating: 0, count: k)
        centers.withUnsafeBufferPointer { c in
            for i in 0..<n {
                let l = Int(labels[i])
                inertia += Double(squaredDistance(x + i * d, c.baseAddress! + l * d, d))
                batchCounts[l] += 1
                for j in 0..<d { sums[l * d + j] += Double(x[i * d + j]) }
            }
        }
        for c in 0..<k where batchCounts[c] > 0 {
            let total = counts[c] + batchCounts[c]
            let alpha = 1 / total
            for j in 0..<d {
                centers[c * d + j] = S((Double(centers[c * d + j]) * counts[c] + sums[c * d + j]) * alpha)
            }
            counts[c] = total
        }
        // Random reassignment of low-count centers (scikit-learn's `_random_reassign`).
        seenSinceReassign += n
        if counts.contains(0) || seenSinceReassign >= 10 * k {
            seenSinceReassign = 0
            let maxCount = counts.max() ?? 0
            var toReassign = (0..<k).filter { counts[$0] < configuration.reassignmentRatio * maxCount }
            if toReassign.count > reassignBudget / 2 {
                toReassign = Array(toReassign.sorted { counts[$0] < counts[$1] }.prefix(reassignBudget / 2))
            }
            if !toReassign.isEmpty && toReassign.count < k {
                let keptMin = (0..<k).filter { !toReassign.contains($0) }.map { counts[$0] }.min() ?? 0
                var rows = Array(0..<n)
                for (r, c) in toReassign.enumerated() {
                    rows.swapAt(r, r + Int(rng.next() % UInt64(n - r)))
                    for j in 0..<d { centers[c * d + j] = x[rows[r] * d + j] }
                    counts[c] = keptMin
                }
            }
        }
        steps += 1
        return inertia
    }

    /// Fits on all rows: seeds on a sample, then `maxEpochs · n / batchSize` batch steps with
    /// early stopping; returns a model with the final labels and exact inertia over all rows.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func fit(_ x: UnsafeBufferPointer<S>, rows n: Int, columns d: Int, configuration: Configuration) throws -> KMeansModel<S> {
        try ensure(configuration.k <= n, .invalidConfiguration, "k = \(configuration.k) is larger than the number of rows (\(n))")
        try ensure(x.count == n * d, .shapeMismatch, "data holds \(x.count) values, expected \(n) × \(d)")
        var model = try MiniBatchKMeans(configuration)
        let base = x.baseAddress!
        let batch = min(configuration.batchSize, n)
        // Seed on a sample of initSize rows.
        var initSize = configuration.initSize ?? 3 * configuration.batchSize
        if initSize < configuration.k { initSize = 3 * configuration.k }
        initSize = min(initSize, n)
        var sampler = model.rng.derived(1)
        var buffer = [S](repeating: 0, count: max(initSize, batch) * d)
        func gather(_ count: Int) {
            buffer.withUnsafeMutableBufferPointer { b in
                for r in 0..<count {
                    let i = Int(sampler.next() % UInt64(n))
                    (b.baseAddress! + r * d).update(from: base + i * d, count: d)
                }
            }
        }
        gather(initSize)
        var seedRNG = model.rng.derived(0)
        model.d = d
        model.centers = buffer.withUnsafeBufferPointer {
            KMeans.kMeansPlusPlus($0.baseAddress!, n: initSize, d: d, k: configuration.k, weights: nil, rng: &seedRNG,
                                  parallelism: configuration.parallelism)
        }
        model.counts = [Double](repeating: 0, count: configuration.k)
        let totalSteps = max(1, configuration.maxEpochs * n / batch)
        var ewa: Double? = nil, ewaMin: Double? = nil
        var noImprovement = 0
        var history: [KMeansIterationStatistics] = []
        for s in 0..<totalSteps {
            gather(batch)
            let old = model.centers
            let inertia = buffer.withUnsafeBufferPointer { model.step($0.baseAddress!, rows: batch, reassignBudget: batch) } / Double(batch)
            var shift = 0.0
            for i in 0..<old.count { let t = Double(model.centers[i]) - Double(old[i]); shift += t * t }
            history.append(KMeansIterationStatistics(iteration: s + 1, inertia: inertia, centerShift: shift, labelsChanged: 0))
            if s == 0 { continue }  // the first batch's inertia reflects the seeding
            let alpha = min(1, Double(batch) * 2 / Double(n + 1))
            ewa = ewa.map { $0 * (1 - alpha) + inertia * alpha } ?? inertia
            if configuration.tolerance > 0 && shift <= configuration.tolerance { break }
            if ewaMin == nil || ewa! < ewaMin! { noImprovement = 0; ewaMin = ewa } else { noImprovement += 1 }
            if let limit = configuration.maxNoImprovement, noImprovement >= limit { break }
        }
        let (labels, _) = model.centers.withUnsafeBufferPointer { c in
            Lloyd<S>.assignAll(base, n: n, d: d, nearest: NearestCentroid(centroids: c, k: configuration.k, d: d),
                               parallelism: configuration.parallelism)
        }
        let inertia = Lloyd<S>.exactInertia(base, n: n, d: d, centers: model.centers, labels: labels, weights: nil,
                                            parallelism: configuration.parallelism)
        var sizes = [Double](repeating: 0, count: configuration.k)
        for l in labels { sizes[Int(l)] += 1 }
        return KMeansModel(k: configuration.k, d: d, centroids: model.centers, labels: labels, inertia: inertia,
                           iterations: model.steps, history: history, clusterWeights: sizes)
    }
}
