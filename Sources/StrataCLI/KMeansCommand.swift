import ArgumentParser
import Foundation
import StrataCluster
import StrataCore
import StrataIO
import StrataKernels
import StrataPlot
import StrataPrep

/// Feature selection and preparation shared by the clustering commands.
struct FeatureOptions: ParsableArguments {
    @Option(name: .long, help: "Feature columns, comma-separated (default: every int/float column except --id).")
    var columns: String?

    @Option(name: .long, help: "Column identifying rows in the output (default: the row number).")
    var id: String?

    @Option(name: .long, help: "Scaling before clustering: zscore, minmax, robust, none.")
    var standardize: ScalingMethod = .zscore

    @Option(name: .long, help: "Missing values: error, drop, mean, median, mode, or constant:<value>.")
    var missing: String = "error"

    @Option(name: .long, help: "Arithmetic precision: float32 or float64.")
    var precision: Precision = .float32

    func validate() throws {
        _ = try missingPolicy()
    }

    func missingPolicy() throws -> MissingValuePolicy {
        guard let policy = MissingValuePolicy(spec: missing) else {
            throw ValidationError("--missing must be error, drop, mean, median, mode or constant:<number>")
        }
        return policy
    }

    func featureColumns(_ table: Table) throws -> [String] {
        try selectFeatureColumns(table, columns: columns, id: id)
    }
}

