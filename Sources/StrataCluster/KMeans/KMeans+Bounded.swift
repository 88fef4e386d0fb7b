import _CStrataKernels
import StrataCore
import StrataKernels

/// The exact bounded E-steps of Hamerly ("Making k-means even faster", SDM 2010: one lower bound
/// per row) and Yinyang (Ding et al., ICML 2015: one lower bound per group of centers), on one
/// engine; `groups == 1` is Hamerly.
///
/// Each row keeps an upper bound `u` on its distance to its center, a lower bound `l` on its
/// distance to every other center and, with groups, one lower bound per group. The centers'
/// drifts are accumulated (per center C[a], per group G[g], the largest L) and each bound is
/// stored as a key that stays valid as they move: u − C[a], l + L, g + G[g] as of when it was
/// written, so now u = key + C[a], l = key − L. A row whose bounds still prove its center costs
/// 16 bytes of reads and no write: the scan reads keys, labels and norms in order and gathers
/// C[a] and the half separation by label from k-entry tables (8 rows at a time with AVX-512).
/// Once the centers settle that is nearly every row, and with the M-step kept up to date from
/// the label changes (`CentroidSums`) an iteration no longer reads the data at all.
///
/// Exactness. Lloyd's label is the first minimum of the kernel's computed scores
/// s_c = ‖c‖² − 2x·c, not of true distances, so a bound must prove s_c > s_a, not D_c > D_a.
/// Computed scores are within A = ε(‖x‖ + max‖c‖)² of the true ones (ε = (d + 4)·ulp), so a
/// center is ruled out when l² − u² > 2A, or by half the separation h of its center from the
/// nearest other, when 4h(h − u) > 2A. Bounds are kept on true distances: upper from the score
/// plus A, lower from the scores less A. Drifts are rounded up to a power-of-two quantum
/// (2⁻²⁹ of a bound on the row norms) and keys outward to floats that are multiples of it, so
/// the running sums and every key ± sum are exact.
/// A row not proven is tightened with its own center's score (bit for bit the kernel's) and, if
/// still not proven, rescored against all k centers by the kernel itself. Labels therefore equal
/// Lloyd's bit for bit.
struct BoundedEngine<S: KernelScalar> {
    let n: Int
    let k: Int
    let d: Int
    /// Groups of centers (1: Hamerly).
    let groups: Int
    /// The group of each center.
    let groupOf: [Int32]
    let epsilon: Double
    /// Drifts are rounded up to multiples of this power of two, and keys to multiples of it.
    let quantum: Double
    // Per-row state, written for every row by the first step (mapped, huge pages: nothing is
    // zeroed up front, and the first step faults the pages in from both threads).
    private let upper: AlignedStorage<Float>
    private let lower: AlignedStorage<Float>
    /// n × groups, only when groups > 1.
    private let groupLower: AlignedStorage<Float>
    /// ‖x_i‖ rounded up, and ‖x_i‖² (filled by the first step).
    private let rowNorm: AlignedStorage<Float>
    private let rowSquare: AlignedStorage<Double>
    /// Running sums of the drifts: per center (k), per group, the largest.
    private var driftCenter: [Double]
    private var driftGroup: [Double]
    private var driftLargest = 0.0
    private var initialized = false
    /// Share of rows the last step's scan could not prove (1 before the first step).
    private var unprovenShare = 1.0

    /// - Parameters:
    ///   - initialCenters: groups are formed from these (k-means of the centers, 5 Lloyd iterations).
    ///   - rowNormBound: at least the largest ‖x_i‖ (sets the quantum: drift sums stay below 2⁵³
    ///     quanta while they stay below 2²³ times it).
    init(n: Int, d: Int, k: Int, groups: Int, initialCenters: [S], rowNormBound: Double) {
        self.n = n
        self.k = k
        self.d = d
        let t = max(1, min(groups, k / 2))
        self.groups = t
        epsilon = Double(d + 4) * Double(S.ulpOfOne)
        if t == 1 {
            groupOf = [Int32](repeating: 0, count: k)
        } else {
            var config = KMeansConfiguration(k: t)
            config.maxIterations = 5
            config.algorithm = .lloyd
            config.parallelism = .serial
            let grouping = try? initialCenters.withUnsafeBufferPointer { try KMeans.fit($0, rows: k, columns: d, configuration: config) }
            groupOf = grouping?.labels ?? (0..<k).map { Int32($0 * t / k) }
        }
        upper = AlignedStorage(capacity: n)
        lower = AlignedStorage(capacity: n)
        groupLower = AlignedStorage(capacity: t > 1 ? n * t : 1)
        rowNorm = AlignedStorage(capacity: n)
        rowSquare = AlignedStorage(capacity: n)
        driftCenter = [Double](repeating: 0, count: k)
        driftGroup = [Double](repeating: 0, count: t)
        let scale = rowNormBound.isFinite && rowNormBound > 0 ? rowNormBound : 1
        quantum = Double(sign: .plus, exponent: scale.exponent - 29, significand: 1)
    }

