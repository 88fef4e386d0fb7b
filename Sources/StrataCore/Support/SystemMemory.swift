#if canImport(Glibc)
import Glibc
#endif

/// What the machine has, for checks made before a large allocation.
public enum SystemMemory {
    /// Bytes available for new allocations without swapping: `MemAvailable` from /proc/meminfo,
    /// else the physical memory.
    public static var available: Int {
        if let file = fopen("/proc/meminfo", "r") {
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 256)
            while fgets(&line, Int32(line.count), file) != nil {
                let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if text.hasPrefix("MemAvailable:") {
                    let kib = text.split(separator: " ").compactMap { Int($0) }.first ?? 0
                    return kib * 1024
                }
            }
        }
        return Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// "1.5 GiB", "640 MiB": bytes for people.
    public static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var v = Double(bytes), u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        if u == 0 { return "\(bytes) bytes" }
        let rounded = (v * 10).rounded() / 10
        return "\(rounded) \(units[u])"
    }
}
