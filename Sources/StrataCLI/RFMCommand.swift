import ArgumentParser
import Foundation
import StrataCore
import StrataIO
import StrataAnalytics

/// Options shared by the commands that read a transactions table.
struct TransactionOptions: ParsableArguments {
    @Option(name: .long, help: "Customer key column (int64 or string).")
    var customer: String

    @Option(name: .long, help: "Purchase date or timestamp column.")
    var date: String

    @Option(name: .long, help: "As-of day YYYY-MM-DD (default: the last transaction's day); later transactions are ignored.")
    var asOf: String?

    @Option(name: .long, help: "Negative or missing amounts: error (default), drop, zero.")
    var badAmounts: String = "error"

    func validate() throws {
        guard AmountPolicy(rawValue: badAmounts) != nil else { throw ValidationError("--bad-amounts must be error, drop or zero") }
        if let asOf, CivilDate(iso: asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, got '\(asOf)'") }
    }

    var policy: AmountPolicy { AmountPolicy(rawValue: badAmounts)! }
    var asOfDay: Int? { asOf.flatMap { CivilDate(iso: $0)?.daysSinceEpoch } }
}

/// `strata rfm`: recency, frequency, monetary per customer, scores, segments, lifecycle, and the
/// lifetimes summary.
struct RFMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfm",
        abstract: "RFM scores and segments, lifecycle stages and the lifetimes (BTYD) summary per customer."
    )

    @Argument(help: "Transactions file (one row per purchase).")
    var input: String

    @OptionGroup var transactions: TransactionOptions

    @Option(name: .long, help: "Amount column.")
    var amount: String

    @Option(name: .long, help: "Per-customer output (.csv, .parquet, .arrow).")
    var output: String?

    @Option(name: .long, help: "Profiles holding the consent column: customers without consent are left out of the output.")
    var consentProfiles: String?

    @Option(name: .long, help: "Consent column (true/false) in --consent-profiles; the key is --customer.")
    var consent: String?

    @Option(name: .long, help: "Lifecycle: first purchase within this many days is 'new' (default 30).")
    var newDays = 30
    @Option(name: .long, help: "Lifecycle: last purchase older than this many days is 'lapsed' (default 90).")
    var lapsedDays = 90
    @Option(name: .long, help: "Lifecycle: last purchase older than this many days is 'churned' (default 365).")
    var churnedDays = 365
    @Option(name: .long, help: "Lifecycle: this many purchases or more is 'loyal' (default 5).")
    var loyalPurchases = 5

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            let (table, _) = try read.read(input, global: global)
            var config = RFMConfiguration()
            config.asOf = transactions.asOfDay
            config.amountPolicy = transactions.policy
            config.parallelism = global.parallelism
            config.lifecycle.newDays = newDays
            config.lifecycle.lapsedDays = lapsedDays
            config.lifecycle.churnedDays = churnedDays
            config.lifecycle.loyalPurchases = loyalPurchases
            var (result, summary): (Table, RFMSummary)
            do {
                (result, summary) = try RFM.compute(table, customer: transactions.customer, date: transactions.date, amount: amount, configuration: config)
            } catch let e as StrataError { throw e.inFile(input) }
            var excluded: (declined: Int, missing: Int)?
            if let consentProfiles {
                guard let consent else { throw StrataError(.invalidConfiguration, "--consent-profiles needs --consent COLUMN") }
                let (profiles, _) = try read.read(consentProfiles, global: global)
                let filter: ConsentFilter
                do {
                    filter = try ConsentFilter(keys: try result.column(transactions.customer), profiles: profiles, key: transactions.customer, column: consent)
                } catch let e as StrataError { throw e.inFile(consentProfiles) }
                result = result.gathering(filter.allowed.indices.filter { filter.allowed[$0] })
                excluded = (filter.declined, filter.missing)
            } else if consent != nil {
                throw StrataError(.invalidConfiguration, "--consent needs --consent-profiles FILE (the profiles holding the column)")
            }
            if let output { try writeTable(result, to: output, format: nil, parallelism: global.parallelism) }
            let segments = counts(try result.column("rfm_segment"))
            let stages = counts(try result.column("lifecycle"))
            if global.json {
                struct Report: Encodable { let summary: RFMSummary; let segments: [String: Int]; let lifecycle: [String: Int]; let output: String?
                                           let excludedDeclined: Int?; let excludedNoConsent: Int? }
                print(try Terminal.json(Report(summary: summary, segments: segments, lifecycle: stages, output: output,
                                               excludedDeclined: excluded?.declined, excludedNoConsent: excluded?.missing)))
                return
            }
            guard !global.quiet else { return }
            print("RFM as of \(summary.asOf): \(summary.customers) customers, \(summary.transactions) transactions")
            let left = summary.afterAsOf + summary.nullKeys + summary.dropped
            if left > 0 || summary.negativeAmounts + summary.missingAmounts > 0 {
                print("left out: \(summary.afterAsOf) after the as-of day, \(summary.nullKeys) without customer or date, \(summary.dropped) by --bad-amounts (\(summary.negativeAmounts) negative, \(summary.missingAmounts) missing amounts; policy \(transactions.badAmounts))")
            }
            if let excluded {
                print("excluded for consent (\(consent!)): \(excluded.declined + excluded.missing) — \(excluded.declined) declined, \(excluded.missing) with no consent recorded; \(result.rowCount) customers in the output")
            }
            print("")
            print(Terminal.table(["segment", "customers", "share"], RFMSegments.names.map { name in
                [name, String(segments[name] ?? 0), String(format: "%.1f%%", 100 * Double(segments[name] ?? 0) / Double(max(result.rowCount, 1)))]
            }, numericFrom: 1))
            print(Terminal.table(["lifecycle", "customers"], ["new", "active", "loyal", "lapsed", "churned"].map { [$0, String(stages[$0] ?? 0)] }, numericFrom: 1))
            if let output { Terminal.note("wrote \(result.rowCount) customers to \(output)", quiet: global.quiet) }
        }
    }
}

/// Rows per distinct value of a string column.
func counts(_ column: Column) -> [String: Int] {
    var out: [String: Int] = [:]
    for i in 0..<column.count { if let s = column.stringValue(at: i) { out[s, default: 0] += 1 } }
    return out
}
