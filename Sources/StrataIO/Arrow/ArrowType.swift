import StrataCore

/// The Arrow types Strata reads (IPC and the C Data Interface) and how they map onto Strata's.
///
/// | Arrow                                   | Strata      |
/// |-----------------------------------------|-------------|
/// | int8…int64, uint8…uint32                | `int64`     |
/// | uint64                                  | `float64`   |
/// | float16, float32 / float64              | `float32` / `float64` |
/// | bool                                    | `bool`      |
/// | utf8, large_utf8, binary, large_binary, dictionary<int, utf8> | `string` |
/// | fixed_size_binary                       | `string` (hex) |
/// | date32, date64                          | `date`      |
/// | timestamp (s, ms, µs, ns; any zone)     | `timestamp` (µs, UTC; ns floored) |
/// | decimal128, decimal256                  | `float64`   |
/// | time32, time64, duration                | `int64` (the stored count) |
/// | null                                    | `string`, every row null |
indirect enum ArrowType: Equatable {
    case null
    case int(bits: Int, signed: Bool)
    case float(bits: Int)
    case bool
    case utf8, largeUtf8, binary, largeBinary
    case fixedSizeBinary(Int)
    case date32, date64
    case timestamp(unitsPerSecond: Int64, timezone: String?)
    case decimal(precision: Int, scale: Int, bits: Int)
    case time(bits: Int)
    case duration
    /// Dictionary-encoded values with integer indices.
    case dictionary(id: Int64, index: ArrowType, value: ArrowType)
    case unsupported(String)

    /// The Strata column type, or nil when unsupported.
    var strataType: DataType? {
        switch self {
        case .null: return .string
        case .int(64, false): return .float64
        case .int: return .int64
        case .float(let bits): return bits == 64 ? .float64 : .float32
        case .bool: return .bool
        case .utf8, .largeUtf8, .binary, .largeBinary, .fixedSizeBinary: return .string
        case .date32, .date64: return .date
        case .timestamp: return .timestamp
        case .decimal: return .float64
        case .time, .duration: return .int64
        case .dictionary(_, _, let value): return value.isText ? .string : nil
        case .unsupported: return nil
        }
    }

    var isText: Bool {
        switch self {
        case .utf8, .largeUtf8, .binary, .largeBinary: return true
        default: return false
        }
    }

    /// Buffers per array in the IPC layout (validity included).
    var bufferCount: Int {
        switch self {
        case .null: return 0
        case .utf8, .largeUtf8, .binary, .largeBinary: return 3
        case .dictionary(_, let index, _): return index.bufferCount
        default: return 2
        }
    }

    /// Bytes per value of fixed-width types (bits for bool handled separately).
    var byteWidth: Int {
        switch self {
        case .int(let bits, _), .float(let bits), .time(let bits): return bits / 8
        case .date32: return 4
        case .date64, .timestamp, .duration: return 8
        case .decimal(_, _, let bits): return bits / 8
        case .fixedSizeBinary(let w): return w
        case .dictionary(_, let index, _): return index.byteWidth
        default: return 0
        }
    }

    /// The Arrow type Strata writes for a column type.
    static func written(_ type: DataType) -> ArrowType {
        switch type {
        case .float32: return .float(bits: 32)
        case .float64: return .float(bits: 64)
        case .int64: return .int(bits: 64, signed: true)
        case .bool: return .bool
        case .string: return .utf8
        case .date: return .date32
        case .timestamp: return .timestamp(unitsPerSecond: 1_000_000, timezone: "UTC")
        }
    }
}

/// Arrow arrays (one batch of one column, as raw buffers) converted into Strata column rows.
enum ArrowColumnDecoder {
    struct Buffers {
        var length: Int
        var nullCount: Int
        /// validity, values/offsets, data… as the type's layout has them (nil: absent/empty).
        var buffers: [UnsafeRawBufferPointer?]
        /// Bit offset into the validity and boolean buffers, element offset into the others
        /// (the C Data Interface's `offset`; 0 in IPC).
        var offset: Int = 0
    }

    struct Failure: Error { let reason: String }

