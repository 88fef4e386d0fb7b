import Foundation
import Testing
import StrataCore
import StrataIO
import StrataTestSupport

/// rfm, cohorts and segments end to end on generated profiles and events.
@Suite(.serialized) struct AnalyticsCLITests {
    let dir = TestSupport.temporaryDirectory()

    @Test func rfmCohortsSegmentsOnGeneratedData() throws {
        defer { TestSupport.removeTree(dir) }
        let g = try Strata.run(["generate", "--rows", "3000", "--output", dir + "/p.csv", "--transactions", dir + "/t.parquet",
                                "--events", dir + "/e.parquet", "--quiet"])
        #expect(g.status == 0, "\(g.stderr)")
        let rfm = try Strata.run(["rfm", dir + "/t.parquet", "--customer", "customer_id", "--date", "order_time", "--amount", "amount",
                                  "--bad-amounts", "drop", "--output", dir + "/rfm.csv", "--json"])
        #expect(rfm.status == 0, "\(rfm.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(rfm.stdout.utf8)) as! [String: Any]
        #expect((report["summary"] as! [String: Any])["customers"] as? Int == 3000)
        let table = try CSVReader.read(path: dir + "/rfm.csv").table
        #expect(table.schema.names.contains("rfm_segment") && table.schema.names.contains("monetary_value"))
        let consented = try Strata.run(["rfm", dir + "/t.parquet", "--customer", "customer_id", "--date", "order_time", "--amount", "amount",
                                        "--bad-amounts", "drop", "--consent-profiles", dir + "/p.csv", "--consent", "email_opt_in",
                                        "--output", dir + "/rfm-consent.csv"])
        #expect(consented.status == 0 && consented.stdout.contains("excluded for consent"), "\(consented.stderr)")
        let optIn = try CSVReader.read(path: dir + "/p.csv").table.column("email_opt_in")
        let yes = (0..<optIn.count).filter { optIn.doubleValue(at: $0) == 1 }.count
        #expect(try CSVReader.read(path: dir + "/rfm-consent.csv").table.rowCount == yes)
        let cohorts = try Strata.run(["cohorts", dir + "/t.parquet", "--customer", "customer_id", "--date", "order_time",
                                      "--amount", "amount", "--bad-amounts", "zero", "--heatmap", dir + "/h.svg", "--output", dir + "/c.csv"])
        #expect(cohorts.status == 0 && cohorts.stdout.contains("cohorts"), "\(cohorts.stderr)")
        #expect(TestSupport.readText(dir + "/h.svg")?.hasPrefix("<svg") == true)
        let seg = try Strata.run(["segments", dir + "/p.csv", "--rules", TestSupport.packageRoot + "/Data/segments.yaml",
                                  "--events", dir + "/e.parquet", "--output", dir + "/s.parquet"])
        #expect(seg.status == 0 && seg.stdout.contains("excluded for consent"), "\(seg.stderr)")
        #expect(try ParquetReader.read(path: dir + "/s.parquet").rowCount == yes)
    }

    @Test func churnScoresEveryCustomer() throws {
        defer { TestSupport.removeTree(dir) }
        let r = try Strata.run(["churn", TestSupport.packageRoot + "/Data/customers.csv", "--label", "churned", "--trees", "20",
                                "--features", "recency_days,frequency,monetary,sessions_30d", "--id", "customer_id",
                                "--output", dir + "/churn.csv", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((report["rocAUC"] as! Double) > 0.85 && report["testRows"] as? Int == 5000)
        let scores = try CSVReader.read(path: dir + "/churn.csv").table
        #expect(scores.rowCount == 20000 && scores.schema.names == ["customer_id", "churn_probability", "high_churn_risk"])
        let missing = try Strata.run(["churn", TestSupport.packageRoot + "/Data/customers.csv", "--label", "churned", "--features", "income"])
        #expect(missing.status == 65 && missing.stderr.contains("column 'income'"), "\(missing.stderr)")
    }

    @Test func badInputNamesFileLineAndColumn() throws {
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("customer,day,amount\n1,2024-01-01,5\n2,2024-13-45,7\n", to: dir + "/bad.csv")
        let r = try Strata.run(["rfm", dir + "/bad.csv", "--customer", "customer", "--date", "day", "--amount", "amount", "--output", dir + "/o.csv"])
        #expect(r.status == 65 && r.stderr.contains("bad.csv:3") && r.stderr.contains("column 'day'"), "\(r.stderr)")
        #expect(!TestSupport.exists(dir + "/o.csv"))
        TestSupport.write("customer,day,amount\n1,2024-01-01,-5\n", to: dir + "/neg.csv")
        let n = try Strata.run(["rfm", dir + "/neg.csv", "--customer", "customer", "--date", "day", "--amount", "amount"])
        #expect(n.status == 65 && n.stderr.contains("neg.csv:2") && n.stderr.contains("--bad-amounts"), "\(n.stderr)")
        let u = try Strata.run(["cohorts", dir + "/neg.csv", "--customer", "client", "--date", "day"])
        #expect(u.status == 64 && u.stderr.contains("no column 'client'"), "\(u.stderr)")
        TestSupport.write("segments:\n  - name: s\n    when: amount > and\n", to: dir + "/r.yaml")
        let e = try Strata.run(["segments", dir + "/neg.csv", "--rules", dir + "/r.yaml"])
        #expect(e.status == 65 && e.stderr.contains("r.yaml:3") && e.stderr.contains("position"), "\(e.stderr)")
        TestSupport.write("key: customer\nsegments:\n  - name: s\n    when: customer = 'x'\n", to: dir + "/t.yaml")
        let t = try Strata.run(["segments", dir + "/neg.csv", "--rules", dir + "/t.yaml", "--output", dir + "/o.csv"])
        #expect(t.status == 65 && t.stderr.contains("cannot compare a number with a text"), "\(t.stderr)")
        #expect(!TestSupport.exists(dir + "/o.csv"))
    }
}
