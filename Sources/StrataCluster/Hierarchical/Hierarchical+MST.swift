import StrataCore
import StrataKernels

/// Single linkage by Prim's minimum spanning tree on the vectors (Müllner 2011, §3.1;
/// scipy's `mst_single_linkage`): O(n·d) memory, one panel scan per added point.
///
/// As scipy: the tree grows from row 0, each step adds the point nearest to the tree (strict <,
/// lowest index on ties), and the edges are then sorted by length and relabelled. Keys are
/// squared distances (the same order, no square root in the loop).
enum _PrimTree<S: KernelScalar> {
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func run(_ x: UnsafePointer<S>, n: Int, d: Int, parallelism: Parallelism, tuning: HierarchicalTuning) -> [RawMerge] {
        let live = _ActivePanel(x, n: n, d: d, parallelism: parallelism, tuning: tuning) { _ in S.infinity }
        let q = UnsafeMutablePointer<S>.allocate(capacity: d)
        defer { q.deallocate() }
        var raw: [RawMerge] = []
        raw.reserveCapacity(n - 1)
        var current = 0
        for _ in 0..<(n - 1) {
            live.panel.copy(live.position(current), into: q)
            live.remove(slot: current)  // in the tree: its key is NaN from now on
            let (found, key) = live.scan(q, positions: 0..<live.used) { dist, keys, range in
                PanelScan.primUpdate(dist, key: keys, range)
            }
            let next = Int(live.slotAt[found!])
            raw.append(RawMerge(a: Int32(current), b: Int32(next), distance: Double(key).squareRoot()))
            current = next
            live.compactIfSparse()
        }
        return raw
    }
}
