import ArgumentParser
import Foundation
import StrataAnomaly
import StrataCore
import StrataIO
import StrataPrep

/// `strata anomalies`: score rows with an Isolation Forest.
struct AnomaliesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "Score rows with an Isolation Forest (scikit-learn's semantics) and flag the anomalous ones.",
        discussion: """
            The score is scikit-learn's score_samples: −2^(−E[h]/c(ψ)), lower = more abnormal. A row is flagged \
            when score − offset < 0; the offset is −0.5 with --contamination auto, else the contamination \
            percentile of the training scores. Missing values are not imputed: a row missing a split's feature \
            goes down both branches, weighted by the training rows each received.
            """
    )

    @Argument(help: "Input file (.csv, .tsv, .parquet, .arrow, .arrows).")
    var input: String

    @Option(name: .long, help: "Feature columns, comma-separated (default: every int/float column except --id).")
    var columns: String?

    @Option(name: .long, help: "Column identifying rows in the output (default: the row number).")
    var id: String?

    @Option(name: .long, help: "Trees (n_estimators).")
    var trees: Int = 100

    @Option(name: .customLong("max-samples"), help: "Rows per tree: auto (min(256, n)), a count, or a fraction in (0, 1).")
    var maxSamples: String = "auto"

    @Option(name: .customLong("max-features"), help: "Share of the features each tree sees, in (0, 1].")
    var maxFeatures: Double = 1.0

    @Flag(name: .long, help: "Draw each tree's rows with replacement.")
    var bootstrap = false

    @Option(name: .long, help: "auto (offset −0.5) or the expected share of anomalies in (0, 0.5].")
    var contamination: String = "auto"

    @Option(name: .customLong("extension-level"), help: "Extended Isolation Forest: non-zero coordinates − 1 of the split hyperplanes (0 = axis-parallel).")
    var extensionLevel: Int?

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Output file of id, score, anomaly per row.")
    var output: String?

    @Option(name: .long, help: "Save the fitted forest (JSON).")
    var model: String?

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        _ = try configuration()
    }

    func configuration() throws -> IsolationForestConfiguration {
        var c = IsolationForestConfiguration()
        c.trees = trees
        c.maxFeatures = maxFeatures
        c.bootstrap = bootstrap
        c.extensionLevel = extensionLevel
        c.seed = seed
        c.parallelism = global.parallelism
        switch maxSamples {
        case "auto": c.maxSamples = .auto
        default:
            if let n = Int(maxSamples) { c.maxSamples = .count(n) } else if let f = Double(maxSamples), f > 0, f < 1 {
                c.maxSamples = .fraction(f)
            } else {
                throw ValidationError("--max-samples must be auto, a count, or a fraction in (0, 1)")
            }
        }
        if contamination != "auto" {
            guard let f = Double(contamination) else { throw ValidationError("--contamination must be auto or a share in (0, 0.5]") }
            c.contamination = .fraction(f)
        }
        do { try c.validate() } catch let e as StrataError { throw ValidationError(e.message) }
        return c
    }

    struct Summary: Encodable {
        var rows: Int
        var trees: Int
        var samplesPerTree: Int
        var offset: Double
        var anomalies: Int
        var fitSeconds: Double
        var scoreSeconds: Double
        var mostAnomalous: [[String: String]]
    }

    func run() throws {
        try reportingErrors {
            let config = try configuration()
            let (table, _) = try read.read(input, global: global)
            guard table.rowCount > 0 else { throw StrataError(.invalidConfiguration, "no rows to score: the input has a header only", file: input) }
            let names = try featureColumns(table)
            let (x, _) = try FeatureExtraction.extract(table, columns: names, as: Float.self, missing: .impute(.constant(.nan)))
            let start = monotonicSeconds()
            let forest = try IsolationForest.fit(x, configuration: config)
            let fitted = monotonicSeconds()
            let scores = forest.scoreSamples(x, parallelism: global.parallelism)
            let end = monotonicSeconds()
            let flags = scores.map { $0 - forest.offset < 0 }
            if let output {
                let (idName, ids) = try idColumn(table: table, sourceRows: nil, id: id, rows: x.rows)
                let s = ColumnBuilder(type: .float64, capacity: x.rows), a = ColumnBuilder(type: .bool, capacity: x.rows)
                for i in 0..<x.rows { s.append(scores[i]); a.append(flags[i]) }
                try writeTable(try Table(names: [idName, "score", "anomaly"], columns: [ids, s.finish(), a.finish()]),
                               to: output, format: nil, parallelism: global.parallelism)
            }
            if let model { try IsolationForestDocument(columns: names, model: forest).save(to: model) }
            let worst = scores.indices.sorted { (scores[$0], $0) < (scores[$1], $1) }.prefix(10)
            let idCol = try id.map { try table.column($0) }
            let top = worst.map { i -> [String: String] in
                var row = ["row": String(i + 1), "score": Terminal.number(scores[i])]
                if let idCol, let id { row[id] = idCol.formatted(at: i) ?? "" }
                return row
            }
            let summary = Summary(rows: x.rows, trees: forest.trees, samplesPerTree: forest.samples, offset: forest.offset,
                                  anomalies: flags.filter { $0 }.count, fitSeconds: fitted - start, scoreSeconds: end - fitted, mostAnomalous: top)
            if global.json {
                print(try Terminal.json(summary))
            } else if !global.quiet {
                print("Isolation Forest: \(summary.rows) rows, \(names.count) features, \(summary.trees) trees of \(summary.samplesPerTree) rows"
                      + (extensionLevel.map { ", extension level \($0)" } ?? ""))
                print("\(summary.anomalies) rows flagged (\(String(format: "%.2f", 100 * Double(summary.anomalies) / Double(summary.rows)))%), offset \(Terminal.number(summary.offset))")
                print("")
                print("Most anomalous rows (lowest scores):")
                print(Terminal.table((id.map { [$0] } ?? []) + ["row", "score"], top.map { r in (id.map { [r[$0] ?? ""] } ?? []) + [r["row"]!, r["score"]!] }, numericFrom: 0))
            }
        }
    }

    func featureColumns(_ table: Table) throws -> [String] {
        try selectFeatureColumns(table, columns: columns, id: id)
    }
}
