import Foundation
import Testing
import StrataCore
import StrataIO
import StrataTestSupport

@Suite(.serialized) struct KMeansCLITests {
    let dir = TestSupport.temporaryDirectory()
    let columns = "recency_days,frequency,monetary,sessions_30d"

    @Test func segmentsSavesAndPredicts() throws {
        defer { TestSupport.removeTree(dir) }
        let data = TestSupport.packageRoot + "/Data/customers.csv"
        let fit = try Strata.run(["kmeans", data, "--k", "4", "--columns", columns, "--id", "customer_id", "--seed", "3",
                                  "--output", dir + "/seg.csv", "--model", dir + "/model.json", "--missing", "median"])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("Segment profiles") && fit.stdout.contains("k = 4"))
        let seg = try CSVReader.read(path: dir + "/seg.csv").table
        #expect(seg.schema.names == ["customer_id", "segment", "distance"])
        #expect(seg.rowCount == 20_000)
        let pred = try Strata.run(["predict", data, "--model", dir + "/model.json", "--output", dir + "/pred.csv", "--id", "customer_id"])
        #expect(pred.status == 0, "\(pred.stderr)")
        #expect(TestSupport.read(dir + "/seg.csv") == TestSupport.read(dir + "/pred.csv"))
        let scored = try Strata.run(["kmeans", data, "--k", "6", "--columns", columns, "--truth", "segment", "--quiet", "--json"])
        let scoredDoc = try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as! [String: Any]
        let metrics = try #require(scoredDoc["metrics"] as? [String: Any])
        #expect((metrics["adjustedRandIndex"] as? Double ?? -1) > 0.2)
        #expect((metrics["silhouette"] as? [String: Any])?["exact"] as? Bool == false)
        let json = try Strata.run(["kmeans", data, "--k", "3", "--columns", columns, "--json", "--precision", "float64"])
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(doc["format"] as? String == "strata-kmeans" && doc["version"] as? Int == 1 && doc["precision"] as? String == "float64")
        #expect((doc["centroidsOriginal"] as? [[Double]])?.count == 3)
    }

    @Test func sweepWritesElbowChart() throws {
        defer { TestSupport.removeTree(dir) }
        let data = TestSupport.packageRoot + "/Data/customers.csv"
        let r = try Strata.run(["kmeans", data, "--k", "2...5", "--columns", columns, "--elbow", dir + "/elbow.svg", "--seed", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("highest silhouette at k ="))
        let svg = try #require(TestSupport.readText(dir + "/elbow.svg"))
        #expect(svg.hasPrefix("<svg") && svg.contains("silhouette") && svg.contains("</svg>"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 8)  // 4 k values × 2 series
        let bad = try Strata.run(["kmeans", data, "--k", "2...5", "--output", dir + "/x.csv"])
        #expect(bad.status == 64)
    }

    @Test func initTakesNamedMethodsAndCenterFiles() throws {
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("a,b\n0,0\n0,1\n1,0\n10,10\n10,11\n11,10\n", to: dir + "/in.csv")
        TestSupport.write("a,b\n9,9\n1,1\n", to: dir + "/centers.csv")
        func run(_ extra: [String]) throws -> Strata.Result {
            try Strata.run(["kmeans", dir + "/in.csv", "--k", "2", "--standardize", "none", "--quiet"] + extra)
        }
        let fromFile = try run(["--init", dir + "/centers.csv", "--algorithm", "lloyd", "--output", dir + "/out.csv"])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let segment = try CSVReader.read(path: dir + "/out.csv").table.column("segment")
        #expect((0..<6).map { segment.formatted(at: $0) } == ["1", "1", "1", "0", "0", "0"])  // the file's order names the segments
        for method in ["k-means++", "k-means-parallel", "random"] {
            let named = try run(["--init", method])
            #expect(named.status == 0, "\(method): \(named.stderr)")
        }
        TestSupport.write("a,b\n9,9\n", to: dir + "/one.csv")
        let short = try run(["--init", dir + "/one.csv", "--output", dir + "/x.csv"])
        #expect(short.status != 0 && short.stderr.contains("one.csv") && short.stderr.contains("holds 1 centers"), "\(short.stderr)")
        #expect(!TestSupport.listDirectory(dir).contains("x.csv"))
    }

    @Test func badInputFailsCleanly() throws {
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("id,a,b,name,c\n1,1.0,2,x,5\n2,,3,y,5\n3,3.0,4,z,5\n4,nan,5,w,5\n", to: dir + "/in.csv")
        func run(_ extra: [String]) throws -> Strata.Result {
            try Strata.run(["kmeans", dir + "/in.csv", "--output", dir + "/out.csv"] + extra)
        }
        let tooMany = try run(["--k", "9", "--columns", "b"])
        #expect(tooMany.status == 64 && tooMany.stderr.contains("larger than the number of rows"))
        let missing = try run(["--k", "2", "--columns", "a,b"])
        #expect(missing.status == 65 && missing.stderr.contains("column 'a'") && missing.stderr.contains("row 2"), "\(missing.stderr)")
        let unknown = try run(["--k", "2", "--columns", "zz"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no column 'zz'"))
        let text = try run(["--k", "2", "--columns", "name"])
        #expect(text.status == 65 && text.stderr.contains("not numeric"))
        let zero = try run(["--k", "0"])
        #expect(zero.status == 64)
        #expect(TestSupport.listDirectory(dir) == ["in.csv"])  // no output left behind
        let constant = try run(["--k", "2", "--columns", "b,c", "--quiet"])
        #expect(constant.status == 0 && constant.stderr.isEmpty)
        let warned = try run(["--k", "2", "--columns", "b,c"])
        #expect(warned.stderr.contains("'c' is constant"))
        let imputed = try run(["--k", "2", "--columns", "a,b", "--missing", "mean"])
        #expect(imputed.status == 0, "\(imputed.stderr)")
        TestSupport.write("a,b\n", to: dir + "/empty.csv")
        let empty = try Strata.run(["kmeans", dir + "/empty.csv", "--k", "1"])
        #expect(empty.status == 64 && empty.stderr.contains("no rows"), "\(empty.stderr)")
        let badModel = try Strata.run(["predict", dir + "/in.csv", "--model", dir + "/in.csv", "--output", dir + "/p.csv"])
        #expect(badModel.status == 65 && badModel.stderr.contains("not a Strata K-Means model"))
    }
}

@Suite(.serialized) struct KMeansStreamCLITests {
    let dir = TestSupport.temporaryDirectory()
    let data = TestSupport.packageRoot + "/Data/customers.csv"

    @Test func streamedFitAssignsEveryRowAsItsModelPredicts() throws {
        defer { TestSupport.removeTree(dir) }
        let args = ["kmeans", data, "--k", "4", "--columns", "recency_days,frequency,monetary,age", "--id", "customer_id",
                    "--algorithm", "minibatch", "--stream", "--passes", "2", "--seed", "5"]
        let fit = try Strata.run(args + ["--missing", "mean", "--output", dir + "/seg.csv", "--model", dir + "/model.json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("20000 rows") && fit.stdout.contains("Segment profiles"))
        let pred = try Strata.run(["predict", data, "--model", dir + "/model.json", "--output", dir + "/pred.csv", "--id", "customer_id"])
        #expect(pred.status == 0, "\(pred.stderr)")
        #expect(TestSupport.read(dir + "/seg.csv") == TestSupport.read(dir + "/pred.csv"))
        let dropped = try Strata.run(args + ["--missing", "drop", "--output", dir + "/drop.csv"])
        #expect(dropped.status == 0 && dropped.stdout.contains("left out"), "\(dropped.stdout)")
        let out = try CSVReader.read(path: dir + "/drop.csv").table
        #expect(out.rowCount == 20_000 - 351)  // the rows without an age
    }

    @Test func streamRefusesWhatNeedsEveryRow() throws {
        defer { TestSupport.removeTree(dir) }
        func run(_ extra: [String]) throws -> Strata.Result {
            try Strata.run(["kmeans", data, "--k", "3", "--columns", "age,income", "--stream", "--output", dir + "/o.csv"] + extra)
        }
        let lloyd = try run([])
        #expect(lloyd.status == 64 && lloyd.stderr.contains("--algorithm minibatch"))
        let robust = try run(["--algorithm", "minibatch", "--standardize", "robust"])
        #expect(robust.status == 64)
        let median = try run(["--algorithm", "minibatch", "--missing", "median"])
        #expect(median.status == 64 && median.stderr.contains("mean or constant"), "\(median.stderr)")
        let missing = try run(["--algorithm", "minibatch"])
        let whole = try Strata.run(["kmeans", data, "--k", "3", "--columns", "age,income"])
        #expect(missing.status == 65 && missing.stderr.contains("column 'age'"), "\(missing.stderr)")
        // The same row as reading the whole file names.
        let row = { (s: String) in s.components(separatedBy: "at row ").dropFirst().first?.prefix { $0.isNumber } }
        #expect(row(missing.stderr) != nil && row(missing.stderr) == row(whole.stderr), "\(missing.stderr) vs \(whole.stderr)")
        #expect(!TestSupport.exists(dir + "/o.csv"))
    }
}