/// The columns named in `columns` (comma-separated), or every int/float column except `id`.
func selectFeatureColumns(_ table: Table, columns: String?, id: String?) throws -> [String] {
    if let columns {
        return columns.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
    let chosen = table.schema.fields.filter { ($0.type == .float32 || $0.type == .float64 || $0.type == .int64) && $0.name != id }.map(\.name)
    guard !chosen.isEmpty else {
        throw StrataError(.invalidConfiguration, "no numeric columns to use; columns are: \(table.schema.names.joined(separator: ", "))")
    }
    return chosen
}

enum Precision: String, ExpressibleByArgument, CaseIterable { case float32, float64 }
extension ScalingMethod: ExpressibleByArgument {}

/// `strata kmeans`: segment rows with K-Means.
struct KMeansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans",
        abstract: "Segment rows with K-Means and print each segment's profile."
    )

    @Argument(help: "Input file (.csv, .tsv, .parquet, .arrow, .arrows).")
    var input: String

    @Option(name: .long, help: "Number of segments, or a range A...B to sweep k (inertia and silhouette per k, elbow SVG).")
    var k: String

    @Option(name: .long, help: "With a k range: where to write the elbow chart (SVG).")
    var elbow: String = "elbow.svg"

    @Option(name: .customLong("init"), help: "Initialization: k-means++, k-means-parallel, random, or a CSV file of k initial centers (in scaled units).")
    var initialization: String = "k-means++"

    @Option(name: .customLong("n-init"), help: "Restarts, keeping the lowest inertia (default: 1, or 10 with random).")
    var nInit: Int?

    @Option(name: .customLong("max-iter"), help: "Iterations per restart.")
    var maxIter: Int = 300

    @Option(name: .long, help: "Tolerance relative to the mean feature variance (scikit-learn's tol).")
    var tol: Double = 1e-4

    @Option(name: .long, help: "Algorithm: auto, lloyd, hamerly, yinyang, elkan (all reach Lloyd's result) or minibatch.")
    var algorithm: String = "auto"

    @Option(name: .customLong("batch-size"), help: "With --algorithm minibatch: rows per batch.")
    var batchSize: Int = 1024

    @Flag(name: .long, help: "With --algorithm minibatch: read the input in batches, never whole (inputs larger than memory); --standardize zscore, minmax or none, --missing error, drop, mean or constant.")
    var stream = false

    @Option(name: .long, help: "With --stream: passes of mini-batch updates over the file.")
    var passes: Int = 1

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Output file of id, segment, distance per row.")
    var output: String?

    @Option(name: .long, help: "Save the fitted model (JSON) for strata predict.")
    var model: String?

    @Flag(name: .long, help: "Compute silhouette (sampled above 5,000 rows, with a 95% interval), Davies–Bouldin and Calinski–Harabasz.")
    var metrics = false

    @Option(name: .long, help: "Ground-truth column: also report ARI and NMI against it (implies --metrics).")
    var truth: String?

    @OptionGroup var features: FeatureOptions
    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    /// The k values asked for: one, or an inclusive range.
    var kRange: ClosedRange<Int>? {
        for sep in ["...", "..", "-", ":"] where k.contains(sep) {
            let parts = k.components(separatedBy: sep).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a <= b else { return nil }
            return a...b
        }
        return Int(k.trimmingCharacters(in: .whitespaces)).map { $0...$0 }
    }

    func validate() throws {
        guard let range = kRange else { throw ValidationError("--k must be a number or a range such as 2...16") }
        guard range.lowerBound >= 1 else { throw ValidationError("--k must be at least 1") }
        if range.count > 1 {
            guard range.lowerBound >= 2 else { throw ValidationError("a k sweep starts at 2 or more (silhouette needs two segments)") }
            guard range.count <= 64 else { throw ValidationError("a k sweep covers at most 64 values") }
            if output != nil || model != nil { throw ValidationError("--output and --model take a single --k, not a range") }
            if !["k-means++", "k-means-parallel", "k-means||", "random"].contains(initialization) {
                throw ValidationError("initial centers from a file fix k; a k range needs k-means++, k-means-parallel or random")
            }
        }
        guard maxIter >= 1 else { throw ValidationError("--max-iter must be at least 1") }
        guard tol >= 0 else { throw ValidationError("--tol must be ≥ 0") }
        if let nInit, nInit < 1 { throw ValidationError("--n-init must be at least 1") }
        guard KMeansAlgorithm(rawValue: algorithm) != nil || algorithm == "minibatch" else {
            throw ValidationError("--algorithm must be auto, lloyd, hamerly, yinyang, elkan or minibatch")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        if stream {
            guard algorithm == "minibatch" else { throw ValidationError("--stream needs --algorithm minibatch (the others need every row in memory)") }
            guard range.count == 1 else { throw ValidationError("--stream takes a single --k") }
            guard initialization == "k-means++" else { throw ValidationError("--stream seeds by k-means++ on the first batch; --init is not available") }
            guard !metrics && truth == nil else { throw ValidationError("--metrics and --truth need every row in memory; not available with --stream") }
            guard features.standardize != .robust else { throw ValidationError("--stream scales with zscore, minmax or none (robust needs the whole column)") }
            guard passes >= 1 else { throw ValidationError("--passes must be at least 1") }
        }
    }

    func run() throws {
        try reportingErrors {
            switch (features.precision, stream) {
            case (.float32, false): try fit(Float.self)
            case (.float64, false): try fit(Double.self)
            case (.float32, true): try streamFit(Float.self)
            case (.float64, true): try streamFit(Double.self)
            }
        }
    }

    private func fit<S: KernelScalar>(_: S.Type) throws {
        Terminal.progress("reading \(input)…", quiet: global.quiet)
        let (table, _) = try read.read(input, global: global)
        guard table.rowCount > 0 else { throw StrataError(.invalidConfiguration, "no rows to cluster: the input has a header only", file: input) }
        let columns = try features.featureColumns(table)
        let (raw, imputation) = try FeatureExtraction.extract(table, columns: columns, as: S.self, missing: features.missingPolicy())
        let scaler = Standardizer.fit(raw, method: features.standardize)
        for c in scaler.constantColumns {
            Terminal.note("strata: warning: column '\(c)' is constant; it cannot separate segments (scaled to 0)", quiet: global.quiet)
        }
        let x = try scaler.transform(raw)
        let range = kRange!
        let k = range.lowerBound
        var config = KMeansConfiguration(k: k)
        config.nInit = nInit
        config.maxIterations = maxIter
        config.tolerance = tol
        config.seed = seed
        config.algorithm = KMeansAlgorithm(rawValue: algorithm) ?? .auto
        config.parallelism = global.parallelism
        switch initialization {
        case "k-means++": config.initialization = .kMeansPlusPlus
        case "random": config.initialization = .random
        case "k-means-parallel", "k-means||": config.initialization = .kMeansParallel
        default: config.initialization = .centers(try readCenters(initialization, columns: columns, k: k))
        }
        let quiet = global.quiet
        if range.count > 1 {
            try sweep(x, range: range, configuration: config)
            return
        }
        let fitted: KMeansModel<S>
        if algorithm == "minibatch" {
            var mb = MiniBatchKMeans<S>.Configuration(k: k)
            mb.batchSize = batchSize
            mb.maxEpochs = maxIter == 300 ? 100 : maxIter
            mb.seed = seed
            mb.parallelism = global.parallelism
            guard k <= x.rows else { throw StrataError(.invalidConfiguration, "k = \(k) is larger than the number of rows (\(x.rows))") }
            fitted = try x.withUnsafeBufferPointer { try MiniBatchKMeans<S>.fit($0, rows: x.rows, columns: x.columns, configuration: mb) }
        } else {
            fitted = try KMeans.fit(x, configuration: config) { restart, s in
                Terminal.progress("restart \(restart + 1), iteration \(s.iteration): inertia \(Terminal.number(s.inertia)), center shift \(Terminal.number(s.centerShift)), \(s.labelsChanged) labels changed", quiet: quiet)
            }
        }
        Terminal.endProgress(quiet: global.quiet)
        var document = try KMeansDocument(model: fitted, columns: columns, missing: features.missing, imputation: imputation,
                                          scaler: scaler, seed: seed)
        if metrics || truth != nil {
            Terminal.progress("computing quality metrics…", quiet: global.quiet)
            document.metrics = try x.withUnsafeBufferPointer { xb -> KMeansMetrics in
                let silhouette = try ClusteringMetrics.silhouette(xb, columns: x.columns, labels: fitted.labels,
                                                                  sampleSize: x.rows > 5000 ? 2000 : nil, seed: seed,
                                                                  parallelism: global.parallelism)
                var m = KMeansMetrics(silhouette: silhouette,
                                      daviesBouldin: try ClusteringMetrics.daviesBouldin(xb, columns: x.columns, labels: fitted.labels),
                                      calinskiHarabasz: try ClusteringMetrics.calinskiHarabasz(xb, columns: x.columns, labels: fitted.labels))
                if let truth {
                    let column = try table.column(truth)
                    var ids: [String: Int] = [:]
                    let truthLabels = (0..<x.rows).map { i -> Int in
                        let key = column.formatted(at: x.sourceRows?[i] ?? i) ?? "\u{0}null"
                        if let id = ids[key] { return id }
                        ids[key] = ids.count
                        return ids.count - 1
                    }
                    let predicted = fitted.labels.map(Int.init)
                    m.adjustedRandIndex = try ClusteringMetrics.adjustedRandIndex(truthLabels, predicted)
                    m.normalizedMutualInformation = try ClusteringMetrics.normalizedMutualInformation(truthLabels, predicted)
                    m.truthColumn = truth
                }
                return m
            }
            Terminal.endProgress(quiet: global.quiet)
        }
        if let output {
            let (_, distances) = try x.withUnsafeBufferPointer { try fitted.predict($0, columns: x.columns, parallelism: global.parallelism) }
            try writeAssignments(table: table, sourceRows: x.sourceRows, labels: fitted.labels, distances: distances,
                                 id: features.id, to: output, parallelism: global.parallelism)
        }
        if let path = model { try document.save(to: path) }
        try printSummary(document, rows: x.rows, dropped: table.rowCount - x.rows)
    }

    struct SweepRow: Encodable {
        var k: Int
        var inertia: Double
        var iterations: Int
        var silhouette: SilhouetteEstimate
        var daviesBouldin: Double
        var calinskiHarabasz: Double
    }

    /// Fits every k of `range`, prints inertia and quality per k, and writes the elbow chart.
    private func sweep<S: KernelScalar>(_ x: FeatureMatrix<S>, range: ClosedRange<Int>, configuration: KMeansConfiguration) throws {
        guard range.upperBound < x.rows else {
            throw StrataError(.invalidConfiguration, "k = \(range.upperBound) needs more rows than the input's \(x.rows)")
        }
        var rows: [SweepRow] = []
        for k in range {
            Terminal.progress("k = \(k)…", quiet: global.quiet)
            var config = configuration
            config.k = k
            let m = try KMeans.fit(x, configuration: config)
            let row = try x.withUnsafeBufferPointer { xb in
                SweepRow(k: k, inertia: m.inertia, iterations: m.iterations,
                         silhouette: try ClusteringMetrics.silhouette(xb, columns: x.columns, labels: m.labels,
                                                                      sampleSize: x.rows > 3000 ? 1000 : nil, seed: seed,
                                                                      parallelism: global.parallelism),
                         daviesBouldin: try ClusteringMetrics.daviesBouldin(xb, columns: x.columns, labels: m.labels),
                         calinskiHarabasz: try ClusteringMetrics.calinskiHarabasz(xb, columns: x.columns, labels: m.labels))
            }
            rows.append(row)
        }
        Terminal.endProgress(quiet: global.quiet)
        let chart = LineChart(
            title: "K-Means sweep: inertia and silhouette against k (\(x.rows) rows)", xLabel: "k (number of segments)",
            x: rows.map { Double($0.k) },
            left: .init(name: "inertia (\(features.standardize.rawValue) units)", values: rows.map(\.inertia), color: "#1f5fa8"),
            right: .init(name: "silhouette" + (rows.first?.silhouette.exact == false ? " (sampled, 95% interval)" : ""),
                         values: rows.map(\.silhouette.score), errors: rows.map(\.silhouette.halfWidth95), color: "#c0392b"))
        try writeBytes(Array(chart.svg().utf8), to: elbow)
        if global.json {
            print(try Terminal.json(rows))
            return
        }
        guard !global.quiet else { return }
        let best = rows.max { $0.silhouette.score < $1.silhouette.score }!
        print(Terminal.table(["k", "inertia", "iterations", "silhouette", "±95%", "Davies–Bouldin", "Calinski–Harabasz"], rows.map {
            [String($0.k), Terminal.number($0.inertia), String($0.iterations), Terminal.number($0.silhouette.score),
             $0.silhouette.exact ? "exact" : Terminal.number($0.silhouette.halfWidth95), Terminal.number($0.daviesBouldin),
             Terminal.number($0.calinskiHarabasz)]
        }, numericFrom: 0))
        print("\nhighest silhouette at k = \(best.k); elbow chart written to \(elbow)")
    }

    private func readCenters(_ path: String, columns: [String], k: Int) throws -> [Double] {
        var o = CSVReadOptions()
        o.parallelism = global.parallelism
        let centers = try CSVReader.read(path: path, options: o).table
        guard centers.rowCount == k else {
            throw StrataError(.shapeMismatch, "holds \(centers.rowCount) centers, --k is \(k)", file: path)
        }
        let names = centers.schema.names.allSatisfy(columns.contains) && centers.columnCount == columns.count ? columns : centers.schema.names
        let (m, _) = try FeatureExtraction.extract(centers, columns: names, as: Double.self)
        guard m.columns == columns.count else {
            throw StrataError(.shapeMismatch, "centers have \(m.columns) columns, the features \(columns.count)", file: path)
        }
        return m.array
    }

    func printSummary(_ doc: KMeansDocument, rows: Int, dropped: Int) throws {
        if global.json {
            print(try Terminal.json(doc))
            return
        }
        guard !global.quiet else { return }
        print("K-Means: \(rows) rows, \(doc.columns.count) features, k = \(doc.k), \(doc.iterations) iterations, inertia \(Terminal.number(doc.inertia)) (\(doc.scaler.method.rawValue) units)")
        if dropped > 0 { print("\(dropped) rows with missing values were left out (--missing drop)") }
        print("")
        let header = ["segment", "size", "share"] + doc.columns
        let body = (0..<doc.k).map { c -> [String] in
            [String(c), Terminal.number(doc.clusterWeights[c]), String(format: "%.1f%%", 100 * doc.clusterWeights[c] / Double(max(rows, 1)))]
                + doc.centroidsOriginal[c].map { Terminal.number($0) }
        }
        print("Segment profiles (centroids in original units):")
        print(Terminal.table(header, body, numericFrom: 1))
        if let m = doc.metrics {
            print("")
            let s = m.silhouette
            print("silhouette \(Terminal.number(s.score))" + (s.exact ? " (exact)" : " ± \(Terminal.number(s.halfWidth95)) (95% interval, \(s.sampled) sampled rows)")
                  + ", Davies–Bouldin \(Terminal.number(m.daviesBouldin)), Calinski–Harabasz \(Terminal.number(m.calinskiHarabasz))")
            if let ari = m.adjustedRandIndex, let nmi = m.normalizedMutualInformation, let t = m.truthColumn {
                print("against '\(t)': ARI \(Terminal.number(ari)), NMI \(Terminal.number(nmi))")
            }
        }
    }
}

