import StrataCore

/// The result of hierarchical clustering: scipy's linkage matrix Z as a value.
///
/// Merge `i` creates cluster `leaves + i` from clusters `left < right` (ids below `leaves` are
/// the leaves), at height `distance`, holding `size` rows. `linkageMatrix` is Z itself,
/// (leaves − 1) × 4, ready for `scipy.cluster.hierarchy`. For ward, complete, average, weighted
/// and single the heights never decrease; for centroid and median they may.
public struct Dendrogram: Sendable, Codable, Equatable {
    public struct Merge: Sendable, Codable, Equatable {
        public var left: Int
        public var right: Int
        public var distance: Double
        /// Rows under the new cluster (the leaves' sizes summed).
        public var size: Double

        public init(left: Int, right: Int, distance: Double, size: Double) {
            self.left = left
            self.right = right
            self.distance = distance
            self.size = size
        }
    }

    public let method: LinkageMethod
    /// Leaves: the rows clustered, or the micro-clusters in two-stage mode.
    public let leaves: Int
    /// leaves − 1 merges, in the order scipy lists them.
    public let merges: [Merge]
    /// Rows each leaf stands for (all 1 unless leaves are micro-clusters).
    public let leafSizes: [Double]

    public init(method: LinkageMethod, leaves: Int, merges: [Merge], leafSizes: [Double]? = nil) {
        precondition(merges.count == max(leaves - 1, 0))
        self.method = method
        self.leaves = leaves
        self.merges = merges
        self.leafSizes = leafSizes ?? [Double](repeating: 1, count: leaves)
    }

    /// Z, (leaves − 1) × 4 row-major: left id, right id, distance, size (scipy's column order).
    public var linkageMatrix: [Double] {
        merges.flatMap { [Double($0.left), Double($0.right), $0.distance, $0.size] }
    }

    /// Whether every merge is at least as high as the merges below it.
    public var isMonotonic: Bool {
        zip(merges, merges.dropFirst()).allSatisfy { $0.distance <= $1.distance }
    }
}

// MARK: - Building Z from merges

/// A merge as an algorithm records it: the slots of the two clusters (a cluster keeps the slot
/// of one of its parts, as scipy's implementation does) and the height.
struct RawMerge {
    var a: Int32
    var b: Int32
    var distance: Double
}

extension Dendrogram {
    /// Z from merges listed by slot, as scipy finishes MST and NN-chain results: stably sorted
    /// by height, then relabelled with a union-find so that merge i creates cluster leaves + i and
    /// the smaller root comes first.
    /// - Complexity: O(n log n)
    static func sortingAndLabelling(_ raw: [RawMerge], method: LinkageMethod, leaves n: Int, leafSizes: [Double]?) -> Dendrogram {
        let order = raw.indices.sorted { (raw[$0].distance, $0) < (raw[$1].distance, $1) }
        var parent = [Int32](repeating: -1, count: 2 * n)
        var size = [Double](repeating: 1, count: 2 * n)
        if let leafSizes { for i in 0..<n { size[i] = leafSizes[i] } }
        func find(_ x: Int) -> Int {
            var root = x
            while parent[root] >= 0 { root = Int(parent[root]) }
            var y = x
            while parent[y] >= 0 { let next = Int(parent[y]); parent[y] = Int32(root); y = next }
            return root
        }
        var merges: [Merge] = []
        merges.reserveCapacity(raw.count)
        for (i, r) in order.enumerated() {
            let x = find(Int(raw[r].a)), y = find(Int(raw[r].b))
            let next = n + i
            parent[x] = Int32(next)
            parent[y] = Int32(next)
            size[next] = size[x] + size[y]
            merges.append(Merge(left: min(x, y), right: max(x, y), distance: raw[r].distance, size: size[next]))
        }
        return Dendrogram(method: method, leaves: n, merges: merges, leafSizes: leafSizes)
    }
}
