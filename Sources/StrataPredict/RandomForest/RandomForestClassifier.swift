import StrataCore

/// Parameters of a random forest classifier (binary), scikit-learn's defaults where it has them.
public struct RandomForestConfiguration: Sendable {
    /// Trees (default 100).
    public var trees = 100
    /// Features tried at each split (default ⌊√d⌋, as scikit-learn's "sqrt", at least 1).
    public var maxFeatures: Int?
    /// Depth limit (default none).
    public var maxDepth: Int?
    /// Fewest rows a split may leave on a side (default 1) and to split a node (default 2).
    public var minSamplesLeaf = 1
    public var minSamplesSplit = 2
    /// Each tree trains on a bootstrap sample of the rows (default true).
    public var bootstrap = true
    public var seed: UInt64 = 0
    public var parallelism = Parallelism.allCores

    public init() {}
}

/// A fitted forest: flat arrays of nodes, every tree's leaves holding the share of positive rows.
public struct RandomForestModel: Sendable {
    struct Tree: Sendable {
        var feature: [Int32] = []      // -1: leaf
        var threshold: [Double] = []
        var left: [Int32] = []
        var right: [Int32] = []
        var value: [Double] = []       // leaf: share of class 1
    }

    let trees: [Tree]
    public let features: Int
    /// Mean decrease in Gini impurity per feature, normalized to sum to 1 (scikit-learn's
    /// `feature_importances_`).
    public let featureImportances: [Double]

    /// P(class 1) per row: the mean over trees of the leaf's share (scikit-learn's `predict_proba`).
    /// - Parameter x: rows × features, row-major.
    public func predictProbability(_ x: [Double], rows: Int, parallelism: Parallelism = .allCores) -> [Double] {
        precondition(x.count == rows * features)
        var out = [Double](repeating: 0, count: rows)
        out.withUnsafeMutableBufferPointer { o in
            let shared = UncheckedSendable(o)
            parallelism.forEach(parallelism.threads * 4) { task in
                let tasks = parallelism.threads * 4
                for r in (rows * task / tasks)..<(rows * (task + 1) / tasks) {
                    var sum = 0.0
                    for t in trees {
                        var node = 0
                        while t.feature[node] >= 0 {
                            node = Int(x[r * features + Int(t.feature[node])] <= t.threshold[node] ? t.left[node] : t.right[node])
                        }
                        sum += t.value[node]
                    }
                    shared.value[r] = sum / Double(trees.count)
                }
            }
        }
        return out
    }
}

/// Random forests of CART trees (Gini impurity, best threshold among a random subset of features
/// per node, bootstrap samples), as scikit-learn's RandomForestClassifier builds them.
///
/// Each tree draws from its own generator, `SplitMix64(seed).derived(tree)`, so the forest is
/// the same whatever the thread count. Thresholds are midpoints between consecutive distinct
/// values. Rows must be finite (impute first).
public enum RandomForestClassifier {
    /// - Parameters:
    ///   - x: rows × features, row-major; y: 0 or 1 per row.
    /// - Throws: `StrataError.invalidConfiguration` for no rows, labels other than 0/1, or bad
    ///   parameters; `.nonFiniteInput` for NaN or infinite values.
    /// - Complexity: O(trees · n log n · maxFeatures · depth).
    public static func fit(_ x: [Double], rows: Int, features: Int, y: [Int], configuration: RandomForestConfiguration = RandomForestConfiguration()) throws -> RandomForestModel {
        guard rows > 1, features > 0, x.count == rows * features, y.count == rows else {
            throw StrataError(.invalidConfiguration, "a forest needs at least two rows, one feature, and one label per row")
        }
        guard y.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw StrataError(.invalidConfiguration, "labels must be 0 or 1") }
        guard configuration.trees > 0, configuration.minSamplesLeaf >= 1, configuration.minSamplesSplit >= 2 else {
            throw StrataError(.invalidConfiguration, "trees ≥ 1, min samples leaf ≥ 1, min samples split ≥ 2")
        }
        if let bad = x.firstIndex(where: { !$0.isFinite }) {
            throw StrataError(.nonFiniteInput, "row \(bad / features + 1), feature \(bad % features + 1) is not a finite number (impute first)")
        }
        let maxFeatures = min(features, max(1, configuration.maxFeatures ?? Int(Double(features).squareRoot())))
        let base = SplitMix64(seed: configuration.seed)
        var built = [(RandomForestModel.Tree, [Double])?](repeating: nil, count: configuration.trees)
        built.withUnsafeMutableBufferPointer { out in
            let shared = UncheckedSendable(out)
            configuration.parallelism.forEach(configuration.trees) { t in
                var rng = base.derived(UInt64(t))
                var weights = [Int](repeating: 0, count: rows)
                if configuration.bootstrap {
                    for _ in 0..<rows { weights[Int(rng.next() % UInt64(rows))] += 1 }
                } else {
                    weights = [Int](repeating: 1, count: rows)
                }
                let sample = (0..<rows).filter { weights[$0] > 0 }
                var builder = TreeBuilder(x: x, y: y, features: features, weights: weights, maxFeatures: maxFeatures,
                                          configuration: configuration, rng: rng)
                builder.grow(sample)
                shared.value[t] = (builder.tree, builder.importance)
            }
        }
        var importance = [Double](repeating: 0, count: features)
        for b in built { for f in 0..<features { importance[f] += b!.1[f] } }
        let total = importance.reduce(0, +)
        return RandomForestModel(trees: built.map { $0!.0 }, features: features,
                                 featureImportances: total > 0 ? importance.map { $0 / total } : importance)
    }
}

