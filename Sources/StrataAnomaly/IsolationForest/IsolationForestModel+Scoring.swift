import _CStrataKernels
import StrataCore
import StrataPrep

extension IsolationForestModel {
    /// scikit-learn's `score_samples`: −2^(−E[h(x)]/c(ψ)), in [−1, 0); lower = more abnormal.
    ///
    /// h(x) is the number of edges from the root to x's leaf plus c(leaf size). A missing value
    /// (NaN) at a split is not imputed: the row goes down both children and its path length is
    /// their average weighted by how many training rows each received — the expected path length
    /// over where the value could lie.
    /// - Parameter x: rows × `columns`, float32.
    /// - Complexity: O(rows · trees · depth), on all threads, tree by tree over blocks of rows.
    public func scoreSamples(_ x: FeatureMatrix<Float>, parallelism: Parallelism = .allCores) -> [Double] {
        precondition(x.columns == columns)
        let n = x.rows, d = columns
        var sums = [Double](repeating: 0, count: n)
        let normalizer = averagePathLength(Double(samples)) * Double(trees)
        let packed = (0..<nodes).map {
            strata_iforest_node(feature: max(feature[$0], 0), threshold: threshold[$0], child: (child[2 * $0], child[2 * $0 + 1]))
        }
        let top = extensionLevel == nil ? topLevels() : nil
        x.withUnsafeBufferPointer { xb in
            sums.withUnsafeMutableBufferPointer { out in
                packed.withUnsafeBufferPointer { packed in
                    // SAFETY: each range writes only its own rows of `out`.
                    let shared = UncheckedSendable((xb.baseAddress!, out.baseAddress!, packed.baseAddress!))
                    _ = parallelism.map(ranges: n, minimumChunk: 2048, oversplit: 4) { range -> Void in
                        let (x, out, packed) = shared.value
                        scoreRange(x, range, d: d, nodes: packed, top: top, into: out)
                    }
                }
            }
        }
        // One-row subsamples make c(ψ) = 0: scikit-learn then takes the exponent as 1 (score −0.5).
        guard normalizer > 0 else { return sums.map { _ in -0.5 } }
        return sums.map { -pow(2, -$0 / normalizer) }
    }

    /// scikit-learn's `decision_function`: scoreSamples − offset; negative = anomaly.
    public func decisionFunction(_ x: FeatureMatrix<Float>, parallelism: Parallelism = .allCores) -> [Double] {
        scoreSamples(x, parallelism: parallelism).map { $0 - offset }
    }

    /// scikit-learn's `predict`: −1 for anomalies (decision < 0), 1 otherwise.
    public func predict(_ x: FeatureMatrix<Float>, parallelism: Parallelism = .allCores) -> [Int8] {
        decisionFunction(x, parallelism: parallelism).map { $0 < 0 ? -1 : 1 }
    }

    /// Adds the path lengths over all trees of rows `range` to out[row].
    private func scoreRange(_ x: UnsafePointer<Float>, _ range: Range<Int>, d: Int, nodes: UnsafePointer<strata_iforest_node>,
                            top: TopLevels?, into out: UnsafeMutablePointer<Double>) {
        if extensionLevel == nil {
            // Rows without a missing value go through the branch-free kernel in runs.
            var start = range.lowerBound
            func flush(_ end: Int) {
                guard start < end else { return }
                if let top {
                    strata_iforest_paths_top(x + start * d, end - start, d, nodes, value, depths, trees, top.feature, top.threshold,
                                              top.entry, out + start)
                } else {
                    strata_iforest_paths(x + start * d, end - start, d, nodes, value, roots, depths, trees, out + start)
                }
            }
            for i in range {
                var missing = false
                for j in 0..<d where x[i * d + j].isNaN { missing = true; break }
                if missing {
                    flush(i)
                    start = i + 1
                    for t in 0..<trees { out[i] += pathLength(x + i * d, node: Int(roots[t]), depth: 0) }
                }
            }
            flush(range.upperBound)
        } else {
            for i in range {
                for t in 0..<trees { out[i] += pathLength(x + i * d, node: Int(roots[t]), depth: 0) }
            }
        }
    }

    /// Each tree's top L levels as a complete subtree in heap order (a leaf above level L padded
    /// with always-left splits) and the node each of the 2^L bottom slots continues from: the
    /// layout of `strata_iforest_paths_top`.
    final class TopLevels: @unchecked Sendable {
        // SAFETY: written once in init, read-only afterwards.
        let feature: [Int32]
        let threshold: [Float]
        let entry: [Int32]
        init(feature: [Int32], threshold: [Float], entry: [Int32]) {
            self.feature = feature; self.threshold = threshold; self.entry = entry
        }
    }

    func topLevels() -> TopLevels {
        let levels = Int(STRATA_IFOREST_TOP_LEVELS), inner = (1 << levels) - 1
        var topFeature = [Int32](repeating: 0, count: trees * inner), topThreshold = [Float](repeating: .infinity, count: trees * inner)
        var entry = [Int32](repeating: 0, count: trees * (inner + 1))
        func fill(_ t: Int, _ v: Int, _ h: Int, _ level: Int) {
            if level == levels {
                entry[t * (inner + 1) + h - inner] = Int32(v)
                return
            }
            if Int(child[2 * v]) == v {  // a leaf: always left (x ≤ +inf), staying at the leaf
                fill(t, v, 2 * h + 1, level + 1)
                fill(t, v, 2 * h + 2, level + 1)
            } else {
                topFeature[t * inner + h] = feature[v]
                topThreshold[t * inner + h] = threshold[v]
                fill(t, Int(child[2 * v]), 2 * h + 1, level + 1)
                fill(t, Int(child[2 * v + 1]), 2 * h + 2, level + 1)
            }
        }
        for t in 0..<trees { fill(t, Int(roots[t]), 0, 0) }
        return TopLevels(feature: topFeature, threshold: topThreshold, entry: entry)
    }

    /// Path length of one row from `node` (any tree kind, missing values averaged over both children).
    func pathLength(_ row: UnsafePointer<Float>, node v: Int, depth: Int) -> Double {
        let l = Int(child[2 * v]), r = Int(child[2 * v + 1])
        if l == v { return Double(value[v]) }
        var goesLeft: Bool? = nil
        if feature[v] >= 0 {
            let value = row[Int(feature[v])]
            goesLeft = value.isNaN ? nil : value <= threshold[v]
        } else {
            var dot: Float = 0
            var missing = false
            for j in 0..<columns {
                let w = normal[v * columns + j]
                if w == 0 { continue }
                if row[j].isNaN { missing = true; break }
                dot += row[j] * w
            }
            goesLeft = missing ? nil : dot <= threshold[v]
        }
        switch goesLeft {
        case true?: return pathLength(row, node: l, depth: depth + 1)
        case false?: return pathLength(row, node: r, depth: depth + 1)
        case nil:
            let sl = Double(size[l]), sr = Double(size[r])
            guard sl + sr > 0 else { return Double(depth) }
            return (sl * pathLength(row, node: l, depth: depth + 1) + sr * pathLength(row, node: r, depth: depth + 1)) / (sl + sr)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
