import StrataCore
import StrataKernels
import StrataPrep

/// K-Means clustering (Lloyd 1982; k-means++ seeding, Arthur & Vassilvitskii 2007) with
/// scikit-learn's semantics: given the same initial centers on Float64 data, labels and the
/// iteration count equal `KMeans(algorithm="lloyd", init=centers, n_init=1)`.
///
/// The same seed gives bit-identical centroids and labels whatever the thread count.
public enum KMeans {
    /// Fits K-Means on `x` (rows × columns, row-major).
    /// - Parameters:
    ///   - weights: per-row sample weights (nil: all 1).
    ///   - progress: called after each Lloyd iteration.
    /// - Throws: `StrataError.invalidConfiguration` (k < 1, k > rows, bad counts),
    ///   `.shapeMismatch` (initial centers, weights), `.nonFiniteInput`.
    /// - Complexity: O(restarts · iterations · rows · k · d) time, O(rows + k · d) extra memory.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func fit<S: KernelScalar>(_ x: UnsafeBufferPointer<S>, rows n: Int, columns d: Int,
                                            configuration: KMeansConfiguration, weights: [Double]? = nil,
                                            progress: ((Int, KMeansIterationStatistics) -> Void)? = nil) throws -> KMeansModel<S> {
        try configuration.validate(rows: n, columns: d)
        try ensure(x.count == n * d, .shapeMismatch, "data holds \(x.count) values, expected \(n) × \(d)")
        if let weights {
            try ensure(weights.count == n, .shapeMismatch, "\(weights.count) sample weights for \(n) rows")
            try ensure(weights.allSatisfy { $0 >= 0 && $0.isFinite }, .invalidConfiguration, "sample weights must be finite and ≥ 0")
            try ensure(weights.contains { $0 > 0 }, .invalidConfiguration, "every sample weight is 0")
        }
        // scikit-learn's tolerance: tol × mean per-feature variance (population). Moments of fixed
        // chunks of rows in parallel, merged in chunk order; a non-finite value makes its column's
        // moments non-finite, and is then located for the error.
        let base = x.baseAddress!
        let chunkRows = 65_536, chunks = (n + chunkRows - 1) / chunkRows
        let moments = configuration.parallelism.map(ranges: chunks, minimumChunk: 1) { r in
            r.map { ch in
                let lo = ch * chunkRows, rows = min(n, lo + chunkRows) - lo
                return MomentsKernel.columnMoments(base + lo * d, rows: rows, columns: d)
            }
        }.flatMap { $0 }.reduce(nil) { (total: [Moments]?, chunk: [Moments]) in total.map { zip($0, chunk).map { $0.merged(with: $1) } } ?? chunk }!
        if moments.contains(where: { !$0.mean.isFinite || !$0.m2.isFinite }) {
            for i in 0..<(n * d) where !x[i].isFinite {
                throw StrataError(.nonFiniteInput, "value at row \(i / d + 1), column \(i % d + 1) is not finite")
            }
        }
        let meanVariance = moments.reduce(0) { $0 + $1.populationVariance }
        let tolerance = configuration.tolerance * meanVariance / Double(d)
        // No row is longer than the vector of each column's largest magnitude.
        let rowNormBound = moments.reduce(0) { $0 + max($1.min * $1.min, $1.max * $1.max) }.squareRoot()

        let root = SplitMix64(seed: configuration.seed)
        var best: Lloyd<S>.Result? = nil
        for restart in 0..<configuration.restarts {
            var rng = root.derived(UInt64(restart))
            let initial: [S]
            switch configuration.initialization {
            case .centers(let c): initial = c.map { S($0) }
            case .random: initial = randomCenters(base, n: n, d: d, k: configuration.k, rng: &rng)
            case .kMeansParallel:
                initial = try kMeansParallel(base, n: n, d: d, k: configuration.k, weights: weights, rng: &rng, parallelism: configuration.parallelism)
            case .kMeansPlusPlus:
                initial = kMeansPlusPlus(base, n: n, d: d, k: configuration.k, weights: weights, rng: &rng, parallelism: configuration.parallelism)
            }
            let result = Lloyd<S>.run(base, n: n, d: d, k: configuration.k, initial: initial, weights: weights,
                                      maxIterations: configuration.maxIterations, tolerance: tolerance, rowNormBound: rowNormBound,
                                      algorithm: configuration.algorithm.resolved(k: configuration.k, d: d),
                                      assignment: configuration.assignment.resolved(k: configuration.k, d: d),
                                      parallelism: configuration.parallelism,
                                      progress: progress.map { p in { p(restart, $0) } })
            if best == nil || result.inertia < best!.inertia { best = result }
        }
        let r = best!
        return KMeansModel(k: configuration.k, d: d, centroids: r.centers, labels: r.labels, inertia: r.inertia,
                           iterations: r.iterations, history: r.history, clusterWeights: r.clusterWeights)
    }

    /// k-means++ seeding alone (rows × columns, row-major): k × columns centers.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func seedKMeansPlusPlus<S: KernelScalar>(_ x: UnsafePointer<S>, rows n: Int, columns d: Int, k: Int, seed: UInt64,
                                                           weights: [Double]? = nil, parallelism: Parallelism = .allCores) -> [S] {
        var rng = SplitMix64(seed: seed).derived(0)
        return kMeansPlusPlus(x, n: n, d: d, k: k, weights: weights, rng: &rng, parallelism: parallelism)
    }

    /// Fits K-Means on a feature matrix.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func fit<S: KernelScalar>(_ matrix: FeatureMatrix<S>, configuration: KMeansConfiguration, weights: [Double]? = nil,
                                            progress: ((Int, KMeansIterationStatistics) -> Void)? = nil) throws -> KMeansModel<S> {
        try matrix.withUnsafeBufferPointer {
            try fit($0, rows: matrix.rows, columns: matrix.columns, configuration: configuration, weights: weights, progress: progress)
        }
    }
}
