import ArgumentParser
import Foundation
import StrataCore
import StrataIO
import StrataPlot
import StrataValidate

/// `strata validate`: check a table against declared expectations.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check rows against a YAML rules file; write passing rows on and failing rows to a quarantine file.",
        discussion: """
            Rules per column: type, not_null, unique, range, allowed, regex, date_format (iso8601), date_range, \
            max_null_fraction, severity (error or warning); table: rows {min, max}; anomalies: an Isolation \
            Forest on chosen columns at a contamination. Rows failing an error-level row rule go to --quarantine \
            (with a _failed_rules column), the others to --output, so no row is lost. Exit status: 0 when \
            nothing fails at the --fail-on level, 1 when something does, 64/65/66/74 for bad usage, data or files.
            """
    )

    @Argument(help: "Input file (.csv, .tsv).")
    var input: String

    @Option(name: .long, help: "Rules file (YAML).")
    var rules: String

    @Option(name: .long, help: "Write the report as JSON.")
    var report: String?

    @Option(name: .long, help: "Write the report as one self-contained HTML page.")
    var html: String?

    @Option(name: .long, help: "Write the rows that pass (all columns) here.")
    var output: String?

    @Option(name: .long, help: "Write the rows that fail an error-level rule here, with the rules they fail.")
    var quarantine: String?

    enum FailOn: String, ExpressibleByArgument { case error, warning, never }

    @Option(name: .customLong("fail-on"), help: "Exit non-zero when a rule fails at this level: error, warning, never.")
    var failOn: FailOn = .error

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        var failed = false
        try reportingErrors {
            guard let text = try? String(contentsOfFile: rules, encoding: .utf8) else {
                throw StrataError(.io, "cannot open for reading: no such file or not readable", file: rules)
            }
            let ruleSet = try RuleSet.parse(yaml: text, source: rules)
            let (table, _) = try read.read(input, global: global)
            guard table.columnCount > 0 else { throw StrataError(.invalidConfiguration, "the input has no columns", file: input) }
            let outcome = try Validator.validate(table, rules: ruleSet, input: input, parallelism: global.parallelism)
            let r = outcome.report
            if let output {
                try writeTable(table.gathering(outcome.cleanRows), to: output, format: nil, parallelism: global.parallelism)
            }
            if let quarantine {
                let rows = outcome.quarantined.keys.sorted()
                let why = ColumnBuilder(type: .string, capacity: rows.count)
                for i in rows { why.append(outcome.quarantined[i]!.map { r.rules[$0].rule }.joined(separator: "; ")) }
                let bad = table.gathering(rows)
                try writeTable(try Table(names: bad.schema.names + ["_failed_rules"], columns: bad.columns + [why.finish()]),
                               to: quarantine, format: nil, parallelism: global.parallelism)
            }
            if let report { try JSONFile.save(r, to: report) }
            if let html { try writeBytes(Array(Self.html(r, scores: outcome.anomalyScores).utf8), to: html) }
            if global.json {
                print(try Terminal.json(r))
            } else if !global.quiet {
                printSummary(r)
            }
            switch failOn {
            case .error: failed = r.status == "failed"
            case .warning: failed = r.status != "passed"
            case .never: failed = false
            }
        }
        if failed { throw ExitCode(1) }
    }

    private func printSummary(_ r: ValidationReport) {
        print("Validation of \(r.input) against \(r.rulesFile): \(r.status.uppercased())")
        print("\(r.rows) rows: \(r.cleanRows) pass, \(r.quarantinedRows) quarantined\n")
        print(Terminal.table(["rule", "severity", "failed", "example rows", "example values"], r.rules.map {
            [$0.rule, $0.severity.rawValue, String($0.failed), $0.examples.map(String.init).joined(separator: " "),
             $0.exampleValues.joined(separator: " | ")]
        }, numericFrom: 2))
        if let a = r.anomalies {
            print("\nanomaly check: \(a.flagged) rows flagged (offset \(Terminal.number(a.offset))); most anomalous rows: "
                  + a.top.prefix(5).map { "\($0.row) (\(Terminal.number($0.score)))" }.joined(separator: ", "))
        }
    }

    /// One self-contained page: summary, a table per failing rule, the anomaly score histogram.
    static func html(_ r: ValidationReport, scores: [Double]?) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let colour = ["passed": "#1e8449", "warnings": "#b9770e", "failed": "#c0392b"][r.status] ?? "#333"
        var page = """
        <!doctype html><html><head><meta charset="utf-8"><title>Validation of \(esc(r.input))</title>
        <style>body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:960px;color:#222}
        table{border-collapse:collapse;width:100%;margin:.6em 0 1.6em}th,td{border-bottom:1px solid #ddd;padding:.35em .6em;text-align:left;font-size:14px}
        th{background:#f4f6f7}td.n{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#1e8449}.bad{color:#c0392b}.warn{color:#b9770e}
        .status{display:inline-block;padding:.2em .8em;border-radius:4px;color:white;background:\(colour)}code{background:#f4f6f7;padding:0 .2em}</style></head><body>
        <h1>Validation report <span class="status">\(esc(r.status.uppercased()))</span></h1>
        <p><b>\(esc(r.input))</b> against <b>\(esc(r.rulesFile))</b>: \(r.rows) rows, <span class="ok">\(r.cleanRows) pass</span>,
        <span class="bad">\(r.quarantinedRows) quarantined</span>; \(r.rules.filter(\.passed).count) of \(r.rules.count) rules pass.</p>
        <h2>Rules</h2><table><tr><th>rule</th><th>severity</th><th>checked</th><th>failed</th><th>result</th></tr>

        """
        for rule in r.rules {
            let cls = rule.passed ? "ok" : (rule.severity == .error ? "bad" : "warn")
            page += "<tr><td><code>\(esc(rule.rule))</code></td><td>\(rule.severity.rawValue)</td><td class=\"n\">\(rule.checked)</td>"
            page += "<td class=\"n\">\(rule.failed)</td><td class=\"\(cls)\">\(rule.passed ? "pass" : "fail")</td></tr>\n"
        }
        page += "</table>\n"
        for rule in r.rules where !rule.passed {
            page += "<h3>\(esc(rule.rule))</h3><p>\(rule.failed) of \(rule.checked) \(rule.rowLevel ? "rows fail" : "fail")"
            page += rule.rowLevel && rule.severity == .error ? "; they are quarantined." : "."
            page += "</p>\n"
            if !rule.examples.isEmpty || !rule.exampleValues.isEmpty {
                page += "<table><tr><th>row</th><th>value</th></tr>"
                for (i, v) in rule.exampleValues.enumerated() {
                    page += "<tr><td class=\"n\">\(i < rule.examples.count ? String(rule.examples[i]) : "")</td><td>\(esc(v))</td></tr>"
                }
                if rule.exampleValues.isEmpty { for row in rule.examples { page += "<tr><td class=\"n\">\(row)</td><td></td></tr>" } }
                page += "</table>\n"
            }
        }
        if let a = r.anomalies, let scores {
            page += "<h2>Anomalies</h2><p>Isolation Forest on \(esc(a.columns.joined(separator: ", "))), contamination \(a.contamination): "
            page += "\(a.flagged) rows flagged (score below \(Terminal.number(a.offset))).</p>\n"
            var chart = Histogram(title: "Anomaly scores (lower = more abnormal)", xLabel: "score (scikit-learn score_samples)",
                                  values: scores, threshold: a.offset)
            chart.thresholdLabel = "flagged below"
            page += chart.svg()
            page += "<table><tr><th>row</th><th>score</th></tr>" + a.top.map { "<tr><td class=\"n\">\($0.row)</td><td class=\"n\">\(Terminal.number($0.score))</td></tr>" }.joined() + "</table>\n"
        }
        return page + "</body></html>\n"
    }
}
