import StrataCore

/// One isolation tree grown on a subsample, as flat arrays (node 0 is the root).
///
/// Axis-parallel splits follow scikit-learn's `ExtraTreeRegressor(max_features=1,
/// splitter="random")` as IsolationForest uses it: draw features until one is not constant in
/// the node (a leaf when all are), threshold uniform in [min, max) of the node's values, `x ≤
/// threshold` goes left. Extended splits (Hariri et al.) draw a normal vector with L + 1
/// non-zero Gaussian coordinates and an intercept point uniform in the node's bounding box;
/// `x·n ≤ p·n` goes left.
///
/// Missing values (NaN) at training: ignored for the node's range; a row missing the split
/// feature follows the child that received more of the other rows.
struct _IsolationTree {
    var feature: [Int32] = []
    var threshold: [Float] = []
    var child: [Int32] = []
    var value: [Float] = []
    var size: [Int32] = []
    /// Extended trees only: d coordinates per node (zero at leaves).
    var normal: [Float] = []
    var depth: Int32 = 0

    let d: Int
    let features: [Int]
    let maxDepth: Int
    let extensionLevel: Int?

    init(d: Int, features: [Int], maxDepth: Int, extensionLevel: Int?) {
        self.d = d
        self.features = features
        self.maxDepth = maxDepth
        self.extensionLevel = extensionLevel
    }

    private mutating func newNode() -> Int {
        feature.append(0); threshold.append(.infinity); child.append(0); child.append(0); value.append(0); size.append(0)
        if extensionLevel != nil { normal.append(contentsOf: repeatElement(0, count: d)) }
        return feature.count - 1
    }

    private mutating func makeLeaf(_ v: Int, rows: Int, depth: Int) {
        feature[v] = 0
        threshold[v] = .infinity
        child[2 * v] = Int32(v)
        child[2 * v + 1] = Int32(v)
        value[v] = Float(Double(depth) + averagePathLength(Double(rows)))
        self.depth = max(self.depth, Int32(depth))
    }

    /// Grows the subtree of `rows[range]` (reordered in place) at `depth`; returns its node.
    mutating func grow(_ x: UnsafePointer<Float>, rows: inout [Int], _ range: Range<Int>, depth: Int, rng: inout SplitMix64) -> Int {
        let v = newNode()
        size[v] = Int32(range.count)
        guard depth < maxDepth, range.count > 1 else {
            makeLeaf(v, rows: range.count, depth: depth)
            return v
        }
        // Partition: goesLeft(row) decides; missing values follow the larger side.
        var split: ((Int) -> Bool?)? = nil
        if let level = extensionLevel {
            split = extendedSplit(x, rows: rows, range, level: level, node: v, rng: &rng)
        } else {
            split = axisSplit(x, rows: rows, range, node: v, rng: &rng)
        }
        guard let goesLeft = split else {
            makeLeaf(v, rows: range.count, depth: depth)
            return v
        }
        var left: [Int] = [], right: [Int] = [], unknown: [Int] = []
        for r in range {
            switch goesLeft(rows[r]) {
            case true?: left.append(rows[r])
            case false?: right.append(rows[r])
            case nil: unknown.append(rows[r])
            }
        }
        if left.count >= right.count { left += unknown } else { right += unknown }
        let mid = range.lowerBound + left.count
        rows.replaceSubrange(range, with: left + right)
        let l = grow(x, rows: &rows, range.lowerBound..<mid, depth: depth + 1, rng: &rng)
        let r = grow(x, rows: &rows, mid..<range.upperBound, depth: depth + 1, rng: &rng)
        child[2 * v] = Int32(l)
        child[2 * v + 1] = Int32(r)
        return v
    }

    private mutating func axisSplit(_ x: UnsafePointer<Float>, rows: [Int], _ range: Range<Int>, node v: Int,
                                    rng: inout SplitMix64) -> ((Int) -> Bool?)? {
        var candidates = features
        while !candidates.isEmpty {
            let k = Int(rng.next() % UInt64(candidates.count))
            let f = candidates[k]
            var lo = Float.infinity, hi = -Float.infinity
            for r in range {
                let value = x[rows[r] * d + f]
                if value < lo { lo = value }
                if value > hi { hi = value }
            }
            guard lo < hi else {
                candidates.swapAt(k, candidates.count - 1)
                candidates.removeLast()
                continue
            }
            var t = Float(Double(lo) + (Double(hi) - Double(lo)) * rng.nextUnit())
            if t >= hi { t = lo }
            feature[v] = Int32(f)
            threshold[v] = t
            let d = self.d
            return { row in
                let value = x[row * d + f]
                return value.isNaN ? nil : value <= t
            }
        }
        return nil
    }

    private mutating func extendedSplit(_ x: UnsafePointer<Float>, rows: [Int], _ range: Range<Int>, level: Int, node v: Int,
                                        rng: inout SplitMix64) -> ((Int) -> Bool?)? {
        // The node's bounding box over the tree's features (NaN ignored).
        var lo = [Float](repeating: .infinity, count: features.count), hi = [Float](repeating: -.infinity, count: features.count)
        for r in range {
            for (k, f) in features.enumerated() {
                let value = x[rows[r] * d + f]
                if value < lo[k] { lo[k] = value }
                if value > hi[k] { hi[k] = value }
            }
        }
        let spread = features.indices.filter { lo[$0] < hi[$0] }
        guard !spread.isEmpty else { return nil }
        // L + 1 non-zero coordinates among the features that vary here.
        var chosen = spread
        for i in 0..<chosen.count {
            let j = i + Int(rng.next() % UInt64(chosen.count - i))
            chosen.swapAt(i, j)
        }
        chosen = Array(chosen.prefix(min(level + 1, chosen.count)))
        var intercept = 0.0
        for k in chosen {
            let n = rng.nextGaussian()
            let p = Double(lo[k]) + (Double(hi[k]) - Double(lo[k])) * rng.nextUnit()
            normal[v * d + features[k]] = Float(n)
            intercept += p * Double(Float(n))
        }
        let c = Float(intercept)
        threshold[v] = c
        feature[v] = -1  // marks a hyperplane node
        let d = self.d, base = v * d
        let coords = chosen.map { features[$0] }
        let weights = coords.map { normal[base + $0] }
        return { row in
            var dot: Float = 0
            for (i, f) in coords.enumerated() {
                let value = x[row * d + f]
                if value.isNaN { return nil }
                dot += value * weights[i]
            }
            return dot <= c
        }
    }
}
