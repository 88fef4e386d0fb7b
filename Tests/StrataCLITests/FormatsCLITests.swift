import Foundation
import Testing
import StrataCore
import StrataIO
import StrataTestSupport

/// Every command reads and writes CSV, Parquet and Arrow by extension; `convert` between them.
@Suite(.serialized) struct FormatsCLITests {
    let dir = TestSupport.temporaryDirectory()

    @Test func convertsThroughEveryFormatAndBack() throws {
        defer { TestSupport.removeTree(dir) }
        _ = try Strata.run(["generate", "--rows", "4000", "--output", dir + "/g.csv"])
        let steps: [(String, String, [String])] = [
            ("g.csv", "g.parquet", ["--compression", "zstd", "--row-group-size", "1500"]),
            ("g.parquet", "g.arrow", ["--compression", "lz4"]),
            ("g.arrow", "g.arrows", []),
            ("g.arrows", "g.feather", []),
            ("g.feather", "back.csv", []),
        ]
        for (from, to, extra) in steps {
            let r = try Strata.run(["convert", dir + "/" + from, dir + "/" + to, "--quiet"] + extra)
            #expect(r.status == 0, "\(from) → \(to): \(r.stderr)")
        }
        #expect(TestSupport.read(dir + "/g.csv") == TestSupport.read(dir + "/back.csv"))
        #expect(try ParquetReader.info(path: dir + "/g.parquet").rowGroupRowCounts == [1500, 1500, 1000])
    }

    @Test func commandsReadAndWriteParquet() throws {
        defer { TestSupport.removeTree(dir) }
        _ = try Strata.run(["generate", "--rows", "3000", "--output", dir + "/g.parquet"])
        let profile = try Strata.run(["profile", dir + "/g.parquet"])
        #expect(profile.status == 0 && profile.stdout.contains("3000 rows × 23 columns"), "\(profile.stderr)")
        let k = try Strata.run(["kmeans", dir + "/g.parquet", "--k", "4", "--columns", "recency_days,frequency,monetary",
                                "--id", "customer_id", "--missing", "median", "--output", dir + "/seg.parquet", "--quiet"])
        #expect(k.status == 0, "\(k.stderr)")
        let seg = try ParquetReader.read(path: dir + "/seg.parquet")
        #expect(seg.rowCount == 3000 && seg.schema.names.contains("segment"))
    }

    @Test func damagedInputFailsCleanly() throws {
        defer { TestSupport.removeTree(dir) }
        _ = try Strata.run(["generate", "--rows", "2000", "--output", dir + "/g.parquet"])
        let bytes = TestSupport.read(dir + "/g.parquet")!
        TestSupport.write(Array(bytes.prefix(bytes.count - 300)), to: dir + "/cut.parquet")
        let r = try Strata.run(["convert", dir + "/cut.parquet", dir + "/out.csv"])
        #expect(r.status == 65 && r.stderr.contains("cut.parquet") && r.stderr.contains("PAR1"), "\(r.stderr)")
        #expect(!TestSupport.exists(dir + "/out.csv"))
        let u = try Strata.run(["convert", dir + "/g.parquet", dir + "/out.xlsx"])
        #expect(u.status != 0 && u.stderr.contains(".parquet"))
        #expect(!TestSupport.exists(dir + "/out.xlsx"))
    }
}
