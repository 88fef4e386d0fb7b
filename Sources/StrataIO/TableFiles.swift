import StrataCore

/// Reading and writing whole tables by file extension, with each format's defaults: `.csv`,
/// `.tsv`, `.parquet`, `.arrow`/`.feather`/`.ipc` (Arrow IPC file), `.arrows` (Arrow IPC stream).
/// Writes are atomic (a temporary file renamed into place).
public enum TableFiles {
    /// - Throws: `StrataError.unsupported` for an unknown extension, and the readers' errors.
    public static func read(_ path: String, parallelism: Parallelism = .allCores) throws -> Table {
        switch try kind(path) {
        case "parquet": return try ParquetReader.read(path: path, options: ParquetReadOptions(parallelism: parallelism))
        case "arrow": return try ArrowIPCReader.read(path: path)
        case "tsv":
            var o = CSVReadOptions()
            o.delimiter = UInt8(ascii: "\t")
            o.parallelism = parallelism
            return try CSVReader.read(path: path, options: o).table
        default:
            var o = CSVReadOptions()
            o.parallelism = parallelism
            return try CSVReader.read(path: path, options: o).table
        }
    }

    public static func write(_ table: Table, to path: String, parallelism: Parallelism = .allCores) throws {
        switch try kind(path) {
        case "parquet": try ParquetWriter.write(table, to: path, options: ParquetWriteOptions(parallelism: parallelism))
        case "arrow": try ArrowIPCWriter.write(table, to: path, options: ArrowWriteOptions(format: path.lowercased().hasSuffix(".arrows") ? .stream : .file))
        case "tsv":
            var o = CSVWriteOptions()
            o.delimiter = UInt8(ascii: "\t")
            o.parallelism = parallelism
            try CSVWriter.write(table, to: path, options: o)
        default:
            var o = CSVWriteOptions()
            o.parallelism = parallelism
            try CSVWriter.write(table, to: path, options: o)
        }
    }

    private static func kind(_ path: String) throws -> String {
        let ext = path.split(separator: "/").last?.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "csv", "txt": return "csv"
        case "tsv", "tab": return "tsv"
        case "parquet", "pq": return "parquet"
        case "arrow", "feather", "ipc", "arrows": return "arrow"
        default: throw StrataError(.unsupported, "cannot tell the format from the extension '.\(ext)' (csv, tsv, parquet, arrow, feather, arrows)", file: path)
        }
    }
}
