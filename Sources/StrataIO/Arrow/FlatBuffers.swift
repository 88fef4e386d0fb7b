/// A bounds-checked reader of FlatBuffers tables (Arrow's IPC metadata).
///
/// Every access checks the buffer length; malformed offsets throw instead of reading out of
/// bounds. Tables are read by field index (the schema's declaration order).
struct FlatBufferTable {
    struct Malformed: Error { let reason: String }

    let buffer: ByteSpan
    /// Position of the table in `buffer`.
    let position: Int
    private let vtable: Int
    private let vtableSize: Int

    /// The root table of a FlatBuffer.
    init(root buffer: ByteSpan) throws {
        let offset = Int(try Self.u32(buffer, 0))
        try self.init(buffer, at: offset)
    }

    init(_ buffer: ByteSpan, at position: Int) throws {
        self.buffer = buffer
        self.position = position
        let soffset = Int(Int32(bitPattern: try Self.u32(buffer, position)))
        vtable = position - soffset
        vtableSize = Int(try Self.u16(buffer, vtable))
        guard vtableSize >= 4, vtableSize % 2 == 0, vtable + vtableSize <= buffer.count else { throw Malformed(reason: "bad vtable") }
    }

    static func u16(_ b: ByteSpan, _ i: Int) throws -> UInt16 {
        guard i >= 0, i + 2 <= b.count else { throw Malformed(reason: "offset \(i) out of bounds") }
        return UInt16(b.base[i]) | UInt16(b.base[i + 1]) << 8
    }

    static func u32(_ b: ByteSpan, _ i: Int) throws -> UInt32 {
        guard i >= 0, i + 4 <= b.count else { throw Malformed(reason: "offset \(i) out of bounds") }
        return UInt32(b.base[i]) | UInt32(b.base[i + 1]) << 8 | UInt32(b.base[i + 2]) << 16 | UInt32(b.base[i + 3]) << 24
    }

    static func u64(_ b: ByteSpan, _ i: Int) throws -> UInt64 {
        UInt64(try u32(b, i)) | UInt64(try u32(b, i + 4)) << 32
    }

    /// Absolute position of field `index`, or nil when absent.
    private func field(_ index: Int) throws -> Int? {
        let slot = 4 + 2 * index
        guard slot + 2 <= vtableSize else { return nil }
        let rel = Int(try Self.u16(buffer, vtable + slot))
        return rel == 0 ? nil : position + rel
    }

    func u8(_ index: Int, default d: UInt8 = 0) throws -> UInt8 {
        guard let p = try field(index) else { return d }
        guard p < buffer.count else { throw Malformed(reason: "field out of bounds") }
        return buffer.base[p]
    }

    func bool(_ index: Int, default d: Bool = false) throws -> Bool { try u8(index, default: d ? 1 : 0) != 0 }

    func i16(_ index: Int, default d: Int16 = 0) throws -> Int16 {
        guard let p = try field(index) else { return d }
        return Int16(bitPattern: try Self.u16(buffer, p))
    }

    func i32(_ index: Int, default d: Int32 = 0) throws -> Int32 {
        guard let p = try field(index) else { return d }
        return Int32(bitPattern: try Self.u32(buffer, p))
    }

    func i64(_ index: Int, default d: Int64 = 0) throws -> Int64 {
        guard let p = try field(index) else { return d }
        return Int64(bitPattern: try Self.u64(buffer, p))
    }

    /// Position of the object an offset field points to.
    private func target(_ index: Int) throws -> Int? {
        guard let p = try field(index) else { return nil }
        return p + Int(try Self.u32(buffer, p))
    }

    func table(_ index: Int) throws -> FlatBufferTable? {
        guard let t = try target(index) else { return nil }
        return try FlatBufferTable(buffer, at: t)
    }

    func string(_ index: Int) throws -> String? {
        guard let t = try target(index) else { return nil }
        let n = Int(try Self.u32(buffer, t))
        guard n <= buffer.count - t - 4 else { throw Malformed(reason: "string out of bounds") }
        return String(decoding: UnsafeBufferPointer(start: buffer.base + t + 4, count: n), as: UTF8.self)
    }

    /// A vector of tables.
    func tables(_ index: Int) throws -> [FlatBufferTable] {
        guard let t = try target(index) else { return [] }
        let n = Int(try Self.u32(buffer, t))
        guard n <= (buffer.count - t - 4) / 4 else { throw Malformed(reason: "vector out of bounds") }
        return try (0..<n).map { i in
            let slot = t + 4 + 4 * i
            return try FlatBufferTable(buffer, at: slot + Int(try Self.u32(buffer, slot)))
        }
    }

