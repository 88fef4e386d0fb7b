import ArgumentParser
import Foundation
import StrataCore
import StrataIO
import StrataPredict

/// `strata churn`: a random-forest churn model, its test metrics, and a score per customer.
struct ChurnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn",
        abstract: "Train a random forest on a label column, report ROC-AUC/precision/recall on a held-out split, score every row."
    )

    @Argument(help: "Input file.")
    var input: String

    @Option(name: .long, help: "Label column (true/false or 0/1).")
    var label: String

    @Option(name: .long, help: "Feature columns, comma-separated (numeric, no missing values: impute first).")
    var features: String

    @Option(name: .long, help: "Id column for the output (default: row number).")
    var id: String?

    @Option(name: .long, help: "Trees (default 100).")
    var trees = 100

    @Option(name: .long, help: "Share of rows held out for the metrics (default 0.25).")
    var testSize = 0.25

    @Option(name: .long, help: "Probability at or above which a customer is 'high churn risk' (default 0.5).")
    var threshold = 0.5

    @Option(name: .long, help: "Seed for the split and the trees.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Output: id, churn_probability, high_churn_risk (the model is refit on all rows first).")
    var output: String?

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard trees >= 1 else { throw ValidationError("--trees must be at least 1") }
        guard testSize > 0, testSize < 1 else { throw ValidationError("--test-size must be between 0 and 1") }
    }

    func run() throws {
        try reportingErrors {
            let (table, _) = try read.read(input, global: global)
            let names = features.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let cols = try names.map { name -> Column in
                let c = try table.column(name)
                guard c.type.isNumeric else { throw StrataError(.typeMismatch, "feature '\(name)' holds \(c.type) values", file: input, column: name) }
                return c
            }
            let labelColumn = try table.column(label)
            let n = table.rowCount, d = cols.count
            var x = [Double](repeating: 0, count: n * d), y = [Int](repeating: 0, count: n)
            for r in 0..<n {
                for (k, c) in cols.enumerated() {
                    guard let v = c.doubleValue(at: r), v.isFinite else {
                        throw StrataError(.missingValue, "feature '\(names[k])' is missing or not finite (impute first, e.g. strata clean)", file: input, line: r + 2, column: names[k])
                    }
                    x[r * d + k] = v
                }
                guard let l = labelColumn.doubleValue(at: r), l == 0 || l == 1 else {
                    throw StrataError(.parse, "label must be true/false or 0/1", file: input, line: r + 2, column: label)
                }
                y[r] = Int(l)
            }
            var config = RandomForestConfiguration()
            config.trees = trees
            config.seed = seed
            config.parallelism = global.parallelism
            let held = try HeldOutEvaluation(x, rows: n, features: d, y: y, testFraction: testSize, seed: seed, threshold: threshold, configuration: config)
            var atRisk = 0
            if let output {
                let full = try RandomForestClassifier.fit(x, rows: n, features: d, y: y, configuration: config)
                let p = full.predictProbability(x, rows: n, parallelism: global.parallelism)
                atRisk = p.filter { $0 >= threshold }.count
                let ids = try id.map { try table.column($0) } ?? Column(.int64(PrimitiveArray((1...max(n, 1)).prefix(n).map(Int64.init))))
                let out = try Table(names: [id ?? "row", "churn_probability", "high_churn_risk"], columns: [
                    ids, Column(.float64(PrimitiveArray(p))), Column(.bool(PrimitiveArray(p.map { $0 >= threshold ? UInt8(1) : 0 }))),
                ])
                try writeTable(out, to: output, format: nil, parallelism: global.parallelism)
            }
            struct Report: Encodable {
                let trainRows: Int, testRows: Int, rocAUC: Double, precision: Double, recall: Double, threshold: Double
                let featureImportances: [String: Double], highChurnRisk: Int?
            }
            let report = Report(trainRows: held.trainRows, testRows: held.testRows, rocAUC: held.rocAUC, precision: held.precision, recall: held.recall,
                                threshold: threshold, featureImportances: Dictionary(uniqueKeysWithValues: zip(names, held.model.featureImportances)),
                                highChurnRisk: output == nil ? nil : atRisk)
            if global.json { print(try Terminal.json(report)); return }
            guard !global.quiet else { return }
            print(String(format: "random forest, %d trees: trained on %d rows, tested on %d — ROC-AUC %.4f, precision %.3f, recall %.3f at %.2f",
                         trees, held.trainRows, held.testRows, held.rocAUC, held.precision, held.recall, threshold))
            print(Terminal.table(["feature", "importance"], zip(names, held.model.featureImportances).sorted { $0.1 > $1.1 }.map { [$0.0, String(format: "%.4f", $0.1)] }, numericFrom: 1))
            if let output { Terminal.note("wrote \(n) scores to \(output); \(atRisk) customers at high churn risk", quiet: global.quiet) }
        }
    }
}
