import StrataCore

/// Per-column count, mean, variance, min and max accumulated over batches of rows (Chan et al.'s
/// pairwise update), for data streamed in chunks larger than memory. NaN values are missing and
/// skipped; the first missing row of each column is remembered.
public struct StreamingMoments: Sendable {
    public private(set) var columns: [String]
    public private(set) var count: [Double]
    public private(set) var mean: [Double]
    private var m2: [Double]
    public private(set) var minimum: [Double]
    public private(set) var maximum: [Double]
    /// 0-based row of the first missing value per column, counted over all batches.
    public private(set) var firstMissing: [Int?]
    /// Rows seen over all batches.
    public private(set) var rows = 0

    public init(columns: [String]) {
        let d = columns.count
        self.columns = columns
        count = [Double](repeating: 0, count: d)
        mean = count
        m2 = count
        minimum = [Double](repeating: .infinity, count: d)
        maximum = [Double](repeating: -.infinity, count: d)
        firstMissing = [Int?](repeating: nil, count: d)
    }

    /// Adds a batch (rows × columns, the same columns in the same order).
    /// - Complexity: O(rows × columns)
    public mutating func add(_ batch: FeatureMatrix<Double>) {
        precondition(batch.columns == columns.count)
        let d = batch.columns
        batch.withUnsafeBufferPointer { x in
            for j in 0..<d {
                var n = 0.0, mu = 0.0, s = 0.0, lo = Double.infinity, hi = -Double.infinity
                for i in 0..<batch.rows {
                    let v = x[i * d + j]
                    if v.isNaN {
                        if firstMissing[j] == nil { firstMissing[j] = rows + i }
                        continue
                    }
                    n += 1
                    let delta = v - mu
                    mu += delta / n
                    s += delta * (v - mu)
                    lo = Swift.min(lo, v)
                    hi = Swift.max(hi, v)
                }
                guard n > 0 else { continue }
                let total = count[j] + n
                let delta = mu - mean[j]
                mean[j] += delta * n / total
                m2[j] += s + delta * delta * count[j] * n / total
                count[j] = total
                minimum[j] = Swift.min(minimum[j], lo)
                maximum[j] = Swift.max(maximum[j], hi)
            }
        }
        rows += batch.rows
    }

    /// Population variance per column (as numpy's default and scikit-learn's StandardScaler).
    public var populationVariance: [Double] { (0..<columns.count).map { count[$0] > 0 ? m2[$0] / count[$0] : 0 } }

    /// The scaler these statistics define: z-score or min-max (robust scaling needs quantiles,
    /// which one streaming pass cannot give exactly).
    /// - Throws: `StrataError.unsupported` for robust scaling.
    public func standardizer(method: ScalingMethod) throws -> Standardizer {
        let d = columns.count
        var centers = [Double](repeating: 0, count: d), scales = [Double](repeating: 1, count: d)
        var constant: [String] = []
        let variance = populationVariance
        for j in 0..<d {
            let scale: Double
            switch method {
            case .zscore: centers[j] = mean[j]; scale = variance[j].squareRoot()
            case .minmax: centers[j] = minimum[j]; scale = maximum[j] - minimum[j]
            case .none: scale = 1
            case .robust:
                throw StrataError(.unsupported, "robust scaling needs the whole column (quantiles); with streamed input use zscore, minmax or none")
            }
            if method != .none && (scale == 0 || !scale.isFinite) { constant.append(columns[j]); scales[j] = 1 } else { scales[j] = scale }
        }
        return Standardizer(method: method, columns: columns, centers: centers, scales: scales, constantColumns: constant)
    }
}