/// Grows one tree depth-first, node arrays appended in creation order.
struct TreeBuilder {
    let x: [Double]
    let y: [Int]
    let features: Int
    let weights: [Int]
    let maxFeatures: Int
    let configuration: RandomForestConfiguration
    var rng: SplitMix64
    var tree = RandomForestModel.Tree()
    var importance: [Double]

    init(x: [Double], y: [Int], features: Int, weights: [Int], maxFeatures: Int, configuration: RandomForestConfiguration, rng: SplitMix64) {
        self.x = x; self.y = y; self.features = features; self.weights = weights
        self.maxFeatures = maxFeatures; self.configuration = configuration; self.rng = rng
        importance = [Double](repeating: 0, count: features)
    }

    private mutating func leaf(_ positives: Int, _ total: Int) -> Int32 {
        tree.feature.append(-1); tree.threshold.append(0); tree.left.append(-1); tree.right.append(-1)
        tree.value.append(total > 0 ? Double(positives) / Double(total) : 0)
        return Int32(tree.feature.count - 1)
    }

    @discardableResult
    mutating func grow(_ rows: [Int], depth: Int = 0) -> Int32 {
        var total = 0, positives = 0
        for r in rows { total += weights[r]; positives += weights[r] * y[r] }
        let gini = { (p: Int, t: Int) -> Double in t == 0 ? 0 : 1 - pow2(Double(p) / Double(t)) - pow2(Double(t - p) / Double(t)) }
        let nodeGini = gini(positives, total)
        if positives == 0 || positives == total || total < configuration.minSamplesSplit || depth == configuration.maxDepth {
            return leaf(positives, total)
        }
        // Features in a random order; like scikit-learn, keep drawing past constant ones until
        // maxFeatures informative features were tried (or all were).
        var order = Array(0..<features)
        for i in stride(from: features - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        var best: (feature: Int, threshold: Double, score: Double)?
        var tried = 0
        var sorted: [(Double, Int)] = []
        for f in order {
            if tried >= maxFeatures { break }
            sorted.removeAll(keepingCapacity: true)
            for r in rows { sorted.append((x[r * features + f], r)) }
            sorted.sort { $0.0 < $1.0 }
            if sorted.first!.0 == sorted.last!.0 { continue }  // constant here
            tried += 1
            var leftTotal = 0, leftPositives = 0
            for k in 0..<(sorted.count - 1) {
                let r = sorted[k].1
                leftTotal += weights[r]; leftPositives += weights[r] * y[r]
                let v = sorted[k].0, next = sorted[k + 1].0
                if v == next { continue }
                let rightTotal = total - leftTotal
                if leftTotal < configuration.minSamplesLeaf || rightTotal < configuration.minSamplesLeaf { continue }
                let score = Double(leftTotal) * gini(leftPositives, leftTotal) + Double(rightTotal) * gini(positives - leftPositives, rightTotal)
                if best == nil || score < best!.score { best = (f, v + (next - v) / 2, score) }
            }
        }
        guard let best, best.score < Double(total) * nodeGini - 1e-12 else { return leaf(positives, total) }
        importance[best.feature] += Double(total) * nodeGini - best.score
        let node = leaf(positives, total)
        tree.feature[Int(node)] = Int32(best.feature)
        tree.threshold[Int(node)] = best.threshold
        let leftRows = rows.filter { x[$0 * features + best.feature] <= best.threshold }
        let rightRows = rows.filter { x[$0 * features + best.feature] > best.threshold }
        let l = grow(leftRows, depth: depth + 1)
        let r = grow(rightRows, depth: depth + 1)
        tree.left[Int(node)] = l
        tree.right[Int(node)] = r
        return node
    }
}

@inline(__always) private func pow2(_ v: Double) -> Double { v * v }

/// Binary classification metrics.
public enum ClassificationMetrics {
    /// Area under the ROC curve from scores (ties count half), as sklearn.metrics.roc_auc_score.
    public static func rocAUC(labels: [Int], scores: [Double]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0, k = 0
        let positives = labels.reduce(0, +), negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return .nan }
        while k < order.count {
            var j = k
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[k]] { j += 1 }
            let rank = Double(k + j) / 2 + 1
            for t in k...j where labels[order[t]] == 1 { rankSum += rank }
            k = j + 1
        }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    /// Precision and recall of predicting 1 where score ≥ threshold.
    public static func precisionRecall(labels: [Int], scores: [Double], threshold: Double) -> (precision: Double, recall: Double) {
        var tp = 0, fp = 0, fn = 0
        for (l, s) in zip(labels, scores) {
            if s >= threshold { if l == 1 { tp += 1 } else { fp += 1 } } else if l == 1 { fn += 1 }
        }
        return (tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp), tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn))
    }

    /// A seeded shuffle split: (train rows, test rows), `testFraction` of the rows (rounded up) in test.
    public static func trainTestSplit(rows: Int, testFraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        var order = Array(0..<rows)
        var rng = SplitMix64(seed: seed)
        for i in stride(from: rows - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let testCount = Int((Double(rows) * testFraction).rounded(.up))
        return (Array(order[testCount...]).sorted(), Array(order[..<testCount]).sorted())
    }
}

