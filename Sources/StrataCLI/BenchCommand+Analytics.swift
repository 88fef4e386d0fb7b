import ArgumentParser
import StrataCore
import StrataIO
import StrataAnalytics
import _CStrataPlatform

extension BenchCommand {
    /// RFM (with the lifetimes summary) and monthly cohorts on a transactions file, timed from
    /// the read to the last result, with checksums the anchor's SQL reproduces.
    struct AnalyticsBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "analytics", abstract: "Read transactions, compute RFM and monthly cohorts.")

        @Argument(help: "Transactions file (customer_id, order_time, amount).")
        var input: String
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try reportingErrors {
                let start = monotonicSeconds()
                let table = try ParquetReader.read(path: input, options: ParquetReadOptions(parallelism: global.parallelism))
                let read = monotonicSeconds()
                var config = RFMConfiguration()
                config.parallelism = global.parallelism
                let log = try TransactionLog(table, customer: "customer_id", date: "order_time", amount: "amount")
                let (rfm, _) = try RFM.compute(log, configuration: config)
                let (cohorts, _) = try Cohorts.compute(log, period: .month)
                let end = monotonicSeconds()
                func sum(_ t: Table, _ c: String) throws -> Double {
                    let col = try t.column(c)
                    return (0..<col.count).reduce(0.0) { $0 + (col.doubleValue(at: $1) ?? 0) }
                }
                let active = try cohorts.column("customers")
                let cells = (0..<active.count).filter { (active.doubleValue(at: $0) ?? 0) > 0 }.count
                let checks: [String: Double] = [
                    "customers": Double(rfm.rowCount),
                    "recency_days": try sum(rfm, "recency_days"), "purchases": try sum(rfm, "purchases"),
                    "monetary_total": try sum(rfm, "monetary_total"),
                    "r_score": try sum(rfm, "r_score"), "f_score": try sum(rfm, "f_score"), "m_score": try sum(rfm, "m_score"),
                    "frequency": try sum(rfm, "frequency"), "recency": try sum(rfm, "recency"), "T": try sum(rfm, "T"),
                    "monetary_value": try sum(rfm, "monetary_value"),
                    "cohort_cells": Double(cells), "cohort_customers": try sum(cohorts, "customers"), "cohort_revenue": try sum(cohorts, "revenue"),
                ]
                struct Result: Encodable { let seconds: Double; let readSeconds: Double; let rows: Int; let peakRSSBytes: Int; let checks: [String: Double] }
                print(try Terminal.json(Result(seconds: end - start, readSeconds: read - start, rows: table.rowCount,
                                               peakRSSBytes: Int(strata_peak_rss_bytes()), checks: checks)))
            }
        }
    }
}
