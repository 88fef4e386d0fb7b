import _CStrataCodecs
import StrataCore

/// A reusable, growable scratch buffer (page bytes, decoded values).
final class ScratchBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int

    init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        base = .allocate(byteCount: self.capacity, alignment: 64)
    }

    deinit { base.deallocate() }

    /// Makes room for `bytes` (contents are not kept) and returns the base.
    @discardableResult
    func reserve(_ bytes: Int) -> UnsafeMutableRawPointer {
        if bytes > capacity {
            base.deallocate()
            capacity = max(bytes, capacity * 2)
            base = .allocate(byteCount: capacity, alignment: 64)
        }
        return base
    }
}

/// Why a page could not be decoded (the reader adds file, column and row group).
struct ParquetDecodeError: Error { let reason: String }

/// A bounded view of page bytes.
struct ByteSpan {
    let base: UnsafePointer<UInt8>
    let count: Int

    func dropFirst(_ n: Int) throws -> ByteSpan {
        guard n >= 0, n <= count else { throw ParquetDecodeError(reason: "page data ends early") }
        return ByteSpan(base: base + n, count: count - n)
    }

    func prefix(_ n: Int) throws -> ByteSpan {
        guard n >= 0, n <= count else { throw ParquetDecodeError(reason: "page data ends early") }
        return ByteSpan(base: base, count: n)
    }

    func loadLE32(at i: Int) throws -> UInt32 {
        guard i >= 0, i + 4 <= count else { throw ParquetDecodeError(reason: "page data ends early") }
        return UInt32(base[i]) | UInt32(base[i + 1]) << 8 | UInt32(base[i + 2]) << 16 | UInt32(base[i + 3]) << 24
    }
}

// MARK: - Levels and RLE

enum ParquetRLE {
    /// Decodes `count` RLE/bit-packed hybrid values of `bitWidth` bits; returns bytes consumed.
    static func decode(_ src: ByteSpan, bitWidth: Int, count: Int, into out: UnsafeMutablePointer<UInt32>) throws -> Int {
        guard count > 0 else { return 0 }
        let n = strata_rle_decode(src.base, src.count, Int32(bitWidth), out, count)
        guard n >= 0 else { throw ParquetDecodeError(reason: "corrupt RLE/bit-packed data (bit width \(bitWidth), \(count) values)") }
        return n
    }
}

// MARK: - DELTA_BINARY_PACKED

enum DeltaBinaryPacked {
    /// Decodes a DELTA_BINARY_PACKED run into Int64 values; returns (values, bytes consumed).
    /// `expected` (when known) must equal the header's value count.
    static func decode(_ src: ByteSpan, expected: Int?) throws -> ([Int64], Int) {
        var pos = 0
        func uvarint() throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard pos < src.count, shift < 64 else { throw ParquetDecodeError(reason: "corrupt DELTA_BINARY_PACKED header") }
                let b = src.base[pos]; pos += 1
                v |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return v }
                shift += 7
            }
        }
        func zigzag() throws -> Int64 { let u = try uvarint(); return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1))) }
        let blockSize = Int(clamping: try uvarint())
        let miniblocks = Int(clamping: try uvarint())
        let total = Int(clamping: try uvarint())
        guard blockSize > 0, blockSize % 128 == 0, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0, total <= (1 << 31) else {
            throw ParquetDecodeError(reason: "invalid DELTA_BINARY_PACKED header (block \(blockSize), miniblocks \(miniblocks), values \(total))")
        }
        if let expected, expected != total {
            throw ParquetDecodeError(reason: "DELTA_BINARY_PACKED holds \(total) values, the page needs \(expected)")
        }
        var values = [Int64](repeating: 0, count: total)
        guard total > 0 else { _ = try zigzag(); return (values, pos) }
        var last = try zigzag()
        values[0] = last
        var done = 1
        let perMini = blockSize / miniblocks
        var unpacked = [UInt64](repeating: 0, count: perMini)
        while done < total {
            let minDelta = try zigzag()
            guard pos + miniblocks <= src.count else { throw ParquetDecodeError(reason: "DELTA_BINARY_PACKED block ends early") }
            let widths = src.base + pos
            pos += miniblocks
            for m in 0..<miniblocks where done < total {
                let bw = Int(widths[m])
                guard bw <= 64 else { throw ParquetDecodeError(reason: "DELTA_BINARY_PACKED bit width \(bw) > 64") }
                let bytes = perMini * bw / 8
                let take = min(perMini, total - done)
                // The last miniblock may be cut short by writers that stop at the final value.
                let have = min(bytes, src.count - pos)
                guard (take * bw + 7) / 8 <= have else { throw ParquetDecodeError(reason: "DELTA_BINARY_PACKED miniblock ends early") }
                try unpacked.withUnsafeMutableBufferPointer { u in
                    guard strata_unpack64(src.base + pos, have, Int32(bw), u.baseAddress, take) == 0 else {
                        throw ParquetDecodeError(reason: "corrupt DELTA_BINARY_PACKED miniblock")
                    }
                }
                for i in 0..<take {
                    last = last &+ minDelta &+ Int64(bitPattern: unpacked[i])
                    values[done + i] = last
                }
                done += take
                pos += have
            }
        }
        return (values, pos)
    }
}

