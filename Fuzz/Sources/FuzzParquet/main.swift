import StrataCore
import StrataIO

/// One libFuzzer input: Parquet bytes. Any outcome but a crash (a table or a StrataError) passes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParquet(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? ParquetReader.read(bytes: bytes, name: "fuzz.parquet", options: ParquetReadOptions(parallelism: .serial))
    return 0
}
