import StrataCore
import StrataKernels

/// The clusters still in play during a hierarchical clustering on vectors: their points
/// (centroids) in a `PointPanel`, ordered by slot, with one value per position (`lane`: a size,
/// a mask or a Prim key; NaN = skip this position) and the slot ↔ position maps.
///
/// Positions keep slot order, so "the first minimum by position" is scipy's "the first minimum
/// by index". When half the positions are dead, `compactIfSparse` closes the gaps (keeping the
/// order), so scans cost O(active clusters · d), not O(n · d).
final class _ActivePanel<S: KernelScalar> {
    let d: Int
    let panel: PointPanel<S>
    /// One value per position; NaN at dead and padding positions.
    let lane: UnsafeMutablePointer<S>
    /// Distances of the last scan, indexed by position.
    let distances: UnsafeMutablePointer<S>
    private(set) var slotAt: [Int32]
    /// Position of each slot; -1 once the slot's cluster is gone.
    private(set) var positionOf: [Int32]
    /// Positions in use (dead ones included), and live clusters.
    private(set) var used: Int
    private(set) var active: Int
    let parallelism: Parallelism
    let pool: WorkerPool
    let tuning: HierarchicalTuning

    /// Rows of `x` (n × d) as slots 0..<n, with `lane[p]` = `initial(p)`.
    init(_ x: UnsafePointer<S>, n: Int, d: Int, parallelism: Parallelism, tuning: HierarchicalTuning, initial: (Int) -> S) {
        self.d = d
        self.parallelism = parallelism
        self.tuning = tuning
        pool = WorkerPool(parallelism)
        panel = PointPanel(positions: n, d: d)
        lane = .allocate(capacity: panel.capacity)
        lane.initialize(repeating: .nan, count: panel.capacity)
        distances = .allocate(capacity: panel.capacity)
        distances.initialize(repeating: 0, count: panel.capacity)
        for i in 0..<n {
            panel.set(i, x + i * d)
            lane[i] = initial(i)
        }
        slotAt = (0..<n).map { Int32($0) }
        positionOf = slotAt
        used = n
        active = n
    }

    deinit {
        lane.deallocate()
        distances.deallocate()
    }

    /// Position of a live slot.
    @inline(__always) func position(_ slot: Int) -> Int {
        let p = Int(positionOf[slot])
        assert(p >= 0, "slot \(slot) is no longer active")
        return p
    }

    /// Marks a slot's cluster gone (its lane becomes NaN).
    func remove(slot: Int) {
        lane[position(slot)] = .nan
        positionOf[slot] = -1
        active -= 1
    }

    /// Distances from `q` (d values) to the positions of `range`, then `reduce` over parts of the
    /// range (in parallel when it is long); the first minimum across parts wins.
    /// - Complexity: O(|range| · d)
    func scan(_ q: UnsafePointer<S>, positions range: Range<Int>,
              _ reduce: (UnsafeMutablePointer<S>, UnsafeMutablePointer<S>, Range<Int>) -> (position: Int?, value: S)) -> (position: Int?, value: S) {
        guard !range.isEmpty else { return (nil, .infinity) }
        let w = S.blockWidth
        let firstBlock = range.lowerBound / w, endBlock = (range.upperBound + w - 1) / w
        let parts = range.count >= tuning.parallelScanPositions ? min(pool.threads, endBlock - firstBlock) : 1
        let results = UnsafeMutablePointer<(position: Int?, value: S)>.allocate(capacity: parts)
        results.initialize(repeating: (nil, .infinity), count: parts)
        defer { results.deallocate() }
        // SAFETY: part t writes distances and lane values only in its own blocks, and results[t].
        let shared = UncheckedSendable((results, self))
        withoutActuallyEscaping(reduce) { reduce in
            let body = UncheckedSendable(reduce)
            pool.forEach(parts) { t in
                let (results, me) = shared.value
                let b0 = firstBlock + (endBlock - firstBlock) * t / parts, b1 = firstBlock + (endBlock - firstBlock) * (t + 1) / parts
                guard b0 < b1 else { return }
                me.panel.squaredDistances(to: q, blocks: b0..<b1, into: me.distances)
                let positions = max(b0 * w, range.lowerBound)..<min(b1 * w, range.upperBound)
                results[t] = body.value(me.distances, me.lane, positions)
            }
        }
        var best: (position: Int?, value: S) = (nil, .infinity)
        for t in 0..<parts where results[t].position != nil && (best.position == nil || results[t].value < best.value) {
            best = results[t]
        }
        return best
    }

    /// Closes the gaps left by removed clusters, keeping slot order, once half the used
    /// positions are dead and the panel is large enough for scans to notice.
    /// - Complexity: O(used · d) when it compacts, amortized O(d) per removal.
    func compactIfSparse() {
        guard used >= tuning.compactionPositions, active * 2 <= used else { return }
        var target = 0
        for p in 0..<used where !lane[p].isNaN {
            if p != target {
                panel.move(from: p, to: target)
                lane[target] = lane[p]
                let slot = slotAt[p]
                slotAt[target] = slot
                positionOf[Int(slot)] = Int32(target)
            }
            target += 1
        }
        for p in target..<used { lane[p] = .nan }
        used = target
    }
}
