#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

/// A whole file mapped read-only (binary formats read by random access: Parquet, Arrow).
final class MappedFile: @unchecked Sendable {
    // SAFETY: the mapping is read-only and lives as long as this object; concurrent readers
    // only read it.
    let path: String
    let size: Int
    private let mapping: UnsafeMutableRawPointer?
    private let owned: Bool

    /// In-memory bytes under a display name (tests, fuzzing, buffers handed over by callers).
    init(bytes: [UInt8], name: String) {
        path = name
        size = bytes.count
        owned = true
        if bytes.isEmpty {
            mapping = nil
        } else {
            let p = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 64)
            bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            mapping = p
        }
    }

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw StrataError(.io, "cannot open for reading: \(String(cString: strerror(errno)))", file: path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StrataError(.io, "cannot stat: \(String(cString: strerror(errno)))", file: path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw StrataError(.io, "not a regular file", file: path) }
        size = Int(st.st_size)
        owned = false
        if size == 0 {
            mapping = nil
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw StrataError(.io, "cannot map: \(String(cString: strerror(errno)))", file: path) }
        madvise(p, size, MADV_WILLNEED)
        mapping = p
    }

    deinit {
        guard let mapping else { return }
        if owned { mapping.deallocate() } else { munmap(mapping, size) }
    }

    /// The bytes `offset ..< offset + count`, or nil when the range is outside the file.
    func bytes(_ offset: Int, _ count: Int) -> ByteSpan? {
        guard let mapping, offset >= 0, count >= 0, offset <= size, count <= size - offset else { return nil }
        return ByteSpan(base: UnsafePointer(mapping.assumingMemoryBound(to: UInt8.self)) + offset, count: count)
    }
}
