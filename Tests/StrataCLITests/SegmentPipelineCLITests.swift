import Foundation
import Testing
import StrataCore
import StrataIO
import StrataTestSupport

/// `strata segment --spec`: the whole job, resume after a stop, failures that leave the previous
/// outputs alone, spec errors with their line.
@Suite(.serialized) struct SegmentPipelineCLITests {
    let dir = TestSupport.temporaryDirectory()

    func spec(output: String, events: String, clustering: String = "{k: 4, columns: [recency_days, frequency, monetary], seed: 1}") -> String {
        """
        output: \(output)
        key: customer_id
        as_of: 2026-07-31
        sources: {profiles: \(dir)/p.csv, transactions: \(dir)/t.parquet, events: \(events)}
        clean: {emails: [email], phones: {phone: US}, missing: {income: median}}
        dedup:
          blocks: ["email:email", "phone:phone"]
          fields: ["first_name:jw:1:name", "last_name:jw:1:name", "email:exact:2:email", "phone:exact:2:phone"]
        rfm: {date: order_time, amount: amount, bad_amounts: drop}
        consent: email_opt_in
        segments: \(TestSupport.packageRoot)/Data/segments.yaml
        clustering: \(clustering)
        churn: {label: churned, features: [recency_days, frequency, monetary, sessions_30d], trees: 15}

        """
    }

    func prepare() throws {
        let g = try Strata.run(["generate", "--rows", "1500", "--output", dir + "/p.csv", "--transactions", dir + "/t.parquet",
                                "--events", dir + "/e.parquet", "--quiet"])
        #expect(g.status == 0, "\(g.stderr)")
    }

    @Test func runsResumesAndKeepsOutputsOnFailure() throws {
        defer { TestSupport.removeTree(dir) }
        try prepare()
        TestSupport.write(spec(output: dir + "/full", events: dir + "/e.parquet"), to: dir + "/full.yaml")
        let full = try Strata.run(["segment", "--spec", dir + "/full.yaml"])
        #expect(full.status == 0, "\(full.stderr)")
        #expect(full.stderr.contains("] dedup: 1500 records") && full.stderr.contains("] churn: random forest"), "\(full.stderr)")
        let assignments = try ParquetReader.read(path: dir + "/full/assignments.parquet")
        #expect(assignments.schema.names.contains("cluster") && assignments.schema.names.contains("churn_probability")
                && assignments.schema.names.contains("primary_segment") && assignments.schema.names.contains("cart_abandoners"))
        let html = TestSupport.readText(dir + "/full/report.html") ?? ""
        #expect(html.contains("<svg") && html.contains("Cluster profiles") && html.contains("Rule segments"))
        // Consent: nobody who declined is in the outputs.
        let optIn = try CSVReader.read(path: dir + "/p.csv").table
        let declined = Set((0..<optIn.rowCount).filter { (try? optIn.column("email_opt_in").doubleValue(at: $0)) == 0 }
            .map { Int(try! optIn.column("customer_id").doubleValue(at: $0)!) })
        let ids = try assignments.column("customer_id")
        #expect((0..<ids.count).allSatisfy { !declined.contains(Int(ids.doubleValue(at: $0)!)) })

        // Stopped after the segments step, then resumed: the same outputs as the uninterrupted run.
        TestSupport.write(spec(output: dir + "/resumed", events: dir + "/e.parquet"), to: dir + "/resumed.yaml")
        let stopped = try Strata.run(["segment", "--spec", dir + "/resumed.yaml", "--stop-after", "segments"])
        #expect(stopped.status == 75 && !TestSupport.exists(dir + "/resumed/assignments.parquet"))
        let resumed = try Strata.run(["segment", "--spec", dir + "/resumed.yaml", "--resume"])
        #expect(resumed.status == 0 && resumed.stderr.contains("resumed from the checkpoint"), "\(resumed.stderr)")
        let same = TestSupport.read(dir + "/resumed/assignments.parquet") == TestSupport.read(dir + "/full/assignments.parquet")
        #expect(same, "the resumed run's assignments differ from the uninterrupted run's")

        // A failing run (events missing) leaves the previous outputs as they were.
        let before = TestSupport.read(dir + "/full/assignments.parquet")
        TestSupport.write(spec(output: dir + "/full", events: dir + "/missing.parquet"), to: dir + "/broken.yaml")
        let broken = try Strata.run(["segment", "--spec", dir + "/broken.yaml"])
        #expect(broken.status != 0 && broken.stderr.contains("missing.parquet"), "\(broken.stderr)")
        let untouched = TestSupport.read(dir + "/full/assignments.parquet") == before
        #expect(untouched, "a failed run changed the previous outputs")
    }

    @Test func wardClusteringAndFeatureColumns() throws {
        defer { TestSupport.removeTree(dir) }
        try prepare()
        TestSupport.write(spec(output: dir + "/ward", events: dir + "/e.parquet",
                               clustering: "{method: ward, k: 3, columns: [recency_days, frequency, monetary]}"), to: dir + "/ward.yaml")
        let r = try Strata.run(["segment", "--spec", dir + "/ward.yaml"])
        #expect(r.status == 0 && r.stderr.contains("Ward, k = 3"), "\(r.stderr)")
        let profiles = try ParquetReader.read(path: dir + "/ward/profiles.parquet")
        let cluster = try profiles.column("cluster")
        #expect(Set((0..<cluster.count).compactMap { cluster.doubleValue(at: $0) }) == [1, 2, 3])
        #expect(profiles.schema.names.contains("cart_adds_7d") && profiles.schema.names.contains("rfm_monetary_value"))
        #expect(TestSupport.exists(dir + "/ward/cluster-model.json") && TestSupport.exists(dir + "/ward/churn-model.json"))
        #expect(TestSupport.readText(dir + "/ward/report.html")?.contains("Cleaning") == true)
    }

    @Test func specErrorsNameTheLine() throws {
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("output: x\nsources: {profiles: p.csv}\nclustering: {k: 0, columns: [a]}\n", to: dir + "/bad.yaml")
        let r = try Strata.run(["segment", "--spec", dir + "/bad.yaml"])
        #expect(r.status == 65 && r.stderr.contains("bad.yaml:3") && r.stderr.contains("clustering"), "\(r.stderr)")
        TestSupport.write("sources: {profiles: p.csv}\nsegmnets: x.yaml\n", to: dir + "/typo.yaml")
        let t = try Strata.run(["segment", "--spec", dir + "/typo.yaml"])
        #expect(t.status == 65 && t.stderr.contains("typo.yaml:2") && t.stderr.contains("unknown key 'segmnets'"), "\(t.stderr)")
        let d = try Strata.run(["segment", "--spec", dir + "/typo.yaml", "--dry-run"])
        #expect(d.status != 0)
    }
}