    /// Appends the rows of one array to `builder` (a builder of `type.strataType`).
    /// `dictionary` holds the values of a dictionary-encoded field.
    static func append(_ a: Buffers, type: ArrowType, dictionary: [String]?, to builder: ColumnBuilder) throws {
        let n = a.length
        // Lengths come from the input: keep every size computed from them far from overflow.
        guard n >= 0, n <= 1 << 36, a.offset >= 0, a.offset <= 1 << 36 else { throw Failure(reason: "implausible length \(n) or offset \(a.offset)") }
        if case .null = type, n > 1 << 28 { throw Failure(reason: "a null column of \(n) rows") }
        func buffer(_ i: Int, minimumBytes: Int) throws -> UnsafeRawPointer? {
            guard i < a.buffers.count, let b = a.buffers[i], b.count > 0 else {
                if minimumBytes == 0 { return nil }
                throw Failure(reason: "buffer \(i) is missing or empty, \(minimumBytes) bytes needed")
            }
            guard b.count >= minimumBytes else { throw Failure(reason: "buffer \(i) holds \(b.count) bytes, \(minimumBytes) needed") }
            return b.baseAddress!
        }
        // Nulls.
        var nullRows: [Int] = []
        if case .null = type {
            nullRows = Array(0..<n)
        } else if a.nullCount != 0, let bits = try buffer(0, minimumBytes: 0) {
            guard a.buffers[0]!.count * 8 >= a.offset + n else { throw Failure(reason: "validity bitmap shorter than the array") }
            let b = bits.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n {
                let bit = a.offset + i
                if b[bit >> 3] & (1 << UInt8(bit & 7)) == 0 { nullRows.append(i) }
            }
        }
        let o = a.offset
        switch type {
        case .null:
            let zeros = [Int32](repeating: 0, count: n)
            zeros.withUnsafeBufferPointer { builder.appendStrings(indices: $0.baseAddress!, count: n, dictionary: [], nullRows: nullRows) }
        case .bool:
            let bits = try buffer(1, minimumBytes: (o + n + 7) / 8)
            var v = [UInt8](repeating: 0, count: n)
            if let b = bits?.assumingMemoryBound(to: UInt8.self) {
                for i in 0..<n { v[i] = (b[(o + i) >> 3] >> UInt8((o + i) & 7)) & 1 }
            }
            v.withUnsafeBytes { builder.appendRaw($0.baseAddress!, count: n, sourceType: .bool, nullRows: nullRows) }
        case .utf8, .largeUtf8, .binary, .largeBinary:
            let large = type == .largeUtf8 || type == .largeBinary
            let offsets = try buffer(1, minimumBytes: n == 0 ? 0 : (o + n + 1) * (large ? 8 : 4))
            func offset(_ i: Int) -> Int {
                large ? Int(offsets!.loadUnaligned(fromByteOffset: 8 * (o + i), as: Int64.self))
                      : Int(offsets!.loadUnaligned(fromByteOffset: 4 * (o + i), as: Int32.self))
            }
            let dataCount = a.buffers.count > 2 ? (a.buffers[2]?.count ?? 0) : 0
            let data = dataCount > 0 ? a.buffers[2]!.baseAddress! : nil
            let interner = ByteInterner()
            var indices = [Int32](repeating: 0, count: n)
            var nextNull = 0
            for i in 0..<n {
                if nextNull < nullRows.count && nullRows[nextNull] == i { nextNull += 1; continue }
                let start = offset(i), end = offset(i + 1)
                guard start >= 0, start <= end, end <= dataCount else { throw Failure(reason: "string offsets out of range at row \(i)") }
                indices[i] = interner.intern(UnsafeBufferPointer(start: data.map { $0.assumingMemoryBound(to: UInt8.self) + start }, count: end - start))
            }
            // The builder merges values that UTF-8 repair made equal.
            let values = interner.strings().values
            indices.withUnsafeBufferPointer { builder.appendStrings(indices: $0.baseAddress!, count: n, dictionary: values, nullRows: nullRows) }
        case .dictionary(_, let index, _):
            guard let dictionary else { throw Failure(reason: "dictionary-encoded field without its dictionary") }
            let w = index.byteWidth
            let raw = try buffer(1, minimumBytes: n == 0 ? 0 : (o + n) * w)
            var indices = [Int32](repeating: 0, count: n)
            var nextNull = 0
            for i in 0..<n {
                if nextNull < nullRows.count && nullRows[nextNull] == i { nextNull += 1; continue }
                let p = raw! + (o + i) * w
                let j: Int
                switch (w, index) {
                case (1, .int(_, true)): j = Int(p.load(as: Int8.self))
                case (1, _): j = Int(p.load(as: UInt8.self))
                case (2, .int(_, true)): j = Int(p.loadUnaligned(as: Int16.self))
                case (2, _): j = Int(p.loadUnaligned(as: UInt16.self))
                case (4, _): j = Int(p.loadUnaligned(as: Int32.self))
                default: j = Int(p.loadUnaligned(as: Int64.self))
                }
                guard j >= 0, j < dictionary.count else { throw Failure(reason: "dictionary index \(j) out of range at row \(i)") }
                indices[i] = Int32(j)
            }
            indices.withUnsafeBufferPointer { builder.appendStrings(indices: $0.baseAddress!, count: n, dictionary: dictionary, nullRows: nullRows) }
        case .fixedSizeBinary(let w):
            let raw = try buffer(1, minimumBytes: n == 0 ? 0 : (o + n) * w)
            let interner = ByteInterner()
            var indices = [Int32](repeating: 0, count: n)
            var nextNull = 0
            for i in 0..<n {
                if nextNull < nullRows.count && nullRows[nextNull] == i { nextNull += 1; continue }
                let bytes = UnsafeBufferPointer(start: raw!.assumingMemoryBound(to: UInt8.self) + (o + i) * w, count: w)
                indices[i] = Array(hexText(bytes).utf8).withUnsafeBufferPointer { interner.intern($0) }
            }
            let values = interner.strings().values
            indices.withUnsafeBufferPointer { builder.appendStrings(indices: $0.baseAddress!, count: n, dictionary: values, nullRows: nullRows) }
        default:
            let w = type.byteWidth
            guard let raw = try buffer(1, minimumBytes: n == 0 ? 0 : (o + n) * w) else {
                builder.appendRaw(UnsafeRawPointer(bitPattern: 64)!, count: 0, sourceType: builder.type, nullRows: [])
                return
            }
            let src = raw + o * w
            try appendFixed(src, count: n, type: type, nullRows: nullRows, to: builder)
        }
    }

