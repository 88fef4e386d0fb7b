import ArgumentParser
import StrataCore
import StrataIO

/// File formats `strata` reads and writes, chosen by extension or `--format`.
enum FileFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, tsv, parquet, arrow, arrows

    var isText: Bool { self == .csv || self == .tsv }

    static func of(path: String, override: FileFormat?) throws -> FileFormat {
        if let override { return override }
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "csv", "txt": return .csv
        case "tsv", "tab": return .tsv
        case "parquet", "pq": return .parquet
        case "arrow", "feather", "ipc": return .arrow
        case "arrows": return .arrows
        default:
            throw StrataError(.unsupported, "cannot tell the format from the extension '.\(ext)'; supported: .csv, .tsv, .parquet, .arrow/.feather (IPC file), .arrows (IPC stream) (or pass --format)", file: path)
        }
    }
}

/// How inputs are read: shared by every command that reads a table.
struct ReadOptions: ParsableArguments {
    @Option(name: .long, help: "Input format (default: from the extension).")
    var format: FileFormat?

    @Option(name: .long, help: "Field delimiter: a character, or 'tab' (default: detected).")
    var delimiter: String?

    @Flag(name: .long, help: "The first line is data, not column names.")
    var noHeader = false

    @Option(name: .customLong("null"), help: "Text read as null (repeatable; default: empty, NA, NULL).")
    var nullTokens: [String] = []

    @Option(name: .long, help: "Column types, e.g. 'age=int64,income=float64,zip=string'.")
    var types: String?

    @Option(name: .long, help: "Bad input lines: fail (default) or skip (needs --rejects).")
    var onError: String = "fail"

    @Option(name: .long, help: "With --on-error skip: file receiving each rejected line verbatim.")
    var rejects: String?

    func validate() throws {
        guard onError == "fail" || onError == "skip" else { throw ValidationError("--on-error must be 'fail' or 'skip'") }
        if onError == "skip" && rejects == nil { throw ValidationError("--on-error skip needs --rejects FILE, so no row is lost") }
        if let delimiter, delimiter != "tab", delimiter.utf8.count != 1 {
            throw ValidationError("--delimiter must be one character or 'tab'")
        }
    }

    func csvOptions(format: FileFormat, parallelism: Parallelism) throws -> CSVReadOptions {
        var o = CSVReadOptions()
        o.parallelism = parallelism
        if let delimiter { o.delimiter = delimiter == "tab" ? UInt8(ascii: "\t") : delimiter.utf8.first! }
        else if format == .tsv { o.delimiter = UInt8(ascii: "\t") }
        o.hasHeader = !noHeader
        if !nullTokens.isEmpty { o.nullTokens = nullTokens }
        if let types {
            for pair in types.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let t = DataType(userName: parts[1]) else {
                    throw StrataError(.invalidConfiguration, "--types expects name=type pairs with types float32, float64, int64, bool, string, date, timestamp; got '\(pair)'")
                }
                o.types[parts[0]] = t
            }
        }
        if onError == "skip", let rejects { o.onBadRow = .skip(rejectsPath: rejects) }
        return o
    }

    /// Reads a table, reporting rejected lines on stderr.
    func read(_ path: String, global: GlobalOptions) throws -> (Table, CSVReadSummary) {
        let format = try FileFormat.of(path: path, override: self.format)
        switch format {
        case .parquet, .arrow, .arrows:
            let table = format == .parquet
                ? try ParquetReader.read(path: path, options: ParquetReadOptions(parallelism: global.parallelism))
                : try ArrowIPCReader.read(path: path)
            var summary = CSVReadSummary(rows: table.rowCount)
            summary.bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
            return (table, summary)
        case .csv, .tsv:
            break
        }
        let (table, summary) = try CSVReader.read(path: path, options: csvOptions(format: format, parallelism: global.parallelism))
        if summary.rejectedRows > 0 {
            Terminal.note("strata: \(summary.rejectedRows) line(s) of \(path) rejected, written to \(summary.rejectsPath ?? "?")", quiet: global.quiet)
        }
        return (table, summary)
    }
}

/// Output settings of the binary formats (`strata convert` exposes them; other commands use
/// the defaults).
struct BinaryWriteSettings {
    /// Parquet: none, snappy (default), gzip, zstd, lz4. Arrow: none (default), lz4, zstd.
    var compression: String?
    /// Rows per Parquet row group or Arrow record batch.
    var groupRows: Int?

    /// `compression` as the format's codec (nil when not given).
    func codec<C: RawRepresentable & CaseIterable>(_: C.Type, format: String) throws -> C? where C.RawValue == String {
        guard let compression else { return nil }
        guard let c = C(rawValue: compression) else {
            throw StrataError(.invalidConfiguration, "--compression for \(format) must be one of \(C.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return c
    }
}

/// Writes a table by the output path's extension (or `format`), atomically.
func writeTable(_ table: Table, to path: String, format: FileFormat?, parallelism: Parallelism,
                settings: BinaryWriteSettings = BinaryWriteSettings()) throws {
    let f = try FileFormat.of(path: path, override: format)
    switch f {
    case .parquet:
        var o = ParquetWriteOptions(parallelism: parallelism)
        if let c = try settings.codec(ParquetWriteOptions.Compression.self, format: "Parquet") { o.compression = c }
        if let rows = settings.groupRows { o.rowGroupRows = rows }
        try ParquetWriter.write(table, to: path, options: o)
        return
    case .arrow, .arrows:
        var o = ArrowWriteOptions(format: f == .arrow ? .file : .stream)
        if let c = try settings.codec(ArrowWriteOptions.Compression.self, format: "Arrow") { o.compression = c }
        if let rows = settings.groupRows { o.batchRows = rows }
        try ArrowIPCWriter.write(table, to: path, options: o)
        return
    case .csv, .tsv:
        break
    }
    var o = CSVWriteOptions()
    o.parallelism = parallelism
    if f == .tsv { o.delimiter = UInt8(ascii: "\t") }
    try CSVWriter.write(table, to: path, options: o)
}

import Foundation
