import ArgumentParser
import StrataCore
import StrataIO
import StrataAnalytics

/// `strata groupby`: hash aggregation, with an optional row filter expression.
struct GroupByCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groupby",
        abstract: "Group rows by key columns and aggregate (count, count_distinct, sum, mean, min, max, first, last, median)."
    )

    @Argument(help: "Input file.")
    var input: String

    @Option(name: .long, help: "Key columns, comma-separated (int64 or string).")
    var by: String

    @Option(name: .long, help: "An aggregate, e.g. 'sum(amount) as revenue' or 'count(*)' (repeatable).")
    var agg: [String] = []

    @Option(name: .long, help: "Keep only rows where this expression is true, e.g. \"event_type = 'purchase' and amount > 0\".")
    var `where`: String?

    @Option(name: .long, help: "The day as_of() and days_since() in --where refer to (YYYY-MM-DD).")
    var asOf: String?

    @Option(name: .long, help: "Output file (default: print the first rows).")
    var output: String?

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            let aggregations = try (agg.isEmpty ? ["count(*)"] : agg).map(Aggregation.init(parsing:))
            var (table, _) = try read.read(input, global: global)
            if let expression = `where` {
                let filter = try Expression(expression)
                let asOfDay = try asOf.map { text -> Int in
                    guard let d = CivilDate(iso: text) else { throw StrataError(.invalidConfiguration, "--as-of must be YYYY-MM-DD") }
                    return d.daysSinceEpoch
                } ?? 0
                let mask = try filter.filter(table, asOf: asOfDay)
                table = table.gathering(mask.indices.filter { mask[$0] })
            }
            let keys = by.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let result = try GroupBy.aggregate(table, by: keys, aggregations, parallelism: global.parallelism)
            if let output {
                try writeTable(result, to: output, format: nil, parallelism: global.parallelism)
                Terminal.note("wrote \(result.rowCount) groups to \(output)", quiet: global.quiet)
            } else if !global.quiet {
                let shown = min(result.rowCount, 20)
                print(Terminal.table(result.schema.names, (0..<shown).map { r in result.columns.map { $0.formatted(at: r) ?? "" } }, numericFrom: keys.count))
                if result.rowCount > shown { print("… \(result.rowCount - shown) more groups (--output FILE writes them all)") }
            }
        }
    }
}
