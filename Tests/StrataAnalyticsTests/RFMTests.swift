import Foundation
import Testing
import StrataCore
import StrataIO
@testable import StrataAnalytics
import StrataTestSupport

@Suite struct RFMTests {
    static let fixtures = Bundle.module.resourcePath! + "/Fixtures"

    /// frequency, recency, T, monetary_value equal lifetimes' summary_data_from_transaction_data.
    @Test(arguments: ["default", "as_of_2024_06_30"])
    func equalsLifetimes(_ case_: String) throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/lifetimes.json"))) as! [String: [String: Any]]
        let expected = json[case_]!
        let customers = expected["customers"] as! [String: [Double]]
        let transactions = try CSVReader.read(path: Self.fixtures + "/transactions.csv").table
        var config = RFMConfiguration()
        if let asOf = expected["as_of"] as? String { config.asOf = CivilDate(iso: asOf)!.daysSinceEpoch }
        for threads in [1, 2] {
            config.parallelism = Parallelism(threads: threads)
            let (t, summary) = try RFM.compute(transactions, customer: "customer", date: "order_time", amount: "amount", configuration: config)
            #expect(t.rowCount == customers.count && summary.customers == customers.count)
            let id = try t.column("customer")
            let cols = try ["frequency", "recency", "T", "monetary_value"].map { try t.column($0) }
            for r in 0..<t.rowCount {
                let want = customers[id.stringValue(at: r)!]!
                for (k, c) in cols.enumerated() {
                    #expect(abs(c.doubleValue(at: r)! - want[k]) <= 1e-9 * max(1, abs(want[k])), "\(id.stringValue(at: r)!) column \(k)")
                }
            }
        }
    }

    @Test func scoresShareTiesAndCoverQuintiles() {
        #expect(RFM.scores([10, 20, 30, 40, 50]) == [1, 2, 3, 4, 5])
        #expect(RFM.scores([1, 1, 1, 1, 2]) == [1, 1, 1, 1, 5])
        #expect(RFM.scores([3, 1, 2, 2, 5, 4, 4, 6, 7, 8]) == [2, 1, 1, 1, 4, 3, 3, 4, 5, 5])
        #expect(RFM.scores([]) == [])
    }

    @Test func everyScorePairHasOneSegment() {
        var seen = Set<String>()
        for r in 1...5 { for f in 1...5 { seen.insert(RFMSegments.name(r: r, f: f)) } }
        #expect(seen == Set(RFMSegments.names))
    }

    @Test func handComputedCustomers() throws {
        // a: 3 purchases, last on day 100 (as-of 100); b: one purchase on day 10; c: two on day 50.
        let t = try CSVReader.read(text: """
        customer,day,amount
        a,1970-01-11,10
        b,1970-01-11,5
        a,1970-03-02,20
        c,1970-02-20,7
        a,1970-04-11,30
        c,1970-02-20,3

        """)
        let (r, s) = try RFM.compute(t, customer: "customer", date: "day", amount: "amount")
        #expect(s.asOf == "1970-04-11" && s.customers == 3 && s.transactions == 6)
        #expect(r.schema.names.prefix(3) == ["customer", "recency_days", "purchases"])
        func row(_ c: String) throws -> Int { try (0..<r.rowCount).first { try r.column("customer").stringValue(at: $0) == c }! }
        let a = try row("a"), b = try row("b"), c = try row("c")
        #expect(try r.column("recency_days").doubleValue(at: a) == 0 && r.column("recency_days").doubleValue(at: b) == 90)
        #expect(try r.column("purchases").doubleValue(at: c) == 2 && r.column("monetary_total").doubleValue(at: c) == 10)
        // lifetimes: c bought twice on one day → frequency 0, monetary_value 0.
        #expect(try r.column("frequency").doubleValue(at: c) == 0 && r.column("monetary_value").doubleValue(at: c) == 0)
        #expect(try r.column("frequency").doubleValue(at: a) == 2 && r.column("monetary_value").doubleValue(at: a) == 25)
        #expect(try r.column("T").doubleValue(at: a) == 90 && r.column("recency").doubleValue(at: a) == 90)
        #expect(try r.column("r_score").doubleValue(at: a) == 4)  // 2 of 3 customers are older: 1 + ⌊10/3⌋
        #expect(try r.column("lifecycle").stringValue(at: b) == "active" && r.column("lifecycle").stringValue(at: a) == "active")
        var config = RFMConfiguration()
        config.lifecycle.lapsedDays = 60
        config.lifecycle.loyalPurchases = 3
        let (l, _) = try RFM.compute(t, customer: "customer", date: "day", amount: "amount", configuration: config)
        #expect(try l.column("lifecycle").stringValue(at: b) == "lapsed" && l.column("lifecycle").stringValue(at: a) == "loyal")
    }

    @Test func amountPolicies() throws {
        let t = try CSVReader.read(text: "customer,day,amount\n1,2024-01-01,10\n1,2024-01-02,-4\n2,2024-01-03,\n")
        #expect { try RFM.compute(t, customer: "customer", date: "day", amount: "amount") } throws: { e in
            (e as? StrataError)?.line == 3 && (e as? StrataError)?.column == "amount"
        }
        var config = RFMConfiguration()
        config.amountPolicy = .drop
        let (d, ds) = try RFM.compute(t, customer: "customer", date: "day", amount: "amount", configuration: config)
        #expect(d.rowCount == 1 && ds.negativeAmounts == 1 && ds.missingAmounts == 1 && ds.dropped == 2)
        config.amountPolicy = .zero
        let (z, _) = try RFM.compute(t, customer: "customer", date: "day", amount: "amount", configuration: config)
        #expect(try z.rowCount == 2 && z.column("monetary_total").doubleValue(at: 0) == 10)
        let bad = try CSVReader.read(text: "customer,day,amount\n1,yesterday,10\n")
        #expect(throws: StrataError.self) { try RFM.compute(bad, customer: "customer", date: "day", amount: "amount") }
    }

    @Test func periods() {
        let d = CivilDate(year: 2024, month: 5, day: 15).daysSinceEpoch  // a Wednesday
        #expect(CivilDate(daysSinceEpoch: DatePeriod.week.truncate(d)).description == "2024-05-13")
        #expect(CivilDate(daysSinceEpoch: DatePeriod.month.truncate(d)).description == "2024-05-01")
        #expect(CivilDate(daysSinceEpoch: DatePeriod.quarter.truncate(d)).description == "2024-04-01")
        #expect(DatePeriod.month.difference(from: CivilDate(year: 2023, month: 12, day: 31).daysSinceEpoch, to: d) == 5)
        #expect(monthsBetween(CivilDate(year: 2024, month: 1, day: 31).daysSinceEpoch, CivilDate(year: 2024, month: 2, day: 29).daysSinceEpoch) == 0)
        #expect(monthsBetween(CivilDate(year: 2024, month: 1, day: 15).daysSinceEpoch, CivilDate(year: 2024, month: 3, day: 15).daysSinceEpoch) == 2)
    }
}