    /// Half the distance from each center to its nearest other center, rounded down.
    static func halfSeparation(_ centers: [S], k: Int, d: Int, epsilon: Double) -> [Double] {
        var half = [Double](repeating: .infinity, count: k)
        for a in 0..<k {
            for b in (a + 1)..<max(a + 1, k) {
                var s = 0.0
                for j in 0..<d { let t = Double(centers[a * d + j]) - Double(centers[b * d + j]); s += t * t }
                let dist = s.squareRoot() * 0.5 * (1 - epsilon)
                half[a] = min(half[a], dist)
                half[b] = min(half[b], dist)
            }
        }
        return half
    }

    /// How far each center moved from `old` to `new`, rounded up by the relative `epsilon`.
    static func drifts(old: [S], new: [S], k: Int, d: Int, epsilon: Double) -> [Double] {
        (0..<k).map { c in
            var s = 0.0
            for j in 0..<d { let t = Double(new[c * d + j]) - Double(old[c * d + j]); s += t * t }
            return s.squareRoot() * (1 + epsilon)
        }
    }

    /// Records how far the centers moved from `old` to `new` (bounds move lazily).
    mutating func centersMoved(old: [S], new: [S]) {
        var groupDrift = [Double](repeating: 0, count: groups)
        var largest = 0.0
        let drift = Self.drifts(old: old, new: new, k: k, d: d, epsilon: epsilon)
        for c in 0..<k {
            let delta = (drift[c] / quantum).rounded(.up) * quantum
            driftCenter[c] += delta
            groupDrift[Int(groupOf[c])] = max(groupDrift[Int(groupOf[c])], delta)
            largest = max(largest, delta)
        }
        for g in 0..<groups { driftGroup[g] += groupDrift[g] }
        driftLargest += largest
    }

