import Foundation
import Testing
import StrataCore
import StrataIO
import StrataTestSupport

@Suite(.serialized) struct AnomaliesCLITests {
    let dir = TestSupport.temporaryDirectory()

    @Test func scoresFlagsAndSavesTheForest() throws {
        defer { TestSupport.removeTree(dir) }
        let data = TestSupport.packageRoot + "/Data/customers.csv"
        let columns = "age,income,recency_days,frequency,monetary,sessions_30d,cart_adds_30d,support_tickets,discount_share"
        let r = try Strata.run(["anomalies", data, "--columns", columns, "--id", "customer_id", "--contamination", "0.02",
                                "--output", dir + "/scores.csv", "--model", dir + "/forest.json", "--seed", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("400 rows flagged") && r.stdout.contains("Most anomalous rows"), "\(r.stdout)")
        let out = try CSVReader.read(path: dir + "/scores.csv").table
        #expect(out.schema.names == ["customer_id", "score", "anomaly"] && out.rowCount == 20_000)
        // The generator's injected anomalies rank high (mild ones hide among normal rows: scikit-learn flags 43%).
        let truth = try CSVReader.read(path: data).table.column("is_anomaly")
        let flagged = try out.column("anomaly")
        var injected = 0, caught = 0
        for i in 0..<out.rowCount where truth.formatted(at: i) == "true" {
            injected += 1
            if flagged.formatted(at: i) == "true" { caught += 1 }
        }
        #expect(injected > 50 && Double(caught) / Double(injected) > 0.3, "caught \(caught) of \(injected)")  // scikit-learn: 44 of 102
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/forest.json"))) as! [String: Any]
        #expect(doc["format"] as? String == "strata-iforest" && doc["version"] as? Int == 1)
        let json = try Strata.run(["anomalies", data, "--columns", "age,income", "--extension-level", "1", "--json", "--trees", "20"])
        let summary = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(summary["trees"] as? Int == 20 && summary["offset"] as? Double == -0.5)
    }

    @Test func badInputFailsCleanly() throws {
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("id,a,b\n1,1.0,2\n2,inf,3\n", to: dir + "/inf.csv")
        func run(_ args: [String]) throws -> Strata.Result {
            try Strata.run(["anomalies"] + args + ["--output", dir + "/out.csv"])
        }
        let inf = try run([dir + "/inf.csv", "--columns", "a,b"])
        #expect(inf.status == 65 && inf.stderr.contains("row 2"), "\(inf.stderr)")
        let contamination = try run([dir + "/inf.csv", "--contamination", "0.7"])
        #expect(contamination.status == 64 && contamination.stderr.contains("contamination"), "\(contamination.stderr)")
        let samples = try run([dir + "/inf.csv", "--max-samples", "lots"])
        #expect(samples.status == 64)
        TestSupport.write("a,b\n", to: dir + "/empty.csv")
        let empty = try run([dir + "/empty.csv"])
        #expect(empty.status == 64 && empty.stderr.contains("no rows"), "\(empty.stderr)")
        let unknown = try run([dir + "/inf.csv", "--columns", "zz"])
        #expect(unknown.status == 64)
        #expect(!TestSupport.exists(dir + "/out.csv"))
    }
}
