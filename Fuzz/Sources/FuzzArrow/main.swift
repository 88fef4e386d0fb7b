import StrataCore
import StrataIO

/// One libFuzzer input: Arrow IPC bytes (file or stream). Any outcome but a crash passes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArrow(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? ArrowIPCReader.read(bytes: Array(UnsafeBufferPointer(start: data, count: size)), name: "fuzz.arrow")
    return 0
}
