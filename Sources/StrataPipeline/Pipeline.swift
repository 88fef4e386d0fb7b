import Foundation
import StrataCore
import StrataIO
import StrataPrep
import StrataCluster
import StrataAnalytics
import StrataClean
import StrataPredict
import StrataValidate
import StrataPlot

/// How a pipeline run behaves.
public struct PipelineOptions: Sendable {
    /// Continue from the last completed step of an interrupted run of the same spec.
    public var resume = false
    public var parallelism = Parallelism.allCores
    /// Stop (as if killed) after this step: for testing `resume`.
    public var stopAfter: String?

    public init() {}
}

/// One step's line in the run report.
public struct PipelineStepReport: Sendable, Codable {
    public var step: String
    public var rows: Int
    public var note: String
    public var seconds: Double
    public var resumed = false
}

/// The overnight re-segmentation: load → clean → deduplicate → validate (quarantine) → RFM
/// features → consent filter → rule segments, K-Means clusters, churn scores → outputs and a
/// self-contained HTML report.
///
/// Every step's result is checkpointed under `<output>/.work` (Arrow IPC) with the spec's
/// fingerprint; `resume` reloads the completed steps and runs the rest, giving the same result
/// as an uninterrupted run (each step is deterministic). Final outputs are written to a staging
/// folder and renamed into `<output>` only when all succeeded, so a failed run leaves the
/// previous outputs untouched.
public enum Pipeline {
    struct State: Codable {
        var fingerprint: String
        var completed: [PipelineStepReport]
        var artifacts: [String: String]  // small results kept as text (JSON)
    }

    struct Stopped: Error {}

    /// - Parameter progress: called with one line per step (for stderr).
    /// - Returns: the step reports and the path of the HTML report.
    public static func run(_ spec: PipelineSpec, options: PipelineOptions = PipelineOptions(),
                           progress: (String) -> Void = { _ in }) throws -> (steps: [PipelineStepReport], report: String) {
        let fm = FileManager.default
        let work = spec.output + "/.work"
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        let fingerprint = String(spec.text.hashValueStable, radix: 16)
        var state = State(fingerprint: fingerprint, completed: [], artifacts: [:])
        if options.resume, let data = fm.contents(atPath: work + "/state.json"),
           let saved = try? JSONDecoder().decode(State.self, from: data) {
            guard saved.fingerprint == fingerprint else {
                throw StrataError(.invalidConfiguration, "--resume: the spec changed since the interrupted run; run without --resume", file: spec.source)
            }
            state = saved
        } else {
            try? fm.removeItem(atPath: work)
            try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        }
        var table = Table.emptyTable
        var reports: [PipelineStepReport] = []
        let steps = spec.steps
        for (index, step) in steps.enumerated() where step != "outputs" {
            let checkpoint = "\(work)/\(step).arrow"
            if let done = state.completed.first(where: { $0.step == step }), fm.fileExists(atPath: checkpoint) {
                table = try ArrowIPCReader.read(path: checkpoint)
                var r = done
                r.resumed = true
                reports.append(r)
                progress("[\(index + 1)/\(steps.count)] \(step): resumed from the checkpoint (\(table.rowCount) rows)")
                continue
            }
            let start = Date()
            let note: String
            (table, note) = try runStep(step, spec: spec, table: table, work: work, state: &state, options: options)
            let report = PipelineStepReport(step: step, rows: table.rowCount, note: note, seconds: Date().timeIntervalSince(start))
            try ArrowIPCWriter.write(table, to: checkpoint)
            state.completed.append(report)
            try JSONFile.save(state, to: work + "/state.json")
            reports.append(report)
            progress("[\(index + 1)/\(steps.count)] \(step): \(note) (\(String(format: "%.2f", report.seconds)) s)")
            if options.stopAfter == step { throw Stopped() }
        }
        let start = Date()
        let html = try writeOutputs(spec, table: table, work: work, state: state, steps: reports, parallelism: options.parallelism)
        reports.append(PipelineStepReport(step: "outputs", rows: table.rowCount, note: "written to \(spec.output)", seconds: Date().timeIntervalSince(start)))
        progress("[\(steps.count)/\(steps.count)] outputs: written to \(spec.output)")
        try? fm.removeItem(atPath: work)
        return (reports, html)
    }

    /// Whether an error is the test hook's stop.
    public static func isStop(_ error: Error) -> Bool { error is Stopped }

    // MARK: Steps

