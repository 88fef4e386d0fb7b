import Foundation
import Testing
import StrataCore
@testable import StrataIO

/// Parquet files written by pyarrow and DuckDB (scripts/make_fixtures.py), read by Strata and
/// compared value by value with what pyarrow reads from the same file.
enum ParquetFixtures {
    static let directory = Bundle.module.resourcePath! + "/Fixtures/formats"

    struct Expected {
        let files: [String: String]                  // file → table key
        let tables: [String: [String: [Any?]]]       // key → column → values
    }

    nonisolated(unsafe) static let expected: Expected = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json"))
        let json = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        let files = (json["files"] as! [String: [String: Any]]).mapValues { $0["table"] as! String }
        let tables = (json["tables"] as! [String: [String: [Any]]]).mapValues { table in
            table.mapValues { $0.map { $0 is NSNull ? nil : $0 } }
        }
        return Expected(files: files, tables: tables)
    }()

    static func path(_ name: String) -> String { directory + "/" + name }
}

/// A JSON number as a double, exactly (Foundation may hand back a decimal whose `doubleValue`
/// is off in the last bits; its text is exact).
func exactDouble(_ e: Any) -> Double {
    let n = e as! NSNumber
    return Double(n.description) ?? n.doubleValue
}

/// Checks that `column` holds `expected` (pyarrow's values in Strata's types).
func expectColumn(_ column: Column, equals expected: [Any?], _ context: String) {
    #expect(column.count == expected.count, "\(context): \(column.count) rows, expected \(expected.count)")
    var mismatches = 0
    for (i, e) in expected.enumerated() where mismatches < 3 {
        let ok: Bool
        if let e {
            switch column.values {
            case .int64(let a): ok = a[i] == (e as! NSNumber).int64Value && column.isValid(i)
            case .timestamp(let a): ok = a[i] == (e as! NSNumber).int64Value && column.isValid(i)
            case .float64(let a):
                let x = exactDouble(e)
                ok = column.isValid(i) && (a[i] == x || abs(a[i] - x) <= 1e-12 * abs(x))
            case .float32(let a): ok = column.isValid(i) && Double(a[i]) == exactDouble(e)
            case .bool(let a): ok = column.isValid(i) && (a[i] != 0) == (e as! Bool)
            case .string: ok = column.stringValue(at: i) == (e as! String)
            case .date: ok = column.formatted(at: i) == (e as! String)
            }
        } else {
            ok = !column.isValid(i)
        }
        if !ok {
            mismatches += 1
            Issue.record("\(context) row \(i): \(column.formatted(at: i) ?? "null") ≠ \(e.map { "\($0)" } ?? "null")")
        }
    }
}

@Suite struct ParquetReaderTests {
    static let files = ParquetFixtures.expected.files.keys.filter { $0.hasSuffix(".parquet") }.sorted()

    @Test(arguments: files)
    func readsLikePyarrow(_ name: String) throws {
        let expected = ParquetFixtures.expected.tables[ParquetFixtures.expected.files[name]!]!
        for threads in [1, 2] {
            let t = try ParquetReader.read(path: ParquetFixtures.path(name), options: ParquetReadOptions(parallelism: Parallelism(threads: threads)))
            #expect(Set(t.schema.names) == Set(expected.keys), "\(name)")
            for (column, values) in expected {
                expectColumn(try t.column(column), equals: values, "\(name) \(column)")
            }
        }
    }

    @Test func mapsTypes() throws {
        let t = try ParquetReader.read(path: ParquetFixtures.path("pyarrow_default.parquet"))
        let types = Dictionary(uniqueKeysWithValues: zip(t.schema.names, t.schema.fields.map(\.type)))
        #expect(types == ["i64": .int64, "i32": .int64, "small": .int64, "f64": .float64, "f32": .float32, "s": .string,
                          "id": .string, "b": .bool, "d": .date, "ts_ms": .timestamp, "ts_us": .timestamp, "ts_ns": .timestamp,
                          "dec": .float64, "dec_big": .float64, "fixed": .string])
    }

    @Test func projectsColumnsInTheOrderAsked() throws {
        let t = try ParquetReader.read(path: ParquetFixtures.path("pyarrow_lz4_small_groups.parquet"),
                                       options: ParquetReadOptions(columns: ["s", "i64"]))
        #expect(t.schema.names == ["s", "i64"])
        let expected = ParquetFixtures.expected.tables["table0"]!
        expectColumn(t.columns[0], equals: expected["s"]!, "s")
        #expect(throws: StrataError.self) { try ParquetReader.read(path: ParquetFixtures.path("pyarrow_default.parquet"), options: ParquetReadOptions(columns: ["nope"])) }
    }

    @Test func infoReadsTheFooterOnly() throws {
        let info = try ParquetReader.info(path: ParquetFixtures.path("pyarrow_lz4_small_groups.parquet"))
        #expect(info.rowCount == 300)
        #expect(info.rowGroupRowCounts == [64, 64, 64, 64, 44])
        #expect(info.columns.first { $0.name == "i64" }?.codecs == ["LZ4_RAW"])
    }
}
