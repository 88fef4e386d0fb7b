import Foundation
import Testing
import StrataCore
import StrataIO
import StrataTestSupport

@Suite(.serialized) struct ValidateCLITests {
    let dir = TestSupport.temporaryDirectory()

    @Test func bundledRulesSplitRowsWithoutLosingAny() throws {
        defer { TestSupport.removeTree(dir) }
        let data = TestSupport.packageRoot + "/Data/customers.csv", rules = TestSupport.packageRoot + "/Data/customers.rules.yaml"
        let r = try Strata.run(["validate", data, "--rules", rules, "--report", dir + "/report.json", "--html", dir + "/report.html",
                                "--output", dir + "/clean.csv", "--quarantine", dir + "/quarantine.csv"])
        #expect(r.status == 1, "\(r.stderr)")  // the generator's dirty rows fail error-level rules
        #expect(r.stdout.contains("FAILED") && r.stdout.contains("recency_days: range"))
        let clean = try CSVReader.read(path: dir + "/clean.csv").table, bad = try CSVReader.read(path: dir + "/quarantine.csv").table
        #expect(clean.rowCount + bad.rowCount == 20_000 && bad.rowCount > 0)
        #expect(bad.schema.names.last == "_failed_rules" && clean.schema.names == Array(bad.schema.names.dropLast()))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/report.json"))) as! [String: Any]
        #expect(report["status"] as? String == "failed" && report["quarantinedRows"] as? Int == bad.rowCount)
        let html = try #require(TestSupport.readText(dir + "/report.html"))
        #expect(html.hasPrefix("<!doctype html>") && html.contains("<svg") && html.contains("Anomalies") && !html.contains("<script"))
        let lenient = try Strata.run(["validate", data, "--rules", rules, "--fail-on", "never", "--quiet"])
        #expect(lenient.status == 0)
    }

    @Test func badRulesAndInputFailCleanly() throws {
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("a,b\n1,2\n", to: dir + "/in.csv")
        TestSupport.write("columns:\n  a:\n    not_nul: true\n", to: dir + "/typo.yaml")
        let typo = try Strata.run(["validate", dir + "/in.csv", "--rules", dir + "/typo.yaml", "--output", dir + "/out.csv"])
        #expect(typo.status == 65 && typo.stderr.contains("typo.yaml:3") && typo.stderr.contains("not_nul"), "\(typo.stderr)")
        TestSupport.write("columns:\n  zz: {unique: true}\n", to: dir + "/missing.yaml")
        let missing = try Strata.run(["validate", dir + "/in.csv", "--rules", dir + "/missing.yaml", "--output", dir + "/out.csv"])
        #expect(missing.status == 64 && missing.stderr.contains("'zz'") && missing.stderr.contains("missing.yaml:2"), "\(missing.stderr)")
        let none = try Strata.run(["validate", dir + "/in.csv", "--rules", dir + "/absent.yaml"])
        #expect(none.status == 66, "\(none.stderr)")
        TestSupport.write("a,b\n1,2\n2,inf\n", to: dir + "/inf.csv")
        TestSupport.write("anomalies:\n  columns: [a, b]\n", to: dir + "/an.yaml")
        let inf = try Strata.run(["validate", dir + "/inf.csv", "--rules", dir + "/an.yaml", "--output", dir + "/out.csv"])
        #expect(inf.status == 65 && inf.stderr.contains("row 2"), "\(inf.stderr)")
        #expect(!TestSupport.exists(dir + "/out.csv"))
    }
}
