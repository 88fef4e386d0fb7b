import _CStrataCodecs
import StrataCore
import StrataIO
#if canImport(Glibc)
import Glibc
#endif

// Strata's C ABI (libStrataC): read and write tables through the Arrow C Stream Interface, so
// any tool that speaks it (pyarrow, DuckDB, Polars, R's arrow) can call Strata without a
// subprocess. Declarations for C callers: strata.h beside this file. Every function returns 0
// on success; on failure a non-zero code (Strata's exit codes: 65 bad data, 66 missing input,
// 69 unsupported, 74 I/O) and, when `error` is not NULL, a message to free with
// `strata_free_error`.

/// The format of `path`, by extension.
private func format(of path: String) -> String {
    let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
    switch ext {
    case "parquet", "pq": return "parquet"
    case "arrow", "feather", "ipc", "arrows": return "arrow"
    default: return "csv"
    }
}

private func fail(_ error: Error, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    let message: String
    var code: Int32 = 65
    if let e = error as? StrataError {
        message = e.description
        switch e.kind {
        case .io: code = 74
        case .unsupported: code = 69
        case .invalidConfiguration, .columnNotFound: code = 64
        default: code = 65
        }
        if e.kind == .io && e.message.contains("cannot open") { code = 66 }
    } else {
        message = "\(error)"
    }
    out?.pointee = strdup(message)
    return code
}

/// Reads the table at `path` (CSV, Parquet or Arrow IPC, by extension) and exports it as a
/// stream of record batches of up to 65,536 rows into `out` (which the caller releases).
@_cdecl("strata_read")
public func strata_read(_ path: UnsafePointer<CChar>, _ out: UnsafeMutablePointer<ArrowArrayStream>,
                        _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    let p = String(cString: path)
    do {
        let table: Table
        switch format(of: p) {
        case "parquet": table = try ParquetReader.read(path: p)
        case "arrow": table = try ArrowIPCReader.read(path: p)
        default: table = try CSVReader.read(path: p).table
        }
        ArrowCData.exportStream(table, into: out)
        return 0
    } catch let e {
        return fail(e, error)
    }
}

/// Consumes the stream `input` (releasing it) and writes its rows to `path` (CSV, Parquet or
/// Arrow IPC file, by extension), atomically.
@_cdecl("strata_write")
public func strata_write(_ path: UnsafePointer<CChar>, _ input: UnsafeMutablePointer<ArrowArrayStream>,
                         _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    let p = String(cString: path)
    do {
        let table = try ArrowCData.importStream(input)
        switch format(of: p) {
        case "parquet": try ParquetWriter.write(table, to: p)
        case "arrow": try ArrowIPCWriter.write(table, to: p, options: ArrowWriteOptions(format: p.hasSuffix(".arrows") ? .stream : .file))
        default: try CSVWriter.write(table, to: p)
        }
        return 0
    } catch let e {
        return fail(e, error)
    }
}

/// Frees a message returned through an `error` argument.
@_cdecl("strata_free_error")
public func strata_free_error(_ message: UnsafeMutablePointer<CChar>?) { free(message) }
