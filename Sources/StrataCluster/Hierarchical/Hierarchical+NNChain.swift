import StrataCore
import StrataKernels

// MARK: - Ward on vectors

/// Ward's method by the nearest-neighbour chain (Murtagh 1983; Müllner 2011, §3.2) on the
/// vectors: clusters are (centroid, size) pairs and the merge cost of A and B is
/// n_A·n_B/(n_A+n_B)·‖μ_A − μ_B‖², reported as scipy's height √(2·cost). O(n·d) memory.
///
/// The chain follows scipy's `nn_chain`: it starts at the lowest live slot, each step takes the
/// first nearest neighbour by slot but keeps the previous chain element on a tie, a merged
/// cluster takes the higher slot. Each neighbour search is one panel scan (AVX2, split over the
/// threads for large n), O(live clusters · d).
enum _WardChain<S: KernelScalar> {
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func run(_ x: UnsafePointer<S>, n: Int, d: Int, leafSizes: [Double]?, parallelism: Parallelism, tuning: HierarchicalTuning) -> [RawMerge] {
        var size = leafSizes ?? [Double](repeating: 1, count: n)
        let live = _ActivePanel(x, n: n, d: d, parallelism: parallelism, tuning: tuning) { S(size[$0]) }
        let q = UnsafeMutablePointer<S>.allocate(capacity: d)
        defer { q.deallocate() }
        var chain: [Int] = []
        chain.reserveCapacity(n)
        var raw: [RawMerge] = []
        raw.reserveCapacity(n - 1)
        for _ in 0..<(n - 1) {
            if chain.isEmpty {
                var p = 0
                while live.lane[p].isNaN { p += 1 }
                chain.append(Int(live.slotAt[p]))
            }
            var a = 0, b = 0
            while true {
                a = chain[chain.count - 1]
                let pa = live.position(a)
                live.panel.copy(pa, into: q)
                let own = live.lane[pa]
                live.lane[pa] = .nan  // not its own neighbour
                let querySize = own
                let (found, cost) = live.scan(q, positions: 0..<live.used) { dist, lane, range in
                    PanelScan.wardArgmin(dist, size: lane, range, querySize: querySize)
                }
                live.lane[pa] = own
                b = Int(live.slotAt[found!])
                if chain.count > 1 {
                    // scipy starts from the previous element's distance and takes another only
                    // when strictly smaller. The kernel's own arithmetic, on the scanned distance.
                    let previous = chain[chain.count - 2]
                    let pp = live.position(previous)
                    let previousCost = (live.distances[pp] * live.lane[pp]) / (querySize + live.lane[pp])
                    if !(cost < previousCost) { b = previous; break }
                }
                chain.append(b)
            }
            chain.removeLast(2)
            let (lo, hi) = a < b ? (a, b) : (b, a)
            let plo = live.position(lo), phi = live.position(hi)
            let nlo = size[lo], nhi = size[hi]
            var squared = 0.0
            for j in 0..<d {
                let t = Double(live.panel[plo, j]) - Double(live.panel[phi, j])
                squared += t * t
            }
            raw.append(RawMerge(a: Int32(lo), b: Int32(hi), distance: (2 * nlo * nhi / (nlo + nhi) * squared).squareRoot()))
            for j in 0..<d {
                live.panel[phi, j] = S((nlo * Double(live.panel[plo, j]) + nhi * Double(live.panel[phi, j])) / (nlo + nhi))
            }
            size[hi] = nlo + nhi
            size[lo] = 0
            live.lane[phi] = S(size[hi])
            live.remove(slot: lo)
            live.compactIfSparse()
        }
        return raw
    }
}

// MARK: - Complete, average and weighted on a condensed matrix

/// The nearest-neighbour chain on a condensed distance matrix (n(n−1)/2 values, scipy's
/// layout), updated by Lance–Williams on plain distances, as scipy's `nn_chain` does.
enum _CondensedChain<S: KernelScalar> {
    /// Index of the pair i < j in the condensed matrix.
    @inline(__always) static func index(_ n: Int, _ i: Int, _ j: Int) -> Int {
        let (a, b) = i < j ? (i, j) : (j, i)
        return n * a - a * (a + 1) / 2 + (b - a - 1)
    }

