import Foundation
import Testing
import StrataCore
@testable import StrataIO
import StrataTestSupport

/// A table with every Strata type, nulls in most columns, repeated and unique strings.
func sampleTable(rows: Int, seed: UInt64 = 7) throws -> Table {
    var rng = SplitMix64(seed: seed)
    func null() -> Bool { rng.next() % 7 == 0 }
    let f32 = ColumnBuilder(type: .float32), f64 = ColumnBuilder(type: .float64), i64 = ColumnBuilder(type: .int64)
    let b = ColumnBuilder(type: .bool), s = ColumnBuilder(type: .string), id = ColumnBuilder(type: .string)
    let d = ColumnBuilder(type: .date), ts = ColumnBuilder(type: .timestamp)
    let words = ["north", "south", "east", "west", "", "ñandú 🦜", "a,b\"c"]
    for r in 0..<rows {
        if null() { f32.appendNull() } else { f32.append(Float(Int64(bitPattern: rng.next()) % 100_000) / 8) }
        if null() { f64.appendNull() } else { f64.append(Double(bitPattern: 0x3ff0_0000_0000_0000 | rng.next() >> 12) - 1.5) }
        if null() { i64.appendNull() } else { i64.append(Int64(bitPattern: rng.next())) }
        if null() { b.appendNull() } else { b.append(rng.next() & 1 == 1) }
        if null() { s.appendNull() } else { s.append(words[Int(rng.next() % UInt64(words.count))]) }
        id.append("C\(r)-\(rng.next() % 1000)")
        if null() { d.appendNull() } else { d.appendDate(Int32(Int64(rng.next() % 40_000) - 20_000)) }
        if null() { ts.appendNull() } else { ts.append(Int64(bitPattern: rng.next()) >> 10) }
    }
    return try Table(names: ["f32", "f64", "i64", "b", "s", "id", "d", "ts"],
                     columns: [f32, f64, i64, b, s, id, d, ts].map { $0.finish() })
}

/// Whether two tables hold the same names, types, validity and values (strings by text).
func expectSameTable(_ a: Table, _ b: Table, _ context: String) {
    #expect(a.schema.names == b.schema.names, "\(context)")
    #expect(a.schema.fields.map(\.type) == b.schema.fields.map(\.type), "\(context)")
    #expect(a.rowCount == b.rowCount, "\(context)")
    for (name, (x, y)) in zip(a.schema.names, zip(a.columns, b.columns)) {
        var bad = 0
        for i in 0..<min(x.count, y.count) where bad < 3 {
            let same: Bool
            switch (x.values, y.values) {
            case (.float32(let p), .float32(let q)): same = x.isValid(i) == y.isValid(i) && (!x.isValid(i) || p[i].bitPattern == q[i].bitPattern)
            case (.float64(let p), .float64(let q)): same = x.isValid(i) == y.isValid(i) && (!x.isValid(i) || p[i].bitPattern == q[i].bitPattern)
            default: same = x.formatted(at: i) == y.formatted(at: i)
            }
            if !same { bad += 1; Issue.record("\(context) \(name) row \(i): \(x.formatted(at: i) ?? "null") ≠ \(y.formatted(at: i) ?? "null")") }
        }
    }
}

@Suite struct ParquetWriterTests {
    @Test(arguments: ParquetWriteOptions.Compression.allCases)
    func roundTrips(_ compression: ParquetWriteOptions.Compression) throws {
        let table = try sampleTable(rows: 3_000)
        let path = makeTemporaryPath(suffix: ".parquet")
        defer { unlink(path) }
        var options = ParquetWriteOptions(compression: compression, rowGroupRows: 1_000)
        options.dataPageBytes = 2_000  // several pages per chunk
        try ParquetWriter.write(table, to: path, options: options)
        let back = try ParquetReader.read(path: path)
        expectSameTable(table, back, "\(compression)")
        let info = try ParquetReader.info(path: path)
        #expect(info.rowGroupRowCounts == [1_000, 1_000, 1_000])
        #expect(info.columns.allSatisfy { $0.codecs == [compression.codec.name] })
    }

    @Test func plainFallbackAndEmptyTable() throws {
        let table = try sampleTable(rows: 500)
        let path = makeTemporaryPath(suffix: ".parquet")
        defer { unlink(path) }
        var options = ParquetWriteOptions()
        options.dictionaryPageLimit = 100  // forces PLAIN strings
        try ParquetWriter.write(table, to: path, options: options)
        expectSameTable(table, try ParquetReader.read(path: path), "plain")
        try ParquetWriter.write(table.slice(0..<0), to: path)
        let empty = try ParquetReader.read(path: path)
        #expect(empty.rowCount == 0 && empty.schema == table.slice(0..<0).schema)
    }

    /// What Strata writes, pyarrow and DuckDB read back identically (runs when the venv with
    /// pyarrow exists: `make venv`).
    @Test func pyarrowAndDuckDBReadWhatStrataWrites() throws {
        guard ReferenceReaders.available else { return }
        let table = try sampleTable(rows: 2_000)
        let path = makeTemporaryPath(suffix: ".parquet")
        defer { unlink(path) }
        try ParquetWriter.write(table, to: path, options: ParquetWriteOptions(rowGroupRows: 700))
        let json = try ReferenceReaders.readBack(path)
        for reader in ["pyarrow", "duckdb"] {
            guard let columns = json[reader] as? [String: [Any]] else { continue }
            #expect(Set(columns.keys) == Set(table.schema.names), "\(reader)")
            for (name, values) in columns {
                let column = try table.column(name)
                let expected: [Any?] = values.map { $0 is NSNull ? nil : $0 }
                expectColumn(column, equals: expected, "\(reader) \(name)")
            }
        }
    }
}

/// pyarrow (and DuckDB for Parquet) reading a file Strata wrote, through scripts/parquet_readback.py
/// in the venv `make venv` creates; tests skip when it is absent (CI has no venv).
enum ReferenceReaders {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv/bin/python").path
    static var available: Bool { FileManager.default.isExecutableFile(atPath: python) }

    /// What each reader saw: `pyarrow` and `duckdb` (column → values), `pyarrow_types`.
    static func readBack(_ path: String) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root.appendingPathComponent("scripts/parquet_readback.py").path, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}