/// Writes `id, segment, distance` per clustered row.
func writeAssignments<S: KernelScalar>(table: Table, sourceRows: [Int]?, labels: [Int32], distances: [S], id: String?,
                                       to path: String, parallelism: Parallelism) throws {
    let n = labels.count
    let idColumn: Column
    var idName = "row"
    if let id {
        let c = try table.column(id)
        idColumn = sourceRows.map { c.gathering($0) } ?? c
        idName = id
    } else {
        let b = ColumnBuilder(type: .int64, capacity: n)
        for i in 0..<n { b.append(Int64((sourceRows?[i] ?? i) + 1)) }
        idColumn = b.finish()
    }
    let seg = ColumnBuilder(type: .int64, capacity: n)
    let dist = ColumnBuilder(type: S.self == Float.self ? .float32 : .float64, capacity: n)
    for i in 0..<n {
        seg.append(Int64(labels[i]))
        if S.self == Float.self { dist.append(Float(distances[i])) } else { dist.append(Double(distances[i])) }
    }
    let out = try Table(names: [idName, "segment", "distance"], columns: [idColumn, seg.finish(), dist.finish()])
    try writeTable(out, to: path, format: nil, parallelism: parallelism)
}

/// `strata predict`: assign new rows to a saved model's segments.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Assign rows to the segments of a model saved by strata kmeans --model."
    )

    @Argument(help: "Input file.")
    var input: String

    @Option(name: .long, help: "Model file written by strata kmeans --model.")
    var model: String

    @Option(name: .long, help: "Output file of id, segment, distance per row.")
    var output: String

    @Option(name: .long, help: "Column identifying rows in the output (default: the row number).")
    var id: String?

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            let doc = try KMeansDocument.load(from: model)
            if doc.precision == "float64" { try predict(doc, Double.self) } else { try predict(doc, Float.self) }
        }
    }

    private func predict<S: KernelScalar>(_ doc: KMeansDocument, _: S.Type) throws {
        let (table, _) = try read.read(input, global: global)
        let (raw, _) = try FeatureExtraction.extract(table, columns: doc.columns, as: S.self, missing: doc.missingPolicy, learned: doc.imputation)
        let x = try doc.scaler.transform(raw)
        let (labels, distances) = try doc.assign(x, parallelism: global.parallelism)
        try writeAssignments(table: table, sourceRows: x.sourceRows, labels: labels, distances: distances,
                             id: id, to: output, parallelism: global.parallelism)
        Terminal.note("assigned \(x.rows) rows to \(doc.k) segments, written to \(output)", quiet: global.quiet)
    }
}
