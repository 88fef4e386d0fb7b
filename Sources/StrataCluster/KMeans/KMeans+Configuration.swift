import StrataCore

/// How K-Means picks its starting centers.
public enum KMeansInitialization: Sendable, Equatable {
    /// Greedy k-means++ as scikit-learn runs it (Arthur & Vassilvitskii 2007; 2 + ⌊ln k⌋
    /// candidates per step, the one lowering the potential most kept).
    case kMeansPlusPlus
    /// k-means‖ (Bahmani et al. 2012): 5 rounds oversampling 2k rows each, reduced to k by
    /// weighted k-means++ and Lloyd; far fewer passes over the data than k-means++ for large k.
    case kMeansParallel
    /// k distinct rows drawn uniformly.
    case random
    /// Given centers, k × d row-major (in the units of the matrix being clustered).
    case centers([Double])
}

/// Which exact K-Means algorithm runs the iterations. All reach Lloyd's labels and, through the
/// shared running sums, Lloyd's centers bit for bit.
public enum KMeansAlgorithm: String, Sendable, CaseIterable {
    /// Every distance, every iteration (the direct AVX2 kernel).
    case lloyd
    /// Hamerly's bounds (SDM 2010): one upper and one lower bound per row, moved lazily.
    case hamerly
    /// Yinyang's group bounds (ICML 2015): also one lower bound per group of centers (k/10
    /// groups, at most 16: n × groups extra floats), proving more rows without touching them.
    case yinyang
    /// Elkan's per-center bounds (ICML 2003): n × k extra floats, the tightest bounds; `auto`
    /// does not pick it: updating and scanning n × k bounds costs more than it saves on K-Means'
    /// thin shapes.
    case elkan
    /// Picks by shape: Hamerly for k ≥ 8, where its bounds pay off; Lloyd for tiny k, where the
    /// bound upkeep costs more than it saves. Measured on 1M × 32 float32, k = 64, 2 threads, to
    /// convergence from the same centers (61 iterations): Lloyd 1.9 s, Hamerly 0.51 s, Yinyang
    /// 0.87 s (its group bounds prove more rows, but renewing them exactly after a rescore needs
    /// every center's score rather than the kernel's fused argmin), Elkan 5.2 s.
    case auto

    func resolved(k: Int, d: Int) -> KMeansAlgorithm {
        guard self == .auto else { return self }
        return k >= 8 ? .hamerly : .lloyd
    }

    /// Yinyang's number of groups: k/10 as in the paper, at most 16 (n × groups floats of bounds).
    static func yinyangGroups(k: Int) -> Int { max(1, min(k / 10, 16)) }
}

/// How Lloyd computes the nearest centers: the direct AVX2 kernel or OpenBLAS GEMM on tiles of
/// 256 rows (‖c‖² − 2·X·Cᵀ, first minimum), chosen by shape.
public enum KMeansAssignment: String, Sendable, CaseIterable {
    case direct, gemm
    /// GEMM when d ≥ 128 and 16 ≤ k ≤ 128; else the direct kernel. Only Lloyd uses GEMM:
    /// Hamerly, Yinyang and Elkan rescore rows with the direct kernels (exact agreement with Lloyd).
    ///
    /// Measured here, float32, 2 threads, seconds per Lloyd iteration (direct vs GEMM):
    /// n = 500k, d = 32, k = 64: 0.024 vs 0.032; n = 250k, d = 128, k = 64: 0.046 vs 0.042;
    /// n = 250k, d = 128, k = 256: 0.105 vs 0.151 (the argmin over k columns dominates);
    /// n = 100k, d = 512, k = 64: 0.064 vs 0.055. (d = 8, k = 64: 0.027 vs 0.022, memory-bound.)
    case auto

    func resolved(k: Int, d: Int) -> KMeansAssignment {
        guard self == .auto else { return self }
        return d >= 128 && k >= 16 && k <= 128 ? .gemm : .direct
    }
}

/// K-Means parameters; each default is scikit-learn's.
public struct KMeansConfiguration: Sendable {
    /// Number of clusters, 1 ≤ k ≤ rows.
    public var k: Int
    public var initialization: KMeansInitialization = .kMeansPlusPlus
    /// Restarts, keeping the lowest inertia; nil = scikit-learn's 'auto' (1, or 10 for random).
    public var nInit: Int? = nil
    /// Lloyd iterations per restart.
    public var maxIterations = 300
    /// Convergence tolerance relative to the data: stop when Σ‖Δcenter‖² ≤ tol · mean per-feature
    /// variance. Also stops when the labels no longer change.
    public var tolerance = 1e-4
    public var seed: UInt64 = 0
    public var algorithm: KMeansAlgorithm = .auto
    /// Lloyd's assignment kernel (a tuning value; results agree up to rounding).
    public var assignment: KMeansAssignment = .auto
    public var parallelism: Parallelism = .allCores

    public init(k: Int) { self.k = k }

    /// Restarts actually run.
    public var restarts: Int {
        if let nInit { return nInit }
        if case .random = initialization { return 10 }
        return 1
    }

    func validate(rows: Int, columns: Int) throws {
        try ensure(k >= 1, .invalidConfiguration, "k must be at least 1 (got \(k))")
        try ensure(rows >= 1, .invalidConfiguration, "no rows to cluster")
        try ensure(k <= rows, .invalidConfiguration, "k = \(k) is larger than the number of rows (\(rows))")
        try ensure(restarts >= 1, .invalidConfiguration, "n-init must be at least 1")
        try ensure(maxIterations >= 1, .invalidConfiguration, "max-iter must be at least 1")
        try ensure(tolerance >= 0, .invalidConfiguration, "tol must be ≥ 0")
        if case .centers(let c) = initialization {
            try ensure(c.count == k * columns, .shapeMismatch,
                       "initial centers hold \(c.count) values, expected k × d = \(k) × \(columns)")
            try ensure(c.allSatisfy(\.isFinite), .nonFiniteInput, "initial centers contain a non-finite value")
        }
    }
}
