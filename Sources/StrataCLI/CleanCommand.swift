import ArgumentParser
import Foundation
import StrataCore
import StrataIO
import StrataClean

/// `strata clean`: standardize dates, categoricals, emails and phones, coerce types, impute.
struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Clean a table by a YAML spec: mixed-format dates, categoricals, emails, phones (E.164), types, missing values."
    )

    @Argument(help: "Input file.")
    var input: String

    @Option(name: .long, help: "Cleaning spec (YAML: dates, categoricals, emails, phones, types, missing).")
    var spec: String

    @Option(name: .long, help: "Cleaned output.")
    var output: String?

    @Option(name: .long, help: "Report (JSON): per column what changed, what was invalid or ambiguous, imputation values.")
    var report: String?

    @Option(name: .long, help: "A previous run's report: impute with its values instead of computing new ones.")
    var imputation: String?

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            guard let text = try? String(contentsOfFile: spec, encoding: .utf8) else { throw StrataError(.io, "cannot open for reading", file: spec) }
            let cleaning = try CleaningSpec.parse(yaml: text, source: spec)
            var values: [String: String] = [:]
            if let imputation {
                guard let data = FileManager.default.contents(atPath: imputation),
                      let previous = try? JSONDecoder().decode(CleaningReport.self, from: data) else {
                    throw StrataError(.parse, "not a cleaning report from strata clean", file: imputation)
                }
                values = previous.imputation
            }
            let (table, _) = try read.read(input, global: global)
            let result: (table: Table, report: CleaningReport)
            do { result = try Cleaner.clean(table, spec: cleaning, imputation: values) } catch let e as StrataError { throw e.inFile(input) }
            if let output { try writeTable(result.table, to: output, format: nil, parallelism: global.parallelism) }
            if let report { try writeBytes(Array(try Terminal.json(result.report).utf8), to: report) }
            if global.json { print(try Terminal.json(result.report)); return }
            guard !global.quiet else { return }
            print("\(result.report.rowsIn) rows in, \(result.report.rowsOut) out")
            print(Terminal.table(["column", "step", "changed", "invalid", "ambiguous", "imputed", "dropped", "value"], result.report.columns.map {
                [$0.column, $0.step, String($0.changed), String($0.invalid), String($0.ambiguous), String($0.imputed), String($0.dropped), $0.value ?? ""]
            }, numericFrom: 2))
            for c in result.report.columns where !c.examples.isEmpty || c.detail != nil {
                print("\(c.column): \(c.detail ?? "")\(c.examples.isEmpty ? "" : " e.g. " + c.examples.joined(separator: "; "))")
            }
        }
    }
}
