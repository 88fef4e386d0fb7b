#if canImport(Glibc)
import Glibc
#endif
import StrataCore
import StrataIO

/// One libFuzzer input: CSV bytes, read through a file as users do. Any outcome but a crash passes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = "/tmp/strata-fuzz-\(getpid()).csv"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    _ = write(fd, data, size)
    close(fd)
    var options = CSVReadOptions()
    options.parallelism = .serial
    _ = try? CSVReader.read(path: path, options: options)
    return 0
}