    /// Euclidean distances of all pairs of rows of x (n × d), by panel scans on all threads.
    /// - Complexity: O(n² · d) time; the matrix itself is the caller's n(n−1)/2 values.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func fill(_ D: UnsafeMutablePointer<S>, _ x: UnsafePointer<S>, n: Int, d: Int, parallelism: Parallelism) {
        let panel = PointPanel<S>(positions: n, d: d)
        for i in 0..<n { panel.set(i, x + i * d) }
        let tasks = parallelism.threads
        let scratch = UnsafeMutablePointer<S>.allocate(capacity: panel.capacity * tasks)
        defer { scratch.deallocate() }
        let w = S.blockWidth
        // SAFETY: row i of the matrix is written by one task only; each task has its own scratch.
        let shared = UncheckedSendable((D, scratch))
        parallelism.forEach(tasks) { t in
            let (D, scratch) = shared.value
            let out = scratch + t * panel.capacity
            var i = t
            while i < n - 1 {
                panel.squaredDistances(to: x + i * d, blocks: (i + 1) / w..<panel.blocks(covering: n), into: out)
                let row = D + index(n, i, i + 1)
                for j in (i + 1)..<n { row[j - i - 1] = out[j].squareRoot() }
                i += tasks
            }
        }
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func run(_ D: UnsafeMutablePointer<S>, n: Int, method: LinkageMethod, parallelism: Parallelism, tuning: HierarchicalTuning) -> [RawMerge] {
        var size = [Double](repeating: 1, count: n)
        var alive = (0..<n).map { Int32($0) }
        var chain: [Int] = []
        var raw: [RawMerge] = []
        raw.reserveCapacity(n - 1)
        for _ in 0..<(n - 1) {
            if chain.isEmpty { chain.append(Int(alive[0])) }
            var a = 0, b = 0
            var current = S.infinity
            while true {
                a = chain[chain.count - 1]
                var previous = -1
                current = .infinity
                if chain.count > 1 {
                    previous = chain[chain.count - 2]
                    current = D[index(n, a, previous)]
                }
                b = previous
                let query = a
                let parts = alive.count >= 2 * tuning.parallelScanPositions ? parallelism.threads : 1
                let found: [(Int, S)] = alive.withUnsafeBufferPointer { slots in
                    let shared = UncheckedSendable((slots, D))
                    return parallelism.map(ranges: slots.count, minimumChunk: slots.count / parts) { r in
                        let (slots, D) = shared.value
                        var best = S.infinity, at = -1
                        for k in r {
                            let i = Int(slots[k])
                            if i == query { continue }
                            let v = D[index(n, query, i)]
                            if v < best { best = v; at = i }
                        }
                        return (at, best)
                    }
                }
                // Parts come back in slot order: the first strict minimum is scipy's.
                for (at, v) in found where at >= 0 && v < current { current = v; b = at }
                if chain.count > 1 && b == previous { break }
                chain.append(b)
            }
            chain.removeLast(2)
            let (lo, hi) = a < b ? (a, b) : (b, a)
            let nlo = size[lo], nhi = size[hi]
            raw.append(RawMerge(a: Int32(lo), b: Int32(hi), distance: Double(current)))
            for s in alive {
                let i = Int(s)
                if i == lo || i == hi { continue }
                let dil = Double(D[index(n, i, lo)]), dih = Double(D[index(n, i, hi)])
                let updated: Double
                switch method {
                case .complete: updated = max(dil, dih)
                case .average: updated = (nlo * dil + nhi * dih) / (nlo + nhi)
                case .weighted: updated = (dil + dih) / 2
                default: preconditionFailure("\(method) does not run on a condensed matrix")
                }
                D[index(n, i, hi)] = S(updated)
            }
            size[hi] = nlo + nhi
            size[lo] = 0
            alive.remove(at: alive.firstIndex(of: Int32(lo))!)
        }
        return raw
    }
}
