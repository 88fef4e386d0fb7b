import StrataCore

/// How the distance between two clusters is defined, with scipy's semantics
/// (`scipy.cluster.hierarchy.linkage`). All use Euclidean distances between rows.
///
/// Algorithms follow Müllner (2011), "Modern hierarchical, agglomerative clustering algorithms":
/// a minimum spanning tree for single; the nearest-neighbour chain for ward, complete, average
/// and weighted; the generic algorithm for centroid and median, whose merge heights need not
/// increase. Ward, single, centroid and median run on the vectors in O(n·d) memory with
/// distances computed on the fly; complete, average and weighted update a condensed distance
/// matrix of n(n−1)/2 values by Lance–Williams.
public enum LinkageMethod: String, Sendable, CaseIterable, Codable {
    /// Merges the pair whose union has the smallest increase in within-cluster variance:
    /// height √(2·n_A·n_B/(n_A+n_B))·‖μ_A − μ_B‖.
    case ward
    /// The closest pair of members.
    case single
    /// The farthest pair of members.
    case complete
    /// The mean distance between members (UPGMA).
    case average
    /// The mean of the two merged clusters' distances (WPGMA).
    case weighted
    /// The distance between centroids (UPGMC); heights need not increase.
    case centroid
    /// The distance between the midpoints of the merged clusters (WPGMC); heights need not increase.
    case median

    /// Whether the method works on the vectors (O(n·d) memory) rather than a condensed matrix.
    public var runsOnVectors: Bool {
        switch self {
        case .ward, .single, .centroid, .median: return true
        case .complete, .average, .weighted: return false
        }
    }

    /// Whether clustering weighted centroids is exact clustering of the unions they summarize:
    /// true where the cluster distance depends only on sizes and centroids (ward, centroid).
    public var isExactOnCentroids: Bool { self == .ward || self == .centroid }
}

/// Hierarchical clustering parameters.
public struct HierarchicalConfiguration: Sendable {
    public var method: LinkageMethod
    public var parallelism: Parallelism = .allCores
    public var tuning = HierarchicalTuning()
    /// Bytes a condensed distance matrix may take (complete, average, weighted); nil = the memory
    /// available now (`MemAvailable`). Checked before anything is allocated.
    public var memoryLimit: Int? = nil

    public init(method: LinkageMethod) { self.method = method }
}

/// Tuning values of the vector algorithms (results do not depend on them).
public struct HierarchicalTuning: Sendable {
    /// Scans over fewer positions run on one thread: below this, fork/join costs more than it saves.
    public var parallelScanPositions = 4096
    /// Live clusters are compacted once half of at least this many positions are dead.
    public var compactionPositions = 1024

    public init() {}
}
