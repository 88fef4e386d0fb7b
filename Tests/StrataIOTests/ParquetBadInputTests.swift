import Foundation
import Testing
import StrataCore
@testable import StrataIO
import StrataTestSupport

/// Damaged and unsupported Parquet files: a clear error naming the file (and, for page damage,
/// the column and row group), never a crash.
@Suite struct ParquetBadInputTests {
    static let original = try! [UInt8](Data(contentsOf: URL(fileURLWithPath: ParquetFixtures.path("pyarrow_default.parquet"))))

    func readError(_ bytes: [UInt8]) -> StrataError? {
        let path = makeTemporaryPath(suffix: ".parquet")
        defer { unlink(path) }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do {
            _ = try ParquetReader.read(path: path)
            return nil
        } catch let e as StrataError {
            #expect(e.file == path)
            return e
        } catch {
            Issue.record("not a StrataError: \(error)")
            return nil
        }
    }

    @Test func truncatedFile() throws {
        let e = try #require(readError(Array(Self.original.prefix(Self.original.count / 2))))
        #expect(e.kind == .parse && e.message.contains("no PAR1 magic at the end"))
        let tiny = try #require(readError(Array(Self.original.prefix(7))))
        #expect(tiny.message.contains("too short"))
        #expect(readError([]) != nil)
    }

    @Test func wrongMagic() throws {
        var bytes = Self.original
        bytes.replaceSubrange(0..<4, with: Array("PAR2".utf8))
        let e = try #require(readError(bytes))
        #expect(e.message.contains("wrong magic number"))
    }

    @Test func corruptFooter() throws {
        var bytes = Self.original
        let length = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        let start = bytes.count - 8 - length
        for i in start..<(start + 40) { bytes[i] = 0xff }
        let e = try #require(readError(bytes))
        #expect(e.message.contains("corrupt footer"))
        var huge = Self.original
        huge[huge.count - 5] = 0x7f  // metadata length larger than the file
        #expect(try #require(readError(huge)).message.contains("corrupt footer"))
    }

    @Test func corruptPageNamesColumnAndRowGroup() throws {
        // Cut the body out of the middle of the file, keeping the footer: chunks now point
        // past their data.
        let footerLength = Int(Self.original[Self.original.count - 8]) | Int(Self.original[Self.original.count - 7]) << 8
        let keep = Self.original.count - 8 - footerLength
        var bytes = Array(Self.original.prefix(keep / 3)) + Array(Self.original[keep...])
        let e = try #require(readError(bytes))
        #expect(e.column != nil && e.message.contains("row group 0"), "\(e)")
        // Garbage over the first column's first page header.
        bytes = Self.original
        for i in 4..<24 { bytes[i] = 0xee }
        let g = try #require(readError(bytes))
        #expect(g.column == "i64" && g.message.contains("row group 0"), "\(g)")
    }

    @Test func nestedSchemaIsUnsupported() throws {
        do {
            _ = try ParquetReader.read(path: ParquetFixtures.path("nested_list.parquet"))
            Issue.record("read a nested schema")
        } catch let e as StrataError {
            #expect(e.kind == .unsupported && e.column == "tags", "\(e)")
        }
    }

    /// Random damage (bytes overwritten, ranges cut) never crashes: each read succeeds or throws.
    @Test func randomDamageNeverCrashes() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<300 {
            var bytes = Self.original
            let edits = 1 + Int(rng.next() % 8)
            for _ in 0..<edits {
                let i = Int(rng.next() % UInt64(bytes.count))
                if rng.next() % 5 == 0 {
                    bytes.removeSubrange(i..<min(bytes.count, i + Int(rng.next() % 64)))
                } else {
                    bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            _ = readError(bytes)
        }
    }
}

@Suite struct ParquetTextRepairTests {
    /// Bytes that are not UTF-8 read as text with U+FFFD; values that repair to the same text
    /// share one dictionary entry.
    @Test func invalidUTF8MergesIntoOneEntry() throws {
        let t = try ParquetReader.read(path: ParquetFixtures.path("invalid_utf8.parquet"))
        let c = try t.column("raw")
        #expect((0..<5).map { c.stringValue(at: $0) } == ["\u{FFFD}", "\u{FFFD}", "ok", nil, "\u{FFFD}"])
        guard case .string(_, let dict) = c.values else { Issue.record("not text"); return }
        #expect(Set(dict.values).count == dict.values.count)
    }
}
