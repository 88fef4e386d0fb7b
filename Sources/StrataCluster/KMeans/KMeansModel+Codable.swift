import Foundation
import StrataCore
import StrataKernels
import StrataPrep

/// A fitted segmentation saved to disk: the K-Means model plus the preprocessing that turns a
/// table into its feature matrix, so new data is imputed and scaled exactly as the fitted data.
///
/// Format (JSON, `format` = "strata-kmeans", `version` = 1):
/// - `precision`: "float32" or "float64"; `k`; `columns`: the feature columns in order;
/// - `missing`: "error", "drop" or an imputation ("mean", "median", "mode", "constant:<v>");
///   `imputation`: the learned fill values per column (absent unless imputing);
/// - `scaler`: the fitted `Standardizer` (method, centers, scales);
/// - `centroids`: k arrays of d values in scaled units; `centroidsOriginal`: the same in the
///   columns' original units;
/// - `inertia`, `iterations`, `clusterWeights`, `history` (per-iteration statistics), `seed`;
/// - `metrics` (optional): silhouette (with its sample size and 95% interval), Davies–Bouldin,
///   Calinski–Harabasz, and ARI/NMI against a ground-truth column.
/// Quality of a fitted segmentation (`ClusteringMetrics`); ARI and NMI only against a ground truth.
public struct KMeansMetrics: Codable, Sendable, Equatable {
    public var silhouette: SilhouetteEstimate
    public var daviesBouldin: Double
    public var calinskiHarabasz: Double
    public var adjustedRandIndex: Double?
    public var normalizedMutualInformation: Double?
    public var truthColumn: String?

    public init(silhouette: SilhouetteEstimate, daviesBouldin: Double, calinskiHarabasz: Double) {
        self.silhouette = silhouette
        self.daviesBouldin = daviesBouldin
        self.calinskiHarabasz = calinskiHarabasz
    }
}

public struct KMeansDocument: Codable, Sendable {
    public static let formatName = "strata-kmeans"
    public static let currentVersion = 1

    public var format = KMeansDocument.formatName
    public var version = KMeansDocument.currentVersion
    public var precision: String
    public var k: Int
    public var columns: [String]
    public var missing: String
    public var imputation: ImputationValues?
    public var scaler: Standardizer
    public var centroids: [[Double]]
    public var centroidsOriginal: [[Double]]
    public var inertia: Double
    public var iterations: Int
    public var clusterWeights: [Double]
    public var history: [KMeansIterationStatistics]
    public var seed: UInt64
    /// Quality measures, when computed at fit time.
    public var metrics: KMeansMetrics?

    public init<S: KernelScalar>(model: KMeansModel<S>, columns: [String], missing: String, imputation: ImputationValues?,
                                        scaler: Standardizer, seed: UInt64) throws {
        precision = S.self == Float.self ? "float32" : "float64"
        k = model.k
        self.columns = columns
        self.missing = missing
        self.imputation = imputation
        self.scaler = scaler
        centroids = (0..<model.k).map { c in (0..<model.d).map { Double(model.centroids[c * model.d + $0]) } }
        let scaled = FeatureMatrix<Double>(rows: model.k, columns: model.d, values: centroids.flatMap { $0 }, columnNames: columns)
        let original = try scaler.inverseTransform(scaled)
        centroidsOriginal = (0..<model.k).map { c in (0..<model.d).map { original[c, $0] } }
        inertia = model.inertia
        iterations = model.iterations
        clusterWeights = model.clusterWeights
        history = model.history
        self.seed = seed
    }

    /// Writes the document as JSON, atomically.
    public func save(to path: String) throws { try JSONFile.save(self, to: path) }

    /// Reads and checks a saved document.
    /// - Throws: `StrataError.io` (unreadable), `.parse` (not a Strata K-Means model, or a newer version).
    public static func load(from path: String) throws -> KMeansDocument {
        let doc = try JSONFile.load(KMeansDocument.self, from: path, what: "a Strata K-Means model")
        guard doc.format == formatName else { throw StrataError(.parse, "format is '\(doc.format)', expected '\(formatName)'", file: path) }
        guard doc.version <= currentVersion else {
            throw StrataError(.parse, "model version \(doc.version) is newer than this strata reads (\(currentVersion))", file: path)
        }
        guard doc.centroids.count == doc.k, doc.centroids.allSatisfy({ $0.count == doc.columns.count }) else {
            throw StrataError(.parse, "centroids do not match k × columns", file: path)
        }
        return doc
    }

    /// The missing-value policy this document was fitted with (`error` if unreadable).
    public var missingPolicy: MissingValuePolicy { MissingValuePolicy(spec: missing) ?? .error }

    /// Nearest segment and the distance to its centroid for each row of `x` (n × columns, in
    /// the scaled units the model was fitted in).
    /// - Throws: `StrataError.shapeMismatch` when the width differs from the model's columns.
    public func assign<S: KernelScalar>(_ x: FeatureMatrix<S>, parallelism: Parallelism = .allCores) throws -> (labels: [Int32], distances: [S]) {
        try ensure(x.columns == columns.count, .shapeMismatch, "data has \(x.columns) columns, the model \(columns.count)")
        let flat = centroids.flatMap { $0 }.map { S($0) }
        return flat.withUnsafeBufferPointer { c in
            x.withUnsafeBufferPointer { xb in
                Lloyd<S>.assignAll(xb.baseAddress!, n: x.rows, d: x.columns, nearest: NearestCentroid(centroids: c, k: k, d: x.columns),
                                   parallelism: parallelism)
            }
        }
    }
}