    private static func appendFixed(_ src: UnsafeRawPointer, count n: Int, type: ArrowType, nullRows: [Int], to builder: ColumnBuilder) throws {
        var type = type
        if case .time(let bits) = type { type = .int(bits: bits, signed: true) }
        switch type {
        case .int(64, true), .duration:
            builder.appendRaw(src, count: n, sourceType: .int64, nullRows: nullRows)
        case .float(32):
            builder.appendRaw(src, count: n, sourceType: .float32, nullRows: nullRows)
        case .float(64):
            builder.appendRaw(src, count: n, sourceType: .float64, nullRows: nullRows)
        case .date32:
            builder.appendRaw(src, count: n, sourceType: .date, nullRows: nullRows)
        case .float(16):
            let v = (0..<n).map { Float(Float16(bitPattern: src.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) }
            v.withUnsafeBytes { builder.appendRaw($0.baseAddress!, count: n, sourceType: .float32, nullRows: nullRows) }
        case .int(64, false):
            let v = (0..<n).map { Double(src.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)) }
            v.withUnsafeBytes { builder.appendRaw($0.baseAddress!, count: n, sourceType: .float64, nullRows: nullRows) }
        case .int(let bits, let s):
            let v: [Int64] = (0..<n).map { i in
                switch (bits, s) {
                case (8, true): return Int64(src.load(fromByteOffset: i, as: Int8.self))
                case (8, false): return Int64(src.load(fromByteOffset: i, as: UInt8.self))
                case (16, true): return Int64(src.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))
                case (16, false): return Int64(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                case (32, true): return Int64(src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
                default: return Int64(src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                }
            }
            v.withUnsafeBytes { builder.appendRaw($0.baseAddress!, count: n, sourceType: .int64, nullRows: nullRows) }
        case .date64:
            let v: [Int32] = (0..<n).map { i in
                let ms = src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)
                let q = ms / 86_400_000, r = ms % 86_400_000
                return Int32(truncatingIfNeeded: r < 0 ? q - 1 : q)
            }
            v.withUnsafeBytes { builder.appendRaw($0.baseAddress!, count: n, sourceType: .date, nullRows: nullRows) }
        case .timestamp(let perSecond, _):
            let v: [Int64] = (0..<n).map { i in
                let x = src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)
                switch perSecond {
                case 1: return x &* 1_000_000
                case 1_000: return x &* 1_000
                case 1_000_000: return x
                default:
                    let q = x / 1_000, r = x % 1_000
                    return r < 0 ? q - 1 : q
                }
            }
            v.withUnsafeBytes { builder.appendRaw($0.baseAddress!, count: n, sourceType: .timestamp, nullRows: nullRows) }
        case .decimal(_, let scale, let bits):
            var divisor = 1.0
            for _ in 0..<abs(scale) { divisor *= 10 }
            if scale < 0 { divisor = 1 / divisor }
            let w = bits / 8
            let v: [Double] = (0..<n).map { i in
                littleEndianTwosComplement(UnsafeRawBufferPointer(start: src + w * i, count: w)) / divisor
            }
            v.withUnsafeBytes { builder.appendRaw($0.baseAddress!, count: n, sourceType: .float64, nullRows: nullRows) }
        default:
            throw Failure(reason: "type \(type) cannot be read")
        }
    }
}

/// A little-endian two's-complement integer of any width as a double (exact sign handling).
func littleEndianTwosComplement(_ b: UnsafeRawBufferPointer) -> Double {
    guard let top = b.last else { return 0 }
    let negative = top & 0x80 != 0
    var carry = negative ? 1 : 0
    var v = 0.0
    var scale = 1.0
    for x in b {
        let byte = negative ? Int(~x) + carry : Int(x)
        carry = byte >> 8
        v += Double(byte & 0xff) * scale
        scale *= 256
    }
    return negative ? -v : v
}
