import Foundation
import Testing
import _CStrataCodecs
import StrataCore
@testable import StrataIO
import StrataTestSupport

/// The Arrow C Data and Stream Interfaces: export and import round trips, zero-copy, release.
@Suite struct ArrowCDataTests {
    @Test func exportImportRoundTrip() throws {
        let table = try sampleTable(rows: 1_234)
        var array = ArrowArray(), schema = ArrowSchema()
        ArrowCData.export(table, array: &array, schema: &schema)
        #expect(String(cString: schema.format) == "+s" && schema.n_children == 8)
        #expect(String(cString: schema.children[4]!.pointee.format) == "i" && String(cString: schema.children[4]!.pointee.dictionary!.pointee.format) == "u")
        // Values leave without a copy: the exported f64 buffer is the column's own.
        let exported = array.children[1]!.pointee.buffers[1]!
        let own = try table.column("f64").values
        if case .float64(let a) = own { a.withUnsafeBufferPointer { #expect(UnsafeRawPointer($0.baseAddress!) == exported) } }
        let back = try ArrowCData.importTable(array: &array, schema: &schema)
        #expect(array.release == nil)  // moved into Strata
        expectSameTable(table, back, "C data")
        schema.release?(&schema)
        #expect(schema.release == nil)
    }

    @Test func importBorrowsAlignedBuffersAndReleasesOnce() throws {
        let table = try sampleTable(rows: 500)
        var array = ArrowArray(), schema = ArrowSchema()
        ArrowCData.export(table, array: &array, schema: &schema)
        let exported = array.children[1]!.pointee.buffers[1]!
        var imported: Table? = try ArrowCData.importTable(array: &array, schema: &schema)
        if case .float64(let a) = try imported!.column("f64").values, Int(bitPattern: exported) % 64 == 0 {
            a.withUnsafeBufferPointer { #expect(UnsafeRawPointer($0.baseAddress!) == exported) }  // borrowed, not copied
        }
        expectSameTable(table, imported!, "borrowed")
        imported = nil  // the producer's release runs now; nothing left to check but no crash
        schema.release?(&schema)
    }

    @Test func streamRoundTrip() throws {
        let table = try sampleTable(rows: 3_001)
        var stream = ArrowArrayStream()
        ArrowCData.exportStream(table, batchRows: 1_000, into: &stream)
        let back = try ArrowCData.importStream(&stream)
        #expect(stream.release == nil)
        expectSameTable(table, back, "stream")
        var empty = ArrowArrayStream()
        ArrowCData.exportStream(table.slice(0..<0), into: &empty)
        let none = try ArrowCData.importStream(&empty)
        #expect(none.rowCount == 0 && none.schema.names == table.schema.names)
    }

    @Test func slicesExportWithTheirOwnRows() throws {
        let table = try sampleTable(rows: 900).slice(101..<777)
        var array = ArrowArray(), schema = ArrowSchema()
        ArrowCData.export(table, array: &array, schema: &schema)
        expectSameTable(table, try ArrowCData.importTable(array: &array, schema: &schema), "slice")
        schema.release?(&schema)
    }

    /// pyarrow reads from and writes through libStrataC (when the venv and the library exist).
    @Test func pyarrowThroughTheCABI() throws {
        let root = TestSupport.packageRoot
        let python = root + "/.venv/bin/python"
        let library = ["/.build/debug/libStrataC.so", "/.build/release/libStrataC.so"].map { root + $0 }.first { FileManager.default.fileExists(atPath: $0) }
        guard FileManager.default.isExecutableFile(atPath: python), let library else { return }
        let source = makeTemporaryPath(suffix: ".parquet"), target = makeTemporaryPath(suffix: ".parquet")
        defer { unlink(source); unlink(target) }
        try ParquetWriter.write(try sampleTable(rows: 2_000), to: source)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root + "/scripts/c_abi_roundtrip.py", library, source, target]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(out)")
    }
}
