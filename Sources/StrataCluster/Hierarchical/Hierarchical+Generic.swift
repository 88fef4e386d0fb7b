import StrataCore
import StrataKernels

/// Centroid and median linkage by Müllner's generic algorithm (2011, §3.1, Figure 3; scipy's
/// `fast_linkage`) on the vectors: each cluster keeps a candidate nearest neighbour among the
/// higher slots and a lower bound of its distance in a heap; candidates found stale when they
/// reach the top are recomputed. O(n·d) memory.
///
/// Centroid merges μ = (n_A·μ_A + n_B·μ_B)/(n_A+n_B), median μ = (μ_A + μ_B)/2 — the vector form
/// of scipy's Lance–Williams updates. Heights are ‖μ_A − μ_B‖ and may decrease, so merges stay
/// in the order they happen (scipy does not sort these either).
enum _GenericLinkage<S: KernelScalar> {
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func run(_ x: UnsafePointer<S>, n: Int, d: Int, method: LinkageMethod, leafSizes: [Double]?,
                    parallelism: Parallelism, tuning: HierarchicalTuning) -> Dendrogram {
        precondition(method == .centroid || method == .median)
        // Lane = 1 for live clusters (so the Ward scan with query size 0 is a plain argmin),
        // NaN once merged away. Never compacted: positions are slots.
        let live = _ActivePanel(x, n: n, d: d, parallelism: parallelism, tuning: tuning) { _ in 1 }
        var size = leafSizes ?? [Double](repeating: 1, count: n)
        var clusterID = Array(0..<n)
        var neighbour = [Int](repeating: 0, count: n)
        var lowerBound = [S](repeating: .infinity, count: n)
        let q = UnsafeMutablePointer<S>.allocate(capacity: d)
        defer { q.deallocate() }

        func nearestAbove(_ a: Int) -> (Int?, S) {
            guard a + 1 < n else { return (nil, .infinity) }
            live.panel.copy(a, into: q)
            let r = live.scan(q, positions: (a + 1)..<n) { dist, lane, range in
                PanelScan.wardArgmin(dist, size: lane, range, querySize: 0)  // dist·1/(0+1) = dist
            }
            return (r.position, r.value)
        }
        for a in 0..<(n - 1) {
            let (b, v) = nearestAbove(a)
            neighbour[a] = b!
            lowerBound[a] = v
        }
        var heap = _IndexedMinHeap(lowerBound)
        var merges: [Dendrogram.Merge] = []
        merges.reserveCapacity(n - 1)
        for k in 0..<(n - 1) {
            var a = 0, b = 0, squared = S.infinity
            while true {
                (a, squared) = heap.minimum
                b = neighbour[a]
                live.panel.copy(b, into: q)
                if squared == live.panel.squaredDistance(to: q, a) { break }
                let (c, v) = nearestAbove(a)
                if let c { neighbour[a] = c }
                lowerBound[a] = v
                heap.update(a, v)
            }
            heap.removeMinimum()
            let (ia, ib) = (clusterID[a], clusterID[b])
            merges.append(Dendrogram.Merge(left: min(ia, ib), right: max(ia, ib), distance: Double(squared).squareRoot(),
                                           size: size[a] + size[b]))
            for j in 0..<d {
                let ca = Double(live.panel[a, j]), cb = Double(live.panel[b, j])
                live.panel[b, j] = S(method == .centroid ? (size[a] * ca + size[b] * cb) / (size[a] + size[b]) : (ca + cb) / 2)
            }
            size[b] += size[a]
            size[a] = 0
            clusterID[b] = n + k
            live.remove(slot: a)
            if k == n - 2 { break }
            for z in 0..<a where neighbour[z] == a && !live.lane[z].isNaN { neighbour[z] = b }
            // Distances from the new cluster to every live one: lower bounds below b, the new
            // cluster's own candidate above.
            live.panel.copy(b, into: q)
            _ = live.scan(q, positions: 0..<n) { _, _, _ in (nil, .infinity) }
            for z in 0..<b where !live.lane[z].isNaN && live.distances[z] < lowerBound[z] {
                neighbour[z] = b
                lowerBound[z] = live.distances[z]
                heap.update(z, live.distances[z])
            }
            var best = S.infinity, at = -1
            for z in (b + 1)..<n where !live.lane[z].isNaN && live.distances[z] < best {
                best = live.distances[z]
                at = z
            }
            if at >= 0 { neighbour[b] = at }
            lowerBound[b] = best
            heap.update(b, best)
        }
        return Dendrogram(method: method, leaves: n, merges: merges, leafSizes: leafSizes)
    }
}

/// A binary min-heap over keys 0..<n with changeable values (scipy's `Heap`).
struct _IndexedMinHeap<Value: Comparable> {
    private var values: [Value]
    private var heap: [Int]       // heap slot → key
    private var slot: [Int]       // key → heap slot, -1 once removed

    init(_ values: [Value]) {
        self.values = values
        heap = Array(values.indices)
        slot = heap
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }

    var minimum: (key: Int, value: Value) { (heap[0], values[heap[0]]) }

    mutating func removeMinimum() {
        let top = heap[0]
        slot[top] = -1
        let last = heap.removeLast()
        guard last != top else { return }
        heap[0] = last
        slot[last] = 0
        siftDown(0)
    }

    mutating func update(_ key: Int, _ value: Value) {
        let i = slot[key]
        guard i >= 0 else { return }
        let old = values[key]
        values[key] = value
        if value < old { siftUp(i) } else { siftDown(i) }
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard values[heap[i]] < values[heap[parent]] else { return }
            swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && values[heap[l]] < values[heap[m]] { m = l }
            if r < heap.count && values[heap[r]] < values[heap[m]] { m = r }
            if m == i { return }
            swapAt(i, m)
            i = m
        }
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        heap.swapAt(i, j)
        slot[heap[i]] = i
        slot[heap[j]] = j
    }
}
