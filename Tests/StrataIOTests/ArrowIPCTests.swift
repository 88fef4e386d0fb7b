import Foundation
import Testing
import StrataCore
@testable import StrataIO
import StrataTestSupport

/// Arrow IPC files and streams written by pyarrow (scripts/make_fixtures.py), read by Strata and
/// compared with what pyarrow reads; Strata's own files read back by Strata and by pyarrow.
@Suite struct ArrowIPCTests {
    static let files = ParquetFixtures.expected.files.keys.filter { !$0.hasSuffix(".parquet") }.sorted()

    @Test(arguments: files)
    func readsLikePyarrow(_ name: String) throws {
        let expected = ParquetFixtures.expected.tables[ParquetFixtures.expected.files[name]!]!
        let t = try ArrowIPCReader.read(path: ParquetFixtures.path(name))
        #expect(Set(t.schema.names) == Set(expected.keys), "\(name)")
        for (column, values) in expected {
            expectColumn(try t.column(column), equals: values, "\(name) \(column)")
        }
        #expect(try t.column("u8").type == .int64 && t.column("f16").type == .float32 && t.column("d64").type == .date)
    }

    @Test func projects() throws {
        let t = try ArrowIPCReader.read(path: ParquetFixtures.path("pyarrow_ipc_dictionary_stream.arrows"), options: ArrowReadOptions(columns: ["s", "f64"]))
        #expect(t.schema.names == ["s", "f64"])
        expectColumn(t.columns[0], equals: ParquetFixtures.expected.tables[ParquetFixtures.expected.files["pyarrow_ipc_dictionary_stream.arrows"]!]!["s"]!, "s")
    }

    @Test(arguments: ArrowWriteOptions.Format.allCases, ArrowWriteOptions.Compression.allCases)
    func roundTrips(_ format: ArrowWriteOptions.Format, _ compression: ArrowWriteOptions.Compression) throws {
        let table = try sampleTable(rows: 2_500)
        let path = makeTemporaryPath(suffix: format == .file ? ".arrow" : ".arrows")
        defer { unlink(path) }
        try ArrowIPCWriter.write(table, to: path, options: ArrowWriteOptions(format: format, compression: compression, batchRows: 1_000))
        expectSameTable(table, try ArrowIPCReader.read(path: path), "\(format) \(compression)")
        // Slices start mid-bitmap: validity and values must still line up.
        try ArrowIPCWriter.write(table.slice(13..<1_990), to: path, options: ArrowWriteOptions(format: format, compression: compression, batchRows: 333))
        expectSameTable(table.slice(13..<1_990), try ArrowIPCReader.read(path: path), "slice \(format) \(compression)")
    }

    /// pyarrow reads what Strata writes (when the venv exists: `make venv`).
    @Test(arguments: [(ArrowWriteOptions.Format.file, ArrowWriteOptions.Compression.none), (.file, .zstd), (.stream, .lz4)])
    func pyarrowReadsWhatStrataWrites(_ format: ArrowWriteOptions.Format, _ compression: ArrowWriteOptions.Compression) throws {
        guard ReferenceReaders.available else { return }
        let table = try sampleTable(rows: 1_500)
        let path = makeTemporaryPath(suffix: format == .file ? ".arrow" : ".arrows")
        defer { unlink(path) }
        try ArrowIPCWriter.write(table, to: path, options: ArrowWriteOptions(format: format, compression: compression, batchRows: 600))
        let json = try ReferenceReaders.readBack(path)
        let columns = json["pyarrow"] as! [String: [Any]]
        #expect(Set(columns.keys) == Set(table.schema.names))
        for (name, values) in columns {
            expectColumn(try table.column(name), equals: values.map { $0 is NSNull ? nil : $0 }, "pyarrow \(name)")
        }
        let types = json["pyarrow_types"] as! [String: String]
        #expect(types == ["f32": "float", "f64": "double", "i64": "int64", "b": "bool", "s": "string", "id": "string",
                          "d": "date32[day]", "ts": "timestamp[us, tz=UTC]"])
    }

    func readError(_ bytes: [UInt8], suffix: String = ".arrow") -> StrataError? {
        let path = makeTemporaryPath(suffix: suffix)
        defer { unlink(path) }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do { _ = try ArrowIPCReader.read(path: path); return nil } catch let e as StrataError { return e } catch {
            Issue.record("not a StrataError: \(error)")
            return nil
        }
    }

    @Test func badInput() throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ParquetFixtures.path("pyarrow_feather_default.arrow"))))
        #expect(try #require(readError(Array(original.prefix(original.count / 2)))).message.contains("no ARROW1 magic at the end"))
        #expect(readError([]) != nil)
        #expect(readError(Array("hello, world".utf8)) != nil)
        do {
            _ = try ArrowIPCReader.read(path: ParquetFixtures.path("nested_list.arrow"))
            Issue.record("read a nested column")
        } catch let e as StrataError {
            #expect(e.kind == .unsupported && e.column == "tags", "\(e)")
        }
        let stream = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ParquetFixtures.path("pyarrow_ipc_stream.arrows"))))
        #expect(try #require(readError(Array(stream.prefix(stream.count / 2)), suffix: ".arrows")).message.contains("truncated"))
        var rng = SplitMix64(seed: 5)
        for source in [original, stream] {
            for _ in 0..<200 {
                var bytes = source
                for _ in 0..<(1 + Int(rng.next() % 6)) {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
                _ = readError(bytes)
            }
        }
    }
}
