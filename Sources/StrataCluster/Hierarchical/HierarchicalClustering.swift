import StrataCore
import StrataKernels
import StrataPrep

/// Agglomerative hierarchical clustering with scipy's semantics: on the same data the result is
/// `scipy.cluster.hierarchy.linkage(x, method)`'s Z — the same merges (up to the order of merges
/// at equal heights) and heights within rounding — in Float32 or Float64.
///
/// Algorithms after Müllner (2011), "Modern hierarchical, agglomerative clustering algorithms",
/// arXiv:1109.2378; see `LinkageMethod` for which runs where.
public enum HierarchicalClustering {
    /// Clusters the rows of `x` (n × d, row-major).
    /// - Parameters:
    ///   - leafSizes: rows each input row stands for (e.g. micro-cluster sizes); ward and centroid
    ///     only, where clustering weighted centroids is exact. nil: 1 each.
    /// - Throws: `StrataError.invalidConfiguration` (n < 2, leaf sizes with another method),
    ///   `.shapeMismatch`, `.nonFiniteInput` (naming row and column), `.resourceLimit` when the
    ///   condensed matrix of complete, average or weighted would not fit (with the figure).
    /// - Complexity: O(n² · d) time for ward, single, centroid and median (typical; the generic
    ///   algorithm's worst case is O(n³)), O(n · d) memory; O(n² · d) time and O(n²) memory for
    ///   complete, average and weighted.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func fit<S: KernelScalar>(_ x: UnsafeBufferPointer<S>, rows n: Int, columns d: Int,
                                            configuration: HierarchicalConfiguration, leafSizes: [Double]? = nil) throws -> Dendrogram {
        try _fit(x, rows: n, columns: d, configuration: configuration, leafSizes: leafSizes)
    }

    /// `fit`'s body, for callers inside the module (they reach the generic code, which the
    /// optimizer specializes for them; `fit`'s exported specializations serve other modules).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func _fit<S: KernelScalar>(_ x: UnsafeBufferPointer<S>, rows n: Int, columns d: Int,
                                      configuration: HierarchicalConfiguration, leafSizes: [Double]?) throws -> Dendrogram {
        let method = configuration.method
        try ensure(n >= 2, .invalidConfiguration, "hierarchical clustering needs at least 2 rows, the input has \(n)")
        try ensure(d >= 1, .invalidConfiguration, "hierarchical clustering needs at least one feature column")
        try ensure(x.count == n * d, .shapeMismatch, "data holds \(x.count) values, expected \(n) × \(d)")
        try ensure(n <= Int(Int32.max), .invalidConfiguration, "at most \(Int32.max) rows")
        if let leafSizes {
            try ensure(method.isExactOnCentroids, .invalidConfiguration,
                       "weighted leaves (micro-clusters) are exact only for ward and centroid linkage, not \(method.rawValue)")
            try ensure(leafSizes.count == n, .shapeMismatch, "\(leafSizes.count) leaf sizes for \(n) rows")
            try ensure(leafSizes.allSatisfy { $0 > 0 && $0.isFinite }, .invalidConfiguration, "leaf sizes must be finite and > 0")
        }
        for i in 0..<(n * d) where !x[i].isFinite {
            throw StrataError(.nonFiniteInput, "value at row \(i / d + 1), column \(i % d + 1) is not finite")
        }
        let base = x.baseAddress!
        switch method {
        case .ward:
            let raw = _WardChain<S>.run(base, n: n, d: d, leafSizes: leafSizes, parallelism: configuration.parallelism, tuning: configuration.tuning)
            return Dendrogram.sortingAndLabelling(raw, method: method, leaves: n, leafSizes: leafSizes)
        case .single:
            let raw = _PrimTree<S>.run(base, n: n, d: d, parallelism: configuration.parallelism, tuning: configuration.tuning)
            return Dendrogram.sortingAndLabelling(raw, method: method, leaves: n, leafSizes: nil)
        case .centroid, .median:
            return _GenericLinkage<S>.run(base, n: n, d: d, method: method, leafSizes: leafSizes, parallelism: configuration.parallelism, tuning: configuration.tuning)
        case .complete, .average, .weighted:
            let bytes = condensedMatrixBytes(rows: n, scalar: S.self)
            let limit = configuration.memoryLimit ?? SystemMemory.available
            guard bytes <= limit else {
                throw StrataError(.resourceLimit, """
                    \(method.rawValue) linkage on \(n) rows needs a condensed distance matrix of \(SystemMemory.describe(bytes)) \
                    (n(n−1)/2 = \(n * (n - 1) / 2) \(S.self == Float.self ? "float32" : "float64") values), more than the \
                    \(SystemMemory.describe(limit)) available; use ward or centroid linkage (O(n·d) memory) with micro-clusters \
                    (two-stage mode), or a smaller sample
                    """)
            }
            let D = UnsafeMutablePointer<S>.allocate(capacity: max(n * (n - 1) / 2, 1))
            defer { D.deallocate() }
            _CondensedChain<S>.fill(D, base, n: n, d: d, parallelism: configuration.parallelism)
            let raw = _CondensedChain<S>.run(D, n: n, method: method, parallelism: configuration.parallelism, tuning: configuration.tuning)
            return Dendrogram.sortingAndLabelling(raw, method: method, leaves: n, leafSizes: nil)
        }
    }

    /// Clusters the rows of a feature matrix.
    @inlinable
    public static func fit<S: KernelScalar>(_ matrix: FeatureMatrix<S>, configuration: HierarchicalConfiguration) throws -> Dendrogram {
        try matrix.withUnsafeBufferPointer {
            try fit($0, rows: matrix.rows, columns: matrix.columns, configuration: configuration)
        }
    }

    /// Bytes of the condensed distance matrix complete, average and weighted linkage need.
    public static func condensedMatrixBytes<S>(rows n: Int, scalar: S.Type) -> Int {
        n * (n - 1) / 2 * MemoryLayout<S>.stride
    }
}
