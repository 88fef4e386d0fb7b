import StrataCore
import StrataKernels

/// How features are rescaled before distance-based algorithms.
public enum ScalingMethod: String, Sendable, Codable, CaseIterable {
    /// (x − mean) / std, population std (ddof = 0) as scikit-learn's StandardScaler.
    case zscore
    /// (x − min) / (max − min), as MinMaxScaler with the default range.
    case minmax
    /// (x − median) / (q75 − q25), as RobustScaler with its defaults.
    case robust
    /// Unchanged.
    case none
}

/// Per-column centering and scaling, fitted once and applied the same way to new data.
///
/// A zero scale (a constant column) is replaced by 1, as scikit-learn does, so the column
/// becomes all zeros instead of NaN; `constantColumns` names them for the caller to warn about.
public struct Standardizer: Sendable, Codable, Equatable {
    public var method: ScalingMethod
    public var columns: [String]
    public var centers: [Double]
    public var scales: [Double]
    public var constantColumns: [String]

    /// A scaler with given centers and scales (`(x − center) / scale` per column).
    public init(method: ScalingMethod, columns: [String], centers: [Double], scales: [Double], constantColumns: [String] = []) {
        precondition(centers.count == columns.count && scales.count == columns.count)
        self.method = method
        self.columns = columns
        self.centers = centers
        self.scales = scales
        self.constantColumns = constantColumns
    }

    /// Learns centers and scales from `matrix` (rows × columns).
    /// - Complexity: O(rows × columns); robust scaling needs O(rows) scratch per column.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func fit<S: FeatureScalar>(_ matrix: FeatureMatrix<S>, method: ScalingMethod) -> Standardizer {
        let d = matrix.columns, n = matrix.rows
        var centers = [Double](repeating: 0, count: d)
        var scales = [Double](repeating: 1, count: d)
        var constant: [String] = []
        if method != .none && n > 0 {
            let column = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
            defer { column.deallocate() }
            for j in 0..<d {
                matrix.withUnsafeBufferPointer { x in for i in 0..<n { column[i] = Double(x[i * d + j]) } }
                let scale: Double
                switch method {
                case .zscore:
                    let m = MomentsKernel.moments(UnsafeBufferPointer(column))
                    centers[j] = m.mean
                    scale = m.populationVariance.squareRoot()
                case .minmax:
                    let m = MomentsKernel.moments(UnsafeBufferPointer(column))
                    centers[j] = m.min
                    scale = m.max - m.min
                case .robust:
                    let q = Quantiles.compute(column, [0.25, 0.5, 0.75])
                    centers[j] = q[1]
                    scale = q[2] - q[0]
                case .none:
                    scale = 1
                }
                if scale == 0 || !scale.isFinite {
                    constant.append(matrix.columnNames[j])
                    scales[j] = 1
                } else {
                    scales[j] = scale
                }
            }
        }
        return Standardizer(method: method, columns: matrix.columnNames, centers: centers, scales: scales, constantColumns: constant)
    }

    /// `(x − center) / scale` per column, computed in double and rounded once to `S`.
    /// - Throws: `StrataError.shapeMismatch` when the columns differ from the fitted ones.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public func transform<S: FeatureScalar>(_ matrix: FeatureMatrix<S>) throws -> FeatureMatrix<S> {
        try checkShape(matrix)
        return map(matrix) { x, j in (x - centers[j]) / scales[j] }
    }

    /// Back to original units: `x · scale + center`.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public func inverseTransform<S: FeatureScalar>(_ matrix: FeatureMatrix<S>) throws -> FeatureMatrix<S> {
        try checkShape(matrix)
        return map(matrix) { x, j in x * scales[j] + centers[j] }
    }

    private func checkShape<S>(_ matrix: FeatureMatrix<S>) throws {
        guard matrix.columns == columns.count else {
            throw StrataError(.shapeMismatch, "matrix has \(matrix.columns) columns, the scaler was fitted on \(columns.count) (\(columns.joined(separator: ", ")))")
        }
    }

    private func map<S: FeatureScalar>(_ matrix: FeatureMatrix<S>, _ f: (Double, Int) -> Double) -> FeatureMatrix<S> {
        let d = matrix.columns, total = matrix.rows * d
        let out = AlignedStorage<S>(capacity: total)
        out.resize(to: total, fill: 0)
        matrix.withUnsafeBufferPointer { x in
            for i in 0..<matrix.rows {
                for j in 0..<d { out.base[i * d + j] = S(f(Double(x[i * d + j]), j)) }
            }
        }
        return FeatureMatrix(rows: matrix.rows, columns: d, storage: out, columnNames: matrix.columnNames, sourceRows: matrix.sourceRows)
    }
}