    /// A vector of structs of `stride` bytes: their positions.
    func structs(_ index: Int, stride: Int) throws -> [Int] {
        guard let t = try target(index) else { return [] }
        let n = Int(try Self.u32(buffer, t))
        guard n <= (buffer.count - t - 4) / stride else { throw Malformed(reason: "vector out of bounds") }
        return (0..<n).map { t + 4 + stride * $0 }
    }

    /// A vector of Int64 (e.g. variadic buffer counts).
    func int64s(_ index: Int) throws -> [Int64] {
        try structs(index, stride: 8).map { Int64(bitPattern: try Self.u64(buffer, $0)) }
    }
}

/// A FlatBuffer object to be written: tables of scalar and offset fields, vectors, strings.
indirect enum FlatBufferValue {
    enum Field {
        case u8(UInt8), bool(Bool), i16(Int16), i32(Int32), i64(Int64)
        case object(FlatBufferValue)

        var size: Int {
            switch self {
            case .u8, .bool: return 1
            case .i16: return 2
            case .i32, .object: return 4
            case .i64: return 8
            }
        }
    }

    /// Fields by index; nil for absent fields.
    case table([Field?])
    case tables([FlatBufferValue])
    /// `count` structs of `stride` bytes, already laid out (little-endian), aligned to `alignment`.
    case structs([UInt8], count: Int, alignment: Int)
    case string(String)
}

/// Serializes FlatBuffers front to back: each object is placed after the one referring to it
/// (FlatBuffers offsets are unsigned and point forward), every scalar at its natural alignment
/// relative to the buffer start, so strict verifiers (Arrow's) accept the result.
struct FlatBufferWriter {
    private(set) var bytes: [UInt8] = []

    /// The finished buffer for `root`, padded to a multiple of 8 bytes.
    static func serialize(_ root: FlatBufferValue) -> [UInt8] {
        var w = FlatBufferWriter()
        w.bytes = [0, 0, 0, 0]
        let p = w.place(root)
        w.patch(at: 0, target: p)
        while w.bytes.count % 8 != 0 { w.bytes.append(0) }
        return w.bytes
    }

    private mutating func align(_ a: Int, reserving extra: Int = 0) {
        while (bytes.count + extra) % a != 0 { bytes.append(0) }
    }

    private mutating func append<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
    }

    private mutating func patch(at slot: Int, target: Int) {
        let v = UInt32(target - slot)
        for k in 0..<4 { bytes[slot + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
    }

    /// Writes `value` (and what it refers to) at the end; returns its position.
    private mutating func place(_ value: FlatBufferValue) -> Int {
        switch value {
        case .string(let s):
            align(4)
            let p = bytes.count
            append(UInt32(s.utf8.count))
            bytes += s.utf8
            bytes.append(0)
            return p
        case .structs(let raw, let count, let alignment):
            align(max(alignment, 4), reserving: 4)
            let p = bytes.count
            append(UInt32(count))
            bytes += raw
            return p
        case .tables(let items):
            align(4)
            let p = bytes.count
            append(UInt32(items.count))
            let slots = (0..<items.count).map { p + 4 + 4 * $0 }
            bytes += [UInt8](repeating: 0, count: 4 * items.count)
            for (slot, item) in zip(slots, items) { patch(at: slot, target: place(item)) }
            return p
        case .table(let fields):
            // Inline layout: the soffset, then fields by decreasing size (natural alignment).
            let present = fields.enumerated().compactMap { i, f in f.map { (i, $0) } }.sorted { $0.1.size > $1.1.size }
            var layout: [Int: Int] = [:]  // field index → offset from table start
            var cursor = 4
            for (i, f) in present {
                while cursor % f.size != 0 { cursor += 1 }
                layout[i] = cursor
                cursor += f.size
            }
            let tableSize = cursor
            // vtable first (2-byte aligned), then the table at 8-byte alignment.
            let vtableSize = 4 + 2 * fields.count
            align(2)
            let vt = bytes.count
            append(UInt16(vtableSize))
            append(UInt16(tableSize))
            for i in 0..<fields.count { append(UInt16(layout[i] ?? 0)) }
            align(8)
            let t = bytes.count
            append(Int32(t - vt))
            bytes += [UInt8](repeating: 0, count: tableSize - 4)
            var children: [(Int, FlatBufferValue)] = []
            for (i, f) in present {
                let at = t + layout[i]!
                func put<T: FixedWidthInteger>(_ v: T) {
                    withUnsafeBytes(of: v.littleEndian) { for (k, b) in $0.enumerated() { bytes[at + k] = b } }
                }
                switch f {
                case .u8(let v): put(v)
                case .bool(let v): put(UInt8(v ? 1 : 0))
                case .i16(let v): put(v)
                case .i32(let v): put(v)
                case .i64(let v): put(v)
                case .object(let o): children.append((at, o))
                }
            }
            for (slot, child) in children { patch(at: slot, target: place(child)) }
            return t
        }
    }
}