    private static func runStep(_ step: String, spec: PipelineSpec, table: Table, work: String, state: inout State,
                                options: PipelineOptions) throws -> (Table, String) {
        let p = options.parallelism
        func located(_ body: () throws -> Table, file: String) throws -> Table {
            do { return try body() } catch let e as StrataError { throw e.inFile(file) }
        }
        switch step {
        case "load":
            let t = try TableFiles.read(spec.profiles, parallelism: p)
            _ = try t.column(spec.key)
            return (t, "\(t.rowCount) profiles from \(spec.profiles)")
        case "clean":
            let (t, report) = try Cleaner.clean(table, spec: spec.clean!)
            state.artifacts["clean"] = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
            let changed = report.columns.reduce(0) { $0 + $1.changed }, invalid = report.columns.reduce(0) { $0 + $1.invalid + $1.ambiguous }
            return (t, "\(changed) values standardized, \(invalid) invalid or ambiguous set null, \(report.rowsIn - report.rowsOut) rows dropped")
        case "dedup":
            var config = DedupConfiguration()
            config.threshold = spec.dedupThreshold
            config.parallelism = p
            config.blocks = try spec.dedupBlocks.map { try DedupSpecs.block($0) }
            config.fields = try spec.dedupFields.map { try DedupSpecs.field($0) }
            let result = try Deduplicator.run(table, configuration: config)
            let (golden, lineage) = try GoldenRecords.build(table, result: result, id: spec.key)
            try ArrowIPCWriter.write(lineage, to: work + "/lineage.arrow")
            let kept = try golden.select(golden.schema.names.filter { $0 != "entity" && $0 != "members" })
            return (kept, "\(table.rowCount) records → \(result.entityCount) customers (\(table.rowCount - result.entityCount) duplicates merged, \(result.pairs.count) matched pairs)")
        case "validate":
            let path = spec.validate!
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw StrataError(.io, "cannot open for reading", file: path) }
            let rules = try RuleSet.parse(yaml: text, source: path)
            let outcome = try Validator.validate(table, rules: rules, input: spec.profiles, parallelism: p)
            let quarantined = outcome.quarantined.keys.sorted()
            try ArrowIPCWriter.write(table.gathering(quarantined), to: work + "/quarantine.arrow")
            state.artifacts["validate"] = String(decoding: try JSONEncoder().encode(outcome.report), as: UTF8.self)
            return (table.gathering(outcome.cleanRows), "\(quarantined.count) rows quarantined by \(path)")
        case "features":
            let r = spec.rfm!
            let tx = try TableFiles.read(spec.transactions!, parallelism: p)
            var config = RFMConfiguration()
            config.asOf = spec.asOf
            config.amountPolicy = AmountPolicy(rawValue: r.badAmounts)!
            config.parallelism = p
            let (rfm, summary): (Table, RFMSummary)
            do { (rfm, summary) = try RFM.compute(tx, customer: spec.key, date: r.date, amount: r.amount, configuration: config) }
            catch let e as StrataError { throw e.inFile(spec.transactions!) }
            let renamed = try Table(names: rfm.schema.names.map { $0 == spec.key ? $0 : "rfm_" + $0 }, columns: rfm.columns)
            let joined = try HashJoin.leftJoin(table, renamed, on: spec.key)
            return (joined, "RFM, lifecycle and BTYD features of \(summary.customers) customers from \(summary.transactions) transactions (as of \(summary.asOf))")
        case "consent":
            let column = spec.consent!
            let filter: ConsentFilter
            do { filter = try ConsentFilter(flags: try table.column(column), name: column) } catch let e as StrataError { throw e.inFile(spec.source) }
            let keep = filter.allowed.indices.filter { filter.allowed[$0] }
            return (table.gathering(keep), "\(filter.declined + filter.missing) customers without consent excluded (\(filter.declined) declined, \(filter.missing) unknown)")
        case "segments":
            let path = spec.segments!
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw StrataError(.io, "cannot open for reading", file: path) }
            let rules = try SegmentSpec.parse(yaml: text, source: path)
            let events = try spec.events.map { try TableFiles.read($0, parallelism: p) }
            let (out, features, summary) = try Segmenter.run(rules, profiles: table, events: events, asOf: spec.asOf)
            // The event aggregates stay as features; membership columns join by key.
            let flags = try out.select(out.schema.names.filter { $0 == spec.key || features.schema.index(of: $0) == nil })
            let joined = try HashJoin.leftJoin(features, flags, on: spec.key)
            return (joined, "\(summary.order.count) rule segments; \(summary.included - summary.unsegmented) of \(summary.included) customers in at least one")
        case "clustering":
            let c = spec.clustering!
            let (raw, _) = try FeatureExtraction.extract(table, columns: c.columns, as: Double.self, missing: MissingValuePolicy(spec: "median") ?? .dropRows)
            guard let method = ScalingMethod(rawValue: c.standardize) else { throw StrataError(.invalidConfiguration, "clustering.standardize must be zscore, minmax, robust or none", file: spec.source) }
            let scaler = Standardizer.fit(raw, method: method)
            let x = try scaler.transform(raw)
            let labels: [Int64]
            let summary: String
            if c.method == "kmeans" {
                var config = KMeansConfiguration(k: c.k)
                config.seed = c.seed
                config.parallelism = p
                let model = try KMeans.fit(x, configuration: config)
                labels = model.labels.map { Int64($0) + 1 }
                summary = "K-Means, k = \(c.k), inertia \(String(format: "%.1f", model.inertia)), \(model.iterations) iterations"
            } else {
                var config = HierarchicalConfiguration(method: .ward)
                config.parallelism = p
                let exact = x.rows <= 20_000
                let cut: [Int32] = try x.withUnsafeBufferPointer { v in
                    if exact {
                        return try HierarchicalClustering.fit(v, rows: x.rows, columns: x.columns, configuration: config).clusters(count: c.k)
                    }
                    let two = try HierarchicalClustering.fitTwoStage(v, rows: x.rows, columns: x.columns, microClusters: 2_000, configuration: config, seed: c.seed)
                    return two.rowLabels(try two.dendrogram.clusters(count: c.k))
                }
                labels = cut.map(Int64.init)
                summary = "Ward, k = \(c.k)" + (exact ? "" : " (two-stage: K-Means into 2,000 micro-clusters, then Ward)")
            }
            // Centroids in standardized units, for the model file.
            let d = c.columns.count
            var centroids = [[Double]](repeating: [Double](repeating: 0, count: d), count: c.k), sizes = [Int](repeating: 0, count: c.k)
            x.withUnsafeBufferPointer { v in
                for i in 0..<x.rows {
                    let l = Int(labels[i] - 1)
                    sizes[l] += 1
                    for j in 0..<d { centroids[l][j] += v[i * d + j] }
                }
            }
            centroids = zip(centroids, sizes).map { row, n in row.map { n > 0 ? $0 / Double(n) : 0 } }
            // Segment profiles in original units: each cluster's mean of the clustering columns.
            var sums = [[Double]](repeating: [Double](repeating: 0, count: c.columns.count), count: c.k), counts = [Int](repeating: 0, count: c.k)
            raw.withUnsafeBufferPointer { v in
                for i in 0..<raw.rows {
                    let l = Int(labels[i] - 1)
                    counts[l] += 1
                    for j in 0..<c.columns.count { sums[l][j] += v[i * c.columns.count + j] }
                }
            }
            var profiles: [[String: Double]] = []
            for k in 0..<c.k {
                var row: [String: Double] = ["cluster": Double(k + 1), "size": Double(counts[k])]
                for (j, name) in c.columns.enumerated() { row[name] = counts[k] > 0 ? sums[k][j] / Double(counts[k]) : 0 }
                profiles.append(row)
            }
            state.artifacts["clusters"] = String(decoding: try JSONEncoder().encode(profiles), as: UTF8.self)
            struct ModelFile: Encodable { let format = "strata-segment-clusters"; let version = 1; let method: String; let columns: [String]
                let scaling: String; let centers: [Double]; let scales: [Double]; let centroids: [[Double]] }
            state.artifacts["cluster-model"] = String(decoding: try JSONEncoder().encode(ModelFile(method: c.method, columns: c.columns, scaling: c.standardize,
                centers: scaler.centers, scales: scaler.scales, centroids: centroids)), as: UTF8.self)
            var rows = labels
            if let source = raw.sourceRows {  // rows dropped for missing values get no cluster
                var full = [Int64](repeating: 0, count: table.rowCount)
                for (k, r) in source.enumerated() { full[r] = labels[k] }
                rows = full
            }
            let column = Column(.int64(PrimitiveArray(rows)), validity: Validity.from(rows.map { $0 > 0 }))
            return (try table.adding("cluster", column), summary)
        case "churn":
            let c = spec.churn!
            let (raw, _) = try FeatureExtraction.extract(table, columns: c.features, as: Double.self, missing: MissingValuePolicy(spec: "median") ?? .dropRows)
            let label = try table.column(c.label)
            let y = (0..<table.rowCount).map { Int(label.doubleValue(at: $0) ?? 0) }
            let x = raw.withUnsafeBufferPointer { Array($0) }
            var config = RandomForestConfiguration()
            config.trees = c.trees
            config.parallelism = p
            let d = c.features.count
            let auc = try HeldOutEvaluation(x, rows: table.rowCount, features: d, y: y, testFraction: 0.25, seed: 0,
                                            threshold: c.threshold, configuration: config).rocAUC
            let model = try RandomForestClassifier.fit(x, rows: table.rowCount, features: d, y: y, configuration: config)
            let probability = model.predictProbability(x, rows: table.rowCount, parallelism: p)
            state.artifacts["churn"] = String(decoding: try JSONEncoder().encode(["auc": auc, "threshold": c.threshold]), as: UTF8.self)
            struct ChurnFile: Encodable { let format = "strata-churn-forest-summary"; let version = 1; let label: String; let features: [String]
                let trees: Int; let threshold: Double; let heldOutAUC: Double; let featureImportances: [Double] }
            state.artifacts["churn-model"] = String(decoding: try JSONEncoder().encode(ChurnFile(label: c.label, features: c.features, trees: c.trees,
                threshold: c.threshold, heldOutAUC: auc, featureImportances: model.featureImportances)), as: UTF8.self)
            let t = try table.adding("churn_probability", Column(.float64(PrimitiveArray(probability))))
                .adding("high_churn_risk", Column(.bool(PrimitiveArray(probability.map { $0 >= c.threshold ? UInt8(1) : 0 }))))
            return (t, "random forest (\(c.trees) trees): held-out ROC-AUC \(String(format: "%.4f", auc)); \(probability.filter { $0 >= c.threshold }.count) customers at high churn risk")
        default:
            preconditionFailure("unknown step \(step)")
        }
    }

    // MARK: Outputs

    private static func writeOutputs(_ spec: PipelineSpec, table: Table, work: String, state: State, steps: [PipelineStepReport],
                                     parallelism: Parallelism) throws -> String {
        let fm = FileManager.default
        let staging = spec.output + "/.staging"
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        var files: [String] = []
        func put(_ name: String, _ body: (String) throws -> Void) throws {
            try body(staging + "/" + name)
            files.append(name)
        }
        // Per customer: the key and every segmentation result.
        let wanted = [spec.key, "primary_segment", "cluster", "churn_probability", "high_churn_risk", "rfm_rfm_segment", "rfm_lifecycle"]
        var ruleColumns: [String] = []
        if let path = spec.segments, let text = try? String(contentsOfFile: path, encoding: .utf8), let rules = try? SegmentSpec.parse(yaml: text, source: path) {
            ruleColumns = rules.segments.map(\.name)
        }
        let assignmentColumns = (wanted + ruleColumns).filter { table.schema.index(of: $0) != nil }
        try put("assignments.parquet") { try TableFiles.write(try table.select(assignmentColumns), to: $0, parallelism: parallelism) }
        try put("profiles.parquet") { try TableFiles.write(table, to: $0, parallelism: parallelism) }
        if fm.fileExists(atPath: work + "/quarantine.arrow") {
            let q = try ArrowIPCReader.read(path: work + "/quarantine.arrow")
            try put("quarantine.csv") { try TableFiles.write(q, to: $0) }
        }
        if fm.fileExists(atPath: work + "/lineage.arrow") {
            let l = try ArrowIPCReader.read(path: work + "/lineage.arrow")
            try put("dedup-lineage.parquet") { try TableFiles.write(l, to: $0) }
        }
        if let model = state.artifacts["cluster-model"] { try put("cluster-model.json") { try writeBytes(Array(model.utf8), to: $0) } }
        if let model = state.artifacts["churn-model"] { try put("churn-model.json") { try writeBytes(Array(model.utf8), to: $0) } }
        if let clusters = state.artifacts["clusters"] { try put("segment-profiles.json") { try writeBytes(Array(clusters.utf8), to: $0) } }
        let html = PipelineReport.html(spec, table: table, steps: steps, artifacts: state.artifacts, ruleSegments: ruleColumns)
        try put("report.html") { try writeBytes(Array(html.utf8), to: $0) }
        // All written: move them into place, one rename each.
        for name in files {
            let target = spec.output + "/" + name
            try? fm.removeItem(atPath: target)
            try fm.moveItem(atPath: staging + "/" + name, toPath: target)
        }
        try? fm.removeItem(atPath: staging)
        return spec.output + "/report.html"
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per run).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}

extension Table {
    static var emptyTable: Table { try! Table(names: [], columns: []) }
}
