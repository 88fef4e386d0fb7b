import _CStrataKernels
import StrataCore
import StrataPrep

/// Isolation Forest (Liu, Ting & Zhou, ICDM 2008) with scikit-learn's semantics
/// (`sklearn.ensemble.IsolationForest`): `scoreSamples` is its `score_samples` (lower = more
/// abnormal), `decisionFunction` and `predict` (−1 anomaly, 1 normal) likewise. Optionally the
/// Extended Isolation Forest (Hariri, Kind & Brunner, IEEE TKDE 2019).
///
/// Trees are seeded from `seed` and their index, grown independently and stored flat, so the
/// model does not depend on the thread count, and adding trees (`addingTrees`) gives the model
/// that fitting that many trees at once would.
public enum IsolationForest {
    /// Fits a forest on `x` (n × d float32, row-major; NaN = missing, kept as is).
    /// - Parameter weights: per-row sample weights: rows are drawn for each tree with probability
    ///   proportional to their weight (weight 0 = never; scikit-learn likewise leaves rows of
    ///   weight 0 out of its trees).
    /// - Throws: `StrataError.invalidConfiguration` (parameters, no rows), `.shapeMismatch`,
    ///   `.nonFiniteInput` (±∞).
    /// - Complexity: O(trees · ψ · log ψ) to grow (ψ the subsample); with a contamination
    ///   fraction, also one scoring pass over x.
    public static func fit(_ x: FeatureMatrix<Float>, configuration: IsolationForestConfiguration,
                           weights: [Double]? = nil) throws -> IsolationForestModel {
        try configuration.validate()
        try ensure(x.rows >= 1, .invalidConfiguration, "Isolation Forest needs at least one row")
        try ensure(x.columns >= 1, .invalidConfiguration, "Isolation Forest needs at least one feature column")
        try x.withUnsafeBufferPointer { b in
            for i in 0..<b.count where b[i].isInfinite {
                throw StrataError(.nonFiniteInput, "value at row \(i / x.columns + 1), column \(i % x.columns + 1) is infinite")
            }
        }
        if let weights {
            try ensure(weights.count == x.rows, .shapeMismatch, "\(weights.count) sample weights for \(x.rows) rows")
            try ensure(weights.allSatisfy { $0 >= 0 && $0.isFinite }, .invalidConfiguration, "sample weights must be finite and ≥ 0")
            try ensure(weights.contains { $0 > 0 }, .invalidConfiguration, "every sample weight is 0")
        }
        let psi = configuration.maxSamples.resolved(rows: x.rows)
        var model = IsolationForestModel(columns: x.columns, samples: psi, extensionLevel: configuration.extensionLevel,
                                         seed: configuration.seed, maxFeatures: configuration.maxFeatures,
                                         bootstrap: configuration.bootstrap, contamination: configuration.contamination)
        try model.grow(configuration.trees, on: x, weights: weights, parallelism: configuration.parallelism)
        return model
    }
}

/// A fitted Isolation Forest (immutable to users; `addingTrees` returns a new one).
public struct IsolationForestModel: Sendable, Codable {
    /// Feature columns d.
    public let columns: Int
    /// Rows each tree was grown on (ψ).
    public let samples: Int
    public let extensionLevel: Int?
    public let seed: UInt64
    public let maxFeatures: Double
    public let bootstrap: Bool
    public let contamination: IsolationContamination
    /// decision_function = score_samples − offset (scikit-learn's `offset_`).
    public internal(set) var offset = -0.5

    // The forest, flat: every tree's nodes concatenated (children as global indices).
    var feature: [Int32] = []
    var threshold: [Float] = []
    var child: [Int32] = []
    var value: [Float] = []
    var size: [Int32] = []
    var normal: [Float] = []
    var roots: [Int32] = []
    var depths: [Int32] = []

    init(columns: Int, samples: Int, extensionLevel: Int?, seed: UInt64, maxFeatures: Double, bootstrap: Bool,
         contamination: IsolationContamination) {
        self.columns = columns
        self.samples = samples
        self.extensionLevel = extensionLevel
        self.seed = seed
        self.maxFeatures = maxFeatures
        self.bootstrap = bootstrap
        self.contamination = contamination
    }

    /// Trees in the forest.
    public var trees: Int { roots.count }
    /// Nodes over all trees.
    public var nodes: Int { feature.count }

