import StrataCore
import StrataKernels

/// Two-stage hierarchical clustering for millions of rows: K-Means micro-clusters first, then
/// the linkage on their centroids weighted by their sizes.
///
/// For ward (and centroid) the cluster distance depends only on sizes and centroids, so this is
/// exactly Ward over unions of micro-clusters: merge cost n_A·n_B/(n_A+n_B)·‖μ_A − μ_B‖²
/// (FactoMineR's HCPC runs the same scheme). Each row gets its micro-cluster's label at the cut.
public struct TwoStageHierarchy<S: KernelScalar>: Sendable {
    /// The tree over the micro-clusters (leaf sizes = their rows).
    public let dendrogram: Dendrogram
    /// Micro-cluster (leaf) of each row.
    public let microClusterOfRow: [Int32]
    /// Leaves × d centroids of the micro-clusters.
    public let centroids: [S]
    /// K-Means iterations the first stage ran.
    public let kMeansIterations: Int

    /// Flat cluster of each row from a label per leaf (`Dendrogram.clusters`).
    public func rowLabels(_ leafLabels: [Int32]) -> [Int32] {
        microClusterOfRow.map { leafLabels[Int($0)] }
    }
}

extension HierarchicalClustering {
    /// Micro-clusters by K-Means, then `configuration.method` (ward or centroid) on their centroids.
    /// - Parameters:
    ///   - x: n × d, row-major.
    ///   - microClusters: K-Means k (a few thousand: the second stage is O(k² · d)).
    ///   - kMeansIterations: the first stage's iteration cap; micro-clusters need to be compact,
    ///     not converged.
    /// - Throws: `StrataError.invalidConfiguration` for another linkage, k < 2 or k > n; as `fit`.
    /// - Complexity: O(iterations · n · k · d) for K-Means (Hamerly's bounds skip most of it),
    ///   then O(k² · d).
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func fitTwoStage<S: KernelScalar>(_ x: UnsafeBufferPointer<S>, rows n: Int, columns d: Int, microClusters k: Int,
                                                    configuration: HierarchicalConfiguration, seed: UInt64 = 0,
                                                    kMeansIterations: Int = 30) throws -> TwoStageHierarchy<S> {
        try ensure(configuration.method.isExactOnCentroids, .invalidConfiguration,
                   "the two-stage mode needs ward or centroid linkage (exact on weighted centroids), not \(configuration.method.rawValue)")
        try ensure(k >= 2, .invalidConfiguration, "at least 2 micro-clusters, got \(k)")
        try ensure(k <= n, .invalidConfiguration, "\(k) micro-clusters for \(n) rows: use at most as many micro-clusters as rows")
        var kc = KMeansConfiguration(k: k)
        kc.initialization = .kMeansParallel
        kc.maxIterations = kMeansIterations
        kc.seed = seed
        kc.parallelism = configuration.parallelism
        let micro = try KMeans.fit(x, rows: n, columns: d, configuration: kc)
        // Leaves are the exact means and counts of the rows each micro-cluster holds (K-Means'
        // centers are one update behind its final labels), so Ward on them is Ward on unions.
        var sums = [Double](repeating: 0, count: k * d), counts = [Double](repeating: 0, count: k)
        for i in 0..<n {
            let c = Int(micro.labels[i])
            counts[c] += 1
            for j in 0..<d { sums[c * d + j] += Double(x[i * d + j]) }
        }
        var leafOf = [Int32](repeating: -1, count: k)
        var centroids: [S] = []
        var sizes: [Double] = []
        for c in 0..<k where counts[c] > 0 {
            leafOf[c] = Int32(sizes.count)
            sizes.append(counts[c])
            for j in 0..<d { centroids.append(S(sums[c * d + j] / counts[c])) }
        }
        let tree = try centroids.withUnsafeBufferPointer {
            try _fit($0, rows: sizes.count, columns: d, configuration: configuration, leafSizes: sizes)
        }
        return TwoStageHierarchy(dendrogram: tree, microClusterOfRow: micro.labels.map { leafOf[Int($0)] },
                                 centroids: centroids, kMeansIterations: micro.iterations)
    }
}