    /// One E-step against `centers` (whose kernel layout is `nearest`): every row's label made
    /// Lloyd's, the changes reported per fixed chunk in row order.
    mutating func step(_ x: UnsafePointer<S>, centers: [S], nearest: NearestCentroid<S>, weights: [Double]?,
                       labels: inout [Int32], recordChanges: Bool, partials fill: ChunkPartials?, parallelism: Parallelism) -> EStepResult {
        let (n, k, d, t) = (self.n, self.k, self.d, groups)
        let half = Self.halfSeparation(centers, k: k, d: d, epsilon: epsilon)
        let maxNorm = nearest.maxSquaredNorm
        let first = !initialized
        // Early on most rows fail their bounds, and tightening then rescoring them costs more than
        // rescoring every row in place with the kernel (measured: break-even near half the rows).
        let everyRow = unprovenShare > 0.5
        // The chunks of the M-step's partial sums (filled here, when given, if every row is visited).
        let chunkRows = CentroidSums.chunkRows(n), chunks = (n + chunkRows - 1) / chunkRows
        let partials = (first || everyRow) ? fill : nil
        let block = chunkRows, batch = t == 1 ? 256 : max(8, min(256, 16_384 / k))
        var bounds = strata_bounds()
        bounds.k = k; bounds.d = d; bounds.groups = t
        bounds.quantum = quantum; bounds.drift_largest = driftLargest
        bounds.rows = UnsafeRawPointer(x); bounds.row_bytes = d * MemoryLayout<S>.stride
        bounds.max_norm = maxNorm; bounds.root_max_norm = maxNorm.squareRoot().nextUp; bounds.eps = epsilon
        let (ct, cnorm) = nearest.layout
        bounds.upper = upper.base; bounds.lower = lower.base; bounds.group_lower = t > 1 ? groupLower.base : nil
        bounds.row_norm = rowNorm.base; bounds.row_sq = rowSquare.base
        let (rn, rs) = (rowNorm.base, rowSquare.base)
        let perChunk = labels.withUnsafeMutableBufferPointer { lab in
            half.withUnsafeBufferPointer { hb in
                driftCenter.withUnsafeBufferPointer { cc in
                    driftGroup.withUnsafeBufferPointer { cg in
                        groupOf.withUnsafeBufferPointer { go in
                            weights.withUnsafeOptionalBufferPointer { wb in
                                bounds.half = hb.baseAddress; bounds.drift_center = cc.baseAddress
                                bounds.drift_group = cg.baseAddress
                                bounds.group_of = go.baseAddress; bounds.weights = wb?.baseAddress
                                bounds.labels = UnsafePointer(lab.baseAddress)
                                // SAFETY: chunk ch reads and writes only its own rows of the per-row arrays
                                // (the C kernels index them by row); the tables are read-only here.
                                let shared = UncheckedSendable((bounds, lab.baseAddress!))
                                return parallelism.map(ranges: chunks, minimumChunk: 1, oversplit: 4) { r in
                                    var (bounds, lab) = shared.value
                                    let scratch = UnsafeMutablePointer<S>.allocate(capacity: batch * d)
                                    let scores = UnsafeMutablePointer<S>.allocate(capacity: t > 1 ? batch * k : 1)
                                    let best = UnsafeMutablePointer<S>.allocate(capacity: batch)
                                    let second = UnsafeMutablePointer<S>.allocate(capacity: batch)
                                    let newLabels = UnsafeMutablePointer<Int32>.allocate(capacity: batch)
                                    let candidates = UnsafeMutablePointer<Int64>.allocate(capacity: block)
                                    let pending = UnsafeMutablePointer<Int64>.allocate(capacity: block)
                                    defer {
                                        scratch.deallocate(); scores.deallocate(); best.deallocate(); second.deallocate()
                                        newLabels.deallocate(); candidates.deallocate(); pending.deallocate()
                                    }
                                    return r.map { ch -> (Double, [LabelChange], Int, Int, Int, Int) in
                                        var inertia = 0.0, rescored = 0, changed = 0, unproven = 0, sampled = 0
                                        var changes: [LabelChange] = []
                                        let start = ch * chunkRows, end = min(n, start + chunkRows)
                                        // Visiting every row, the step also sums them by their new labels (the M-step
                                        // takes these when it sums afresh: CentroidSums.wantsFresh).
                                        partials?.start(ch)
                                        var s = start
                                        while s < end {
                                            let e = min(end, s + block)
                                            var count: Int
                                            if first || everyRow {
                                                if first {
                                                    _ = S._rowNorms(x, s, e, d, rs, rn)
                                                    unproven += e - s
                                                    sampled += e - s
                                                } else if (s / block) % 8 == 0 {
                                                    // The share of rows the bounds would not prove, from every 8th block.
                                                    var ignored = 0.0
                                                    unproven += strata_bounds_scan(&bounds, s, e, &ignored, candidates)
                                                    sampled += e - s
                                                }
                                                for i in s..<e { pending[i - s] = Int64(i) }
                                                count = e - s
                                            } else {
                                                let m = strata_bounds_scan(&bounds, s, e, &inertia, candidates)
                                                unproven += m
                                                sampled += e - s
                                                count = m == 0 ? 0 : S._boundsTighten(&bounds, x, ct, cnorm, candidates, m, &inertia, pending)
                                            }
                                            // Rescore the rest against all k centers, `batch` rows at a time.
                                            var q0 = 0
                                            while q0 < count {
                                                let p = min(batch, count - q0)
                                                let rows = pending + q0
                                                let contiguous = rows[p - 1] - rows[0] == Int64(p - 1)
                                                let source: UnsafePointer<S>
                                                if contiguous {
                                                    source = x + Int(rows[0]) * d
                                                } else {
                                                    for q in 0..<p { (scratch + q * d).update(from: x + Int(rows[q]) * d, count: d) }
                                                    source = UnsafePointer(scratch)
                                                }
                                                if t == 1 || first || everyRow {
                                                    // Every row: the fused argmin; group bounds start from the second-nearest.
                                                    nearest.assign(source, rows: p, labels: newLabels, best: best, second: second)
                                                    S._boundsRenew(&bounds, rows, p, newLabels, best, second, nil, &inertia)
                                                } else {
                                                    nearest.scores(source, rows: p, out: scores)
                                                    S._boundsRenew(&bounds, rows, p, newLabels, nil, nil, scores, &inertia)
                                                }
                                                for q in 0..<p {
                                                    let i = Int(rows[q])
                                                    if newLabels[q] != lab[i] {
                                                        changed += 1
                                                        if recordChanges { changes.append(LabelChange(row: i, old: lab[i])) }
                                                        lab[i] = newLabels[q]
                                                    }
                                                }
                                                // rows s..<e in order, batch by batch
                                                partials?.accumulate(ch, rows: Int(rows[0])..<(Int(rows[0]) + p), x, labels: lab,
                                                                     rowWeights: bounds.weights)
                                                rescored += p
                                                q0 += p
                                            }
                                            s = e
                                        }
                                        return (inertia, changes, rescored, changed, unproven, sampled)
                                    }
                                }.flatMap { $0 }
                            }
                        }
                    }
                }
            }
        }
        initialized = true
        unprovenShare = Double(perChunk.reduce(0) { $0 + $1.4 }) / Double(max(perChunk.reduce(0) { $0 + $1.5 }, 1))
        return EStepResult(inertia: perChunk.reduce(0) { $0 + $1.0 }, changes: perChunk.map(\.1), rescored: perChunk.reduce(0) { $0 + $1.2 },
                           changed: perChunk.reduce(0) { $0 + $1.3 }, partialsFilled: partials != nil)
    }
}

extension Optional {
    /// The wrapped array's buffer, or nil.
    func withUnsafeOptionalBufferPointer<E, R>(_ body: (UnsafeBufferPointer<E>?) -> R) -> R where Wrapped == [E] {
        switch self {
        case .some(let array): return array.withUnsafeBufferPointer { body($0) }
        case .none: return body(nil)
        }
    }
}
