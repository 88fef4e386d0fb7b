import StrataCore

/// Rows drawn for each tree (scikit-learn's `max_samples`).
public enum IsolationMaxSamples: Sendable, Equatable, Codable {
    /// min(256, rows).
    case auto
    /// This many rows (all of them when larger than the data).
    case count(Int)
    /// This fraction of the rows, in (0, 1].
    case fraction(Double)

    /// The subsample size ψ for `rows` rows.
    public func resolved(rows: Int) -> Int {
        switch self {
        case .auto: return min(256, rows)
        case .count(let c): return min(c, rows)
        case .fraction(let f): return max(1, Int(f * Double(rows)))
        }
    }
}

/// How the decision threshold is set (scikit-learn's `contamination`).
public enum IsolationContamination: Sendable, Equatable, Codable {
    /// offset −0.5: a row is an anomaly when its score s = 2^(−E[h]/c(ψ)) exceeds 0.5.
    case auto
    /// The expected share of anomalies in (0, 0.5]: the offset is that percentile of the
    /// training rows' scores (numpy's linear interpolation), so that share is flagged.
    case fraction(Double)
}

/// Isolation Forest parameters; each default is scikit-learn's.
public struct IsolationForestConfiguration: Sendable {
    /// Trees (`n_estimators`).
    public var trees = 100
    public var maxSamples: IsolationMaxSamples = .auto
    /// Share of the features each tree sees (`max_features` as a fraction), in (0, 1]; each tree
    /// draws max(1, ⌊share · d⌋) features without replacement.
    public var maxFeatures = 1.0
    /// Draw each tree's rows with replacement.
    public var bootstrap = false
    public var contamination: IsolationContamination = .auto
    /// nil: axis-parallel splits (Liu et al. 2008). A level L ≥ 0: Extended Isolation Forest
    /// (Hariri et al. 2019), random hyperplanes with L + 1 non-zero coordinates (L = 0 is
    /// axis-parallel, L = d − 1 fully extended).
    public var extensionLevel: Int? = nil
    public var seed: UInt64 = 0
    public var parallelism: Parallelism = .allCores

    public init() {}

    /// Parameter checks that do not need the data (scikit-learn's parameter constraints).
    public func validate() throws {
        try ensure(trees >= 1, .invalidConfiguration, "the number of trees must be at least 1, got \(trees)")
        switch maxSamples {
        case .auto: break
        case .count(let c): try ensure(c >= 1, .invalidConfiguration, "max samples must be at least 1, got \(c)")
        case .fraction(let f): try ensure(f > 0 && f <= 1, .invalidConfiguration, "a max-samples fraction must be in (0, 1], got \(f)")
        }
        try ensure(maxFeatures > 0 && maxFeatures <= 1, .invalidConfiguration, "max features must be a share in (0, 1], got \(maxFeatures)")
        if case .fraction(let f) = contamination {
            try ensure(f > 0 && f <= 0.5, .invalidConfiguration, "contamination must be in (0, 0.5], got \(f)")
        }
        if let extensionLevel { try ensure(extensionLevel >= 0, .invalidConfiguration, "the extension level must be ≥ 0") }
    }
}

/// c(n), the average path length of an unsuccessful search in a binary search tree of n
/// points: the normalization of Liu et al. (2008), as scikit-learn computes it.
@inlinable
public func averagePathLength(_ n: Double) -> Double {
    if n <= 1 { return 0 }
    if n <= 2 { return 1 }
    return 2 * (log(n - 1) + 0.5772156649015329) - 2 * (n - 1) / n
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
