import StrataCore

/// Points laid out for scanning one query against many: transposed blocks of `S.blockWidth`
/// points ([blocks][d][width], 64-byte aligned), the layout of `strata_linkage.h`. Position `p`
/// is block `p / width`, lane `p % width`. Hierarchical clustering keeps its active clusters'
/// centroids here and compacts them as clusters merge.
///
/// A panel is mutable and not synchronized: callers write positions between scans and scan
/// disjoint block ranges from several threads.
public final class PointPanel<S: KernelScalar>: @unchecked Sendable {
    // SAFETY: the storage is written only through `set`/`move`, which callers never run
    // concurrently with a scan; concurrent scans only read.
    /// Dimensions per point.
    public let d: Int
    /// Positions the panel holds (a multiple of the block width).
    public let capacity: Int
    let storage: AlignedStorage<S>

    /// A zeroed panel for at least `positions` points of `d` dimensions.
    /// - Complexity: O(positions · d)
    public init(positions: Int, d: Int) {
        precondition(positions >= 0 && d > 0)
        let w = S.blockWidth
        self.d = d
        self.capacity = (positions + w - 1) / w * w
        storage = AlignedStorage(repeating: 0, count: max(capacity, w) * d)
    }

    /// Blocks covering positions `0..<positions`.
    public func blocks(covering positions: Int) -> Int { (positions + S.blockWidth - 1) / S.blockWidth }

    @inline(__always) func offset(_ p: Int, _ j: Int) -> Int {
        let w = S.blockWidth
        return ((p / w) * d + j) * w + p % w
    }

    /// Coordinate `j` of the point at position `p`.
    public subscript(p: Int, j: Int) -> S {
        get { storage.base[offset(p, j)] }
        set { storage.base[offset(p, j)] = newValue }
    }

    /// Writes the d-vector `point` at position `p`.
    /// - Complexity: O(d)
    public func set(_ p: Int, _ point: UnsafePointer<S>) {
        assert(p >= 0 && p < capacity)
        for j in 0..<d { storage.base[offset(p, j)] = point[j] }
    }

    /// Copies the point at position `p` into `out` (d values).
    /// - Complexity: O(d)
    public func copy(_ p: Int, into out: UnsafeMutablePointer<S>) {
        assert(p >= 0 && p < capacity)
        for j in 0..<d { out[j] = storage.base[offset(p, j)] }
    }

    /// Moves the point at `source` to `target` (for order-preserving compaction).
    /// - Complexity: O(d)
    public func move(from source: Int, to target: Int) {
        guard source != target else { return }
        for j in 0..<d { storage.base[offset(target, j)] = storage.base[offset(source, j)] }
    }

    /// `out[p]` ← ‖point_p − q‖² for every position of `blocks` (out is indexed by position).
    /// - Complexity: O(blocks · width · d)
    public func squaredDistances(to q: UnsafePointer<S>, blocks: Range<Int>, into out: UnsafeMutablePointer<S>) {
        assert(blocks.upperBound * S.blockWidth <= capacity)
        S._panelSquaredDistances(storage.base, d, blocks.lowerBound, blocks.upperBound, q, out)
    }

    /// ‖point_p − q‖² with the kernel's arithmetic (subtract, then one fused multiply-add per
    /// dimension in order), so it equals the scanned value bit for bit. The scalar reference.
    /// - Complexity: O(d)
    public func squaredDistance(to q: UnsafePointer<S>, _ p: Int) -> S {
        var acc: S = 0
        for j in 0..<d {
            let t = storage.base[offset(p, j)] - q[j]
            acc = acc.addingProduct(t, t)
        }
        return acc
    }
}

/// First-minimum scans over distances a panel produced (`strata_linkage.h`); NaN marks a
/// position to skip.
public enum PanelScan {
    /// Ward's nearest neighbour in `begin..<end`: the first minimum of sqdist·size/(qsize+size).
    /// - Returns: the position (nil when every position is skipped) and the minimum.
    /// - Complexity: O(end − begin)
    @inlinable
    public static func wardArgmin<S: KernelScalar>(_ sqdist: UnsafePointer<S>, size: UnsafePointer<S>, _ range: Range<Int>,
                                                   querySize: S) -> (position: Int?, value: S) {
        var best: S = 0
        let p = S._wardArgmin(sqdist, size, range.lowerBound, range.upperBound, querySize, &best)
        return (p >= 0 ? p : nil, best)
    }

    /// One Prim step in `begin..<end`: key ← min(key, sqdist), then the first minimum of key.
    /// A NaN key (already in the tree) stays NaN.
    /// - Complexity: O(end − begin)
    @inlinable
    public static func primUpdate<S: KernelScalar>(_ sqdist: UnsafePointer<S>, key: UnsafeMutablePointer<S>,
                                                   _ range: Range<Int>) -> (position: Int?, value: S) {
        var best: S = 0
        let p = S._primUpdate(sqdist, key, range.lowerBound, range.upperBound, &best)
        return (p >= 0 ? p : nil, best)
    }

    /// Scalar reference of `wardArgmin`.
    public static func referenceWardArgmin<S: KernelScalar>(_ sqdist: UnsafePointer<S>, size: UnsafePointer<S>, _ range: Range<Int>,
                                                            querySize: S) -> (position: Int?, value: S) {
        var best = S.infinity
        var at: Int? = nil
        for p in range {
            let cost = (sqdist[p] * size[p]) / (querySize + size[p])
            if cost < best { best = cost; at = p }
        }
        return (at, best)
    }

    /// Scalar reference of `primUpdate`.
    public static func referencePrimUpdate<S: KernelScalar>(_ sqdist: UnsafePointer<S>, key: UnsafeMutablePointer<S>,
                                                            _ range: Range<Int>) -> (position: Int?, value: S) {
        var best = S.infinity
        var at: Int? = nil
        for p in range where !key[p].isNaN {
            if sqdist[p] < key[p] { key[p] = sqdist[p] }
            if key[p] < best { best = key[p]; at = p }
        }
        return (at, best)
    }
}
