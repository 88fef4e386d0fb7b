import ArgumentParser
import Foundation
import StrataCore
import StrataIO
import StrataAnalytics
import StrataPlot

/// `strata cohorts`: retention by cohort of first purchase.
struct CohortsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohorts",
        abstract: "Cohorts by first-purchase period: active customers, retention and revenue per period since."
    )

    @Argument(help: "Transactions file (one row per purchase).")
    var input: String

    @OptionGroup var transactions: TransactionOptions

    @Option(name: .long, help: "Cohort period: month (default), week or quarter.")
    var period: String = "month"

    @Option(name: .long, help: "Amount column: adds revenue per cohort and period.")
    var amount: String?

    @Option(name: .long, help: "Long-format output: one row per cohort and period offset.")
    var output: String?

    @Option(name: .long, help: "The retention triangle as an SVG heatmap.")
    var heatmap: String?

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard ["month", "week", "quarter"].contains(period) else { throw ValidationError("--period must be month, week or quarter") }
    }

    func run() throws {
        try reportingErrors {
            let (table, _) = try read.read(input, global: global)
            let result: (table: Table, triangle: CohortTriangle)
            do {
                result = try Cohorts.compute(table, customer: transactions.customer, date: transactions.date, amount: amount,
                                             period: DatePeriod(rawValue: period)!, amountPolicy: transactions.policy, asOf: transactions.asOfDay)
            } catch let e as StrataError { throw e.inFile(input) }
            let t = result.triangle
            if let output { try writeTable(result.table, to: output, format: nil, parallelism: global.parallelism) }
            if let heatmap {
                let labels = zip(t.cohorts, t.sizes).map { "\(t.period.label($0)) (\($1))" }
                let chart = Heatmap(title: "Retention by \(period) of first purchase", rowLabels: labels,
                                    columnTitle: "\(period)s since the first purchase", values: t.retention)
                try writeBytes(Array(chart.svg().utf8), to: heatmap)
            }
            if global.json {
                struct Report: Encodable { let cohorts: [String]; let sizes: [Int]; let retention: [[Double]] }
                print(try Terminal.json(Report(cohorts: t.cohorts.map(t.period.label), sizes: t.sizes, retention: t.retention)))
                return
            }
            guard !global.quiet else { return }
            print("\(t.cohorts.count) cohorts, \(t.sizes.reduce(0, +)) customers; retention by \(period)s since the first purchase (last 12 cohorts):")
            let shown = min(12, t.cohorts.count)
            let width = min(12, t.active.suffix(shown).map(\.count).max() ?? 0)
            let rows = (t.cohorts.count - shown..<t.cohorts.count).map { c in
                [t.period.label(t.cohorts[c]), String(t.sizes[c])] + (0..<width).map { k in
                    k < t.active[c].count ? String(format: "%.0f%%", 100 * t.retention[c][k]) : ""
                }
            }
            print(Terminal.table(["cohort", "size"] + (0..<width).map { "+\($0)" }, rows, numericFrom: 1))
            if let heatmap { Terminal.note("wrote the heatmap to \(heatmap)", quiet: global.quiet) }
        }
    }
}