    /// The model with `count` more trees grown on `x` (warm start): equal to fitting
    /// `trees + count` trees at once with the same seed and data. A contamination offset is
    /// recomputed on `x`.
    public func addingTrees(_ count: Int, on x: FeatureMatrix<Float>, weights: [Double]? = nil,
                            parallelism: Parallelism = .allCores) throws -> IsolationForestModel {
        try ensure(count >= 0, .invalidConfiguration, "cannot add \(count) trees")
        try ensure(x.columns == columns, .shapeMismatch, "data has \(x.columns) columns, the model \(columns)")
        var copy = self
        try copy.grow(count, on: x, weights: weights, parallelism: parallelism)
        return copy
    }

    mutating func grow(_ count: Int, on x: FeatureMatrix<Float>, weights: [Double]?, parallelism: Parallelism) throws {
        let first = trees
        let maxDepth = Int((log2(Double(max(samples, 2)))).rounded(.up))
        let d = columns, n = x.rows, psi = samples
        let perTree = max(1, Int(maxFeatures * Double(d)))
        let root = SplitMix64(seed: seed)
        let level = extensionLevel
        let grown: [_IsolationTree] = x.withUnsafeBufferPointer { xb in
            let base = UncheckedSendable(xb.baseAddress!)
            return parallelism.map(ranges: count, minimumChunk: 1, oversplit: 4) { range in
                range.map { t -> _IsolationTree in
                    var rng = root.derived(UInt64(first + t))
                    var features = Array(0..<d)
                    if perTree < d {
                        for i in 0..<perTree { features.swapAt(i, i + Int(rng.next() % UInt64(d - i))) }
                        features = Array(features.prefix(perTree)).sorted()
                    }
                    var rows = Self.subsample(n: n, psi: psi, bootstrap: bootstrap, weights: weights, rng: &rng)
                    var tree = _IsolationTree(d: d, features: features, maxDepth: maxDepth, extensionLevel: level)
                    _ = tree.grow(base.value, rows: &rows, 0..<rows.count, depth: 0, rng: &rng)
                    return tree
                }
            }.flatMap { $0 }
        }
        for tree in grown {
            let offset = Int32(feature.count)
            roots.append(offset)
            depths.append(tree.depth)
            feature += tree.feature
            threshold += tree.threshold
            child += tree.child.map { $0 + offset }
            value += tree.value
            size += tree.size
            normal += tree.normal
        }
        if case .fraction(let share) = contamination {
            var scores = scoreSamples(x, parallelism: parallelism)
            offset = scores.withUnsafeMutableBufferPointer { Quantiles.compute($0, [share])[0] }
        }
    }

    /// ψ row indices: without replacement (Floyd's algorithm), with replacement when
    /// bootstrapping, or by weight (Efraimidis–Spirakis keys u^(1/w), the ψ largest).
    static func subsample(n: Int, psi: Int, bootstrap: Bool, weights: [Double]?, rng: inout SplitMix64) -> [Int] {
        if let weights {
            var keyed: [(Double, Int)] = []
            keyed.reserveCapacity(n)
            for i in 0..<n where weights[i] > 0 {
                let u = rng.nextUnit()
                keyed.append((bootstrap ? u : log(max(u, .leastNormalMagnitude)) / weights[i], i))
            }
            if bootstrap {
                // Draws with replacement by weight: inverse CDF over the cumulative weights.
                var cumulative: [Double] = []
                var total = 0.0
                for i in 0..<n { total += weights[i]; cumulative.append(total) }
                return (0..<psi).map { _ in
                    let target = rng.nextUnit() * total
                    var lo = 0, hi = n - 1
                    while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] > target { hi = mid } else { lo = mid + 1 } }
                    return lo
                }
            }
            keyed.sort { $0.0 > $1.0 }
            return keyed.prefix(psi).map(\.1).sorted()
        }
        if bootstrap { return (0..<psi).map { _ in Int(rng.next() % UInt64(n)) } }
        if psi == n { return Array(0..<n) }
        var chosen = Set<Int>(minimumCapacity: psi)
        var out: [Int] = []
        out.reserveCapacity(psi)
        for j in (n - psi)..<n {
            let t = Int(rng.next() % UInt64(j + 1))
            let pick = chosen.contains(t) ? j : t
            chosen.insert(pick)
            out.append(pick)
        }
        return out.sorted()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
