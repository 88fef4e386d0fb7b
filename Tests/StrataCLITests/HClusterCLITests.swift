import Foundation
import Testing
import StrataCore
import StrataIO
import StrataTestSupport

@Suite(.serialized) struct HClusterCLITests {
    let dir = TestSupport.temporaryDirectory()
    let fixture = TestSupport.packageRoot + "/Tests/StrataClusterTests/Fixtures/hclust.csv"

    @Test func writesScipyLinkageLabelsAndDendrogram() throws {
        defer { TestSupport.removeTree(dir) }
        let r = try Strata.run(["hcluster", fixture, "--linkage", "average", "--k", "4", "--standardize", "none", "--precision", "float64",
                                "--output", dir + "/labels.csv", "--linkage-out", dir + "/z.csv", "--dendrogram", dir + "/tree.svg"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("average linkage") && r.stdout.contains("4 clusters") && r.stdout.contains("cophenetic correlation"))
        // Z as scipy wrote it (the fixture), row for row.
        let fixtureJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: TestSupport.packageRoot + "/Tests/StrataClusterTests/Fixtures/hclust.json"))) as! [String: Any]
        let expected = ((fixtureJSON["cases"] as! [String: Any])["average"] as! [String: Any])
        let zExpected = expected["Z"] as! [Double]
        let z = try CSVReader.read(path: dir + "/z.csv").table
        #expect(z.schema.names == ["left", "right", "distance", "size"])
        #expect(z.rowCount == 239)
        for r in 0..<z.rowCount {
            let row = (0..<4).map { Double(z.columns[$0].formatted(at: r)!)! }
            #expect(row[0] == zExpected[4 * r] && row[1] == zExpected[4 * r + 1] && row[3] == zExpected[4 * r + 3])
            #expect(TestSupport.close(row[2], zExpected[4 * r + 2], rel: 1e-9))
        }
        let labels = try CSVReader.read(path: dir + "/labels.csv").table
        #expect(labels.schema.names == ["row", "cluster"])
        let cut = (expected["maxclust"] as! [String: [Int]])["5"]!  // a different k: just the shape here
        #expect(labels.rowCount == cut.count)
        let svg = try #require(TestSupport.readText(dir + "/tree.svg"))
        #expect(svg.hasPrefix("<svg") && svg.contains("cut at") && svg.contains("</svg>"))
    }

    @Test func twoStageLabelsEveryRow() throws {
        defer { TestSupport.removeTree(dir) }
        let data = TestSupport.packageRoot + "/Data/customers.csv"
        let r = try Strata.run(["hcluster", data, "--columns", "recency_days,frequency,monetary,sessions_30d", "--id", "customer_id",
                                "--missing", "median", "--micro-clusters", "300", "--k", "6", "--output", dir + "/out.csv", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(doc["clusters"] as? Int == 6 && doc["leaves"] as? Int == 300 && doc["rows"] as? Int == 20_000)
        let out = try CSVReader.read(path: dir + "/out.csv").table
        #expect(out.schema.names == ["customer_id", "cluster", "micro_cluster"])
        #expect(out.rowCount == 20_000)
        let distance = try Strata.run(["hcluster", data, "--columns", "recency_days,frequency", "--micro-clusters", "100", "--distance", "5", "--quiet"])
        #expect(distance.status == 0, "\(distance.stderr)")
    }

    @Test func badInputFailsCleanly() throws {
        defer { TestSupport.removeTree(dir) }
        func run(_ args: [String]) throws -> Strata.Result {
            try Strata.run(["hcluster"] + args + ["--output", dir + "/out.csv", "--linkage-out", dir + "/z.csv"])
        }
        TestSupport.write("a,b\n1,2\n", to: dir + "/one.csv")
        TestSupport.write("a,b\n", to: dir + "/empty.csv")
        let empty = try run([dir + "/empty.csv", "--k", "1"])
        #expect(empty.status == 64 && empty.stderr.contains("header only"), "\(empty.stderr)")
        let one = try run([dir + "/one.csv", "--k", "1"])
        #expect(one.status == 64 && one.stderr.contains("at least 2 rows"), "\(one.stderr)")
        let both = try run([fixture, "--k", "2", "--distance", "1"])
        #expect(both.status == 64 && both.stderr.contains("exactly one of --k"))
        let neither = try run([fixture])
        #expect(neither.status == 64)
        let micro = try run([fixture, "--k", "2", "--linkage", "single", "--micro-clusters", "20"])
        #expect(micro.status == 64 && micro.stderr.contains("ward or centroid"), "\(micro.stderr)")
        let tooMany = try run([fixture, "--k", "2", "--micro-clusters", "500"])
        #expect(tooMany.status == 64 && tooMany.stderr.contains("500 micro-clusters for 240 rows"), "\(tooMany.stderr)")
        let memory = try run([fixture, "--k", "2", "--linkage", "complete", "--memory-limit", "100KiB"])
        #expect(memory.status != 0 && memory.stderr.contains("needs a condensed distance matrix of 112.0 KiB")
                && memory.stderr.contains("micro-clusters"), "\(memory.stderr)")
        let linkage = try run([fixture, "--k", "2", "--linkage", "wardd"])
        #expect(linkage.status == 64)
        TestSupport.write("a,b\n1,2\n3,nan\n5,6\n", to: dir + "/nan.csv")
        let nan = try run([dir + "/nan.csv", "--k", "2"])
        #expect(nan.status == 65 && nan.stderr.contains("row 2"), "\(nan.stderr)")
        #expect(TestSupport.listDirectory(dir).allSatisfy { !$0.hasPrefix("out") && !$0.hasPrefix("z") })
    }
}