/// A forest judged on held-out rows: what `strata churn` and the pipeline report.
public struct HeldOutEvaluation: Sendable {
    /// The forest trained on the training rows only.
    public let model: RandomForestModel
    public let trainRows: Int
    public let testRows: Int
    public let rocAUC: Double
    public let precision: Double
    public let recall: Double

    /// Splits the rows (`ClassificationMetrics.trainTestSplit`), trains on one part and scores
    /// the other.
    /// - Parameters: x: rows × features, row-major; y: 0 or 1 per row.
    public init(_ x: [Double], rows: Int, features: Int, y: [Int], testFraction: Double, seed: UInt64,
                threshold: Double, configuration: RandomForestConfiguration) throws {
        let split = ClassificationMetrics.trainTestSplit(rows: rows, testFraction: testFraction, seed: seed)
        func take(_ idx: [Int]) -> [Double] { idx.flatMap { x[($0 * features)..<($0 * features + features)] } }
        model = try RandomForestClassifier.fit(take(split.train), rows: split.train.count, features: features,
                                               y: split.train.map { y[$0] }, configuration: configuration)
        let scores = model.predictProbability(take(split.test), rows: split.test.count, parallelism: configuration.parallelism)
        let labels = split.test.map { y[$0] }
        rocAUC = ClassificationMetrics.rocAUC(labels: labels, scores: scores)
        (precision, recall) = ClassificationMetrics.precisionRecall(labels: labels, scores: scores, threshold: threshold)
        trainRows = split.train.count
        testRows = split.test.count
    }
}