// MARK: - Byte arrays

/// Byte-array values of one page as (start, length) pairs into page bytes or a side buffer.
struct ByteArrayValues {
    var starts: [Int] = []
    var lengths: [Int] = []
    /// Storage for values that had to be rebuilt (DELTA_BYTE_ARRAY).
    var owned: [UInt8] = []
    var base: UnsafePointer<UInt8>?

    var count: Int { starts.count }

    func withValue<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if base != nil {
            return try body(UnsafeBufferPointer(start: base! + starts[i], count: lengths[i]))
        }
        return try owned.withUnsafeBufferPointer { try body(UnsafeBufferPointer(start: $0.baseAddress! + starts[i], count: lengths[i])) }
    }

    /// PLAIN: 4-byte little-endian length, then the bytes, per value.
    static func plain(_ src: ByteSpan, count: Int) throws -> (ByteArrayValues, Int) {
        var v = ByteArrayValues(base: src.base)
        v.starts.reserveCapacity(count)
        v.lengths.reserveCapacity(count)
        var pos = 0
        for _ in 0..<count {
            let n = Int(try src.loadLE32(at: pos))
            pos += 4
            guard n <= src.count - pos else { throw ParquetDecodeError(reason: "BYTE_ARRAY value of \(n) bytes runs past the page") }
            v.starts.append(pos)
            v.lengths.append(n)
            pos += n
        }
        return (v, pos)
    }

    /// FIXED_LEN_BYTE_ARRAY PLAIN: `width` bytes per value.
    static func fixed(_ src: ByteSpan, count: Int, width: Int) throws -> ByteArrayValues {
        guard width > 0, count <= src.count / width else { throw ParquetDecodeError(reason: "FIXED_LEN_BYTE_ARRAY page ends early") }
        var v = ByteArrayValues(base: src.base)
        v.starts = (0..<count).map { $0 * width }
        v.lengths = [Int](repeating: width, count: count)
        return v
    }

    /// DELTA_LENGTH_BYTE_ARRAY: the lengths delta-encoded, then the bytes concatenated.
    static func deltaLength(_ src: ByteSpan, count: Int) throws -> (ByteArrayValues, Int) {
        let (lengths, used) = try DeltaBinaryPacked.decode(src, expected: count)
        var v = ByteArrayValues(base: src.base)
        v.starts.reserveCapacity(count)
        v.lengths.reserveCapacity(count)
        var pos = used
        for n in lengths {
            guard n >= 0, n <= src.count - pos else { throw ParquetDecodeError(reason: "DELTA_LENGTH_BYTE_ARRAY value runs past the page") }
            v.starts.append(pos)
            v.lengths.append(Int(n))
            pos += Int(n)
        }
        return (v, pos)
    }

    /// DELTA_BYTE_ARRAY: prefix lengths, then the suffixes as DELTA_LENGTH_BYTE_ARRAY.
    static func delta(_ src: ByteSpan, count: Int) throws -> ByteArrayValues {
        let (prefixes, used) = try DeltaBinaryPacked.decode(src, expected: count)
        let (suffixes, _) = try deltaLength(try src.dropFirst(used), count: count)
        var v = ByteArrayValues()
        var previous = 0..<0
        for i in 0..<count {
            let p = Int(prefixes[i])
            guard p >= 0, p <= previous.count else { throw ParquetDecodeError(reason: "DELTA_BYTE_ARRAY prefix \(p) longer than the previous value") }
            let start = v.owned.count
            if p > 0 {
                let shared = Array(v.owned[previous.lowerBound..<(previous.lowerBound + p)])
                v.owned.append(contentsOf: shared)
            }
            suffixes.withValue(i) { v.owned.append(contentsOf: $0) }
            v.starts.append(start)
            v.lengths.append(v.owned.count - start)
            previous = start..<v.owned.count
        }
        return v
    }
}
