import StrataCore
import StrataKernels

extension Dendrogram {
    /// The largest height in each merge's subtree (scipy's `maxdists`); equal to the merge's own
    /// height when the dendrogram is monotonic.
    /// - Complexity: O(n)
    public var maxHeights: [Double] {
        var out = [Double](repeating: 0, count: merges.count)
        for (i, m) in merges.enumerated() {
            var h = m.distance
            if m.left >= leaves { h = max(h, out[m.left - leaves]) }
            if m.right >= leaves { h = max(h, out[m.right - leaves]) }
            out[i] = h
        }
        return out
    }

    /// Flat clusters such that no cluster spans a height above `threshold`: scipy's
    /// `fcluster(Z, threshold, criterion='distance')`, with its labels (1...k, numbered in the
    /// order its depth-first walk from the root meets them).
    /// - Returns: a label per leaf.
    /// - Complexity: O(n)
    public func clusters(atDistance threshold: Double) -> [Int32] {
        flatClusters(maxHeights, threshold: threshold)
    }

    /// At most `count` flat clusters, cutting as low as possible: scipy's
    /// `fcluster(Z, count, criterion='maxclust')`. Ties in height can make fewer clusters.
    /// - Throws: `StrataError.invalidConfiguration` when count < 1.
    /// - Complexity: O(n log n)
    public func clusters(count: Int) throws -> [Int32] {
        try ensure(count >= 1, .invalidConfiguration, "the number of clusters must be at least 1, got \(count)")
        // scipy numbers leaves 1...n in order when every leaf may stay alone.
        if count >= leaves { return (0..<leaves).map { Int32($0 + 1) } }
        return flatClusters(maxHeights, threshold: threshold(forClusters: count))
    }

    /// The lowest cut height giving at most `count` clusters (−∞ when every leaf may stay alone).
    public func threshold(forClusters count: Int) -> Double {
        guard count < leaves else { return -.infinity }
        let sorted = maxHeights.sorted()
        // Cutting at sorted[i] joins every merge whose subtree height is ≤ sorted[i].
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[i] { j += 1 }
            if leaves - (j + 1) <= count { return sorted[i] }
            i = j + 1
        }
        return sorted.last ?? 0
    }

    /// scipy's `cluster_monocrit`: a merge whose criterion is ≤ threshold roots one flat cluster;
    /// labels are handed out along a depth-first walk from the root (left before right, leaves
    /// of a merge after its subtrees).
    private func flatClusters(_ criterion: [Double], threshold: Double) -> [Int32] {
        let n = leaves
        var labels = [Int32](repeating: 1, count: n)
        guard n > 1 else { return labels }
        var visited = [Bool](repeating: false, count: 2 * n - 1)
        var stack = [2 * n - 2]
        var clusters: Int32 = 0
        var leader = -1
        while let top = stack.last {
            let root = top - n
            let (l, r) = (merges[root].left, merges[root].right)
            if leader == -1 && criterion[root] <= threshold {
                leader = root
                clusters += 1
            }
            if l >= n && !visited[l] {
                visited[l] = true
                stack.append(l)
                continue
            }
            if r >= n && !visited[r] {
                visited[r] = true
                stack.append(r)
                continue
            }
            if l < n {
                if leader == -1 { clusters += 1 }
                labels[l] = clusters
            }
            if r < n {
                if leader == -1 { clusters += 1 }
                labels[r] = clusters
            }
            if leader == root { leader = -1 }
            stack.removeLast()
        }
        return labels
    }

    /// Pearson correlation between the cophenetic height of each pair of leaves (the height of the
    /// merge that first joins them) and their Euclidean distance: scipy's
    /// `cophenet(Z, pdist(points))[0]`.
    ///
    /// Over all pairs up to `maxLeaves` leaves; above, over every pair of a seeded uniform sample
    /// of `maxLeaves` leaves (an estimate, reported with the sample size).
    /// - Parameter points: the leaves' vectors, leaves × d, row-major.
    /// - Complexity: O(m² · d) for m = min(leaves, maxLeaves).
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public func copheneticCorrelation<S: KernelScalar>(_ points: UnsafeBufferPointer<S>, columns d: Int, maxLeaves: Int = 2000,
                                                       seed: UInt64 = 0) -> (value: Double, sampledLeaves: Int?) {
        let n = leaves
        precondition(points.count == n * d)
        var sampled = [Bool](repeating: n <= maxLeaves, count: n)
        if n > maxLeaves {
            var rng = SplitMix64(seed: seed).derived(0x636f70686574)
            var pool = Array(0..<n)
            for i in 0..<maxLeaves {
                let j = i + Int(rng.next() % UInt64(n - i))
                pool.swapAt(i, j)
                sampled[pool[i]] = true
            }
        }
        // Sampled members of each cluster as linked lists: concatenation is O(1).
        var head = [Int32](repeating: -1, count: 2 * n - 1), tail = head, next = [Int32](repeating: -1, count: n)
        for i in 0..<n where sampled[i] { head[i] = Int32(i); tail[i] = Int32(i) }
        // Co-moments updated online (Welford): no cancellation between large raw sums.
        var pairs = 0.0, mc = 0.0, md = 0.0, cc = 0.0, dd = 0.0, cd = 0.0
        let base = points.baseAddress!
        for (k, m) in merges.enumerated() {
            let c = m.distance
            var a = head[m.left]
            while a >= 0 {
                var b = head[m.right]
                while b >= 0 {
                    let dist = Double(squaredDistance(base + Int(a) * d, base + Int(b) * d, d)).squareRoot()
                    pairs += 1
                    let dc = c - mc, dx = dist - md
                    mc += dc / pairs
                    md += dx / pairs
                    cc += dc * (c - mc)
                    dd += dx * (dist - md)
                    cd += dc * (dist - md)
                    b = next[Int(b)]
                }
                a = next[Int(a)]
            }
            let id = n + k
            if head[m.left] < 0 { head[id] = head[m.right]; tail[id] = tail[m.right] } else {
                head[id] = head[m.left]
                tail[id] = tail[m.right] >= 0 ? tail[m.right] : tail[m.left]
                if head[m.right] >= 0 { next[Int(tail[m.left])] = head[m.right] }
            }
        }
        return (cd / (cc * dd).squareRoot(), n > maxLeaves ? maxLeaves : nil)
    }
}
