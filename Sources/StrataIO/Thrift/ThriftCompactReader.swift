import StrataCore

/// Thrift's compact protocol wire types.
enum ThriftType: UInt8 {
    case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
    case binary = 8, list = 9, set = 10, map = 11, structure = 12
}

/// A bounds-checked reader of Thrift's compact protocol over a byte buffer.
///
/// Parquet's metadata (the footer, page headers) is Thrift compact. Every read checks the
/// remaining length and throws `ThriftError` on truncated or malformed input; nesting depth is
/// capped so hostile input cannot exhaust the stack.
struct ThriftCompactReader {
    struct Malformed: Error { let reason: String }

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private(set) var position: Int
    private var lastFieldIDs: [Int16] = []
    private var lastFieldID: Int16 = 0
    /// A boolean field's value travels in its header.
    private var pendingBool: Bool?

    /// Reads `count` bytes at `base` (valid while the reader is used).
    init(_ base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.end = count
        self.position = 0
    }

    /// One raw byte (Thrift's `byte` type).
    mutating func rawByte() throws -> UInt8 { try byte() }

    private mutating func byte() throws -> UInt8 {
        guard position < end else { throw Malformed(reason: "ends early") }
        defer { position += 1 }
        return base[position]
    }

    mutating func varint() throws -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw Malformed(reason: "varint too long") }
            v |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
        }
    }

    mutating func zigzag() throws -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    mutating func structBegin() throws {
        guard lastFieldIDs.count < 64 else { throw Malformed(reason: "nested too deeply") }
        lastFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    mutating func structEnd() { lastFieldID = lastFieldIDs.removeLast() }

    /// The next field's id and type, or nil at the struct's end.
    mutating func fieldBegin() throws -> (id: Int16, type: ThriftType)? {
        let header = try byte()
        guard let type = ThriftType(rawValue: header & 0x0f) else { throw Malformed(reason: "unknown field type \(header & 0x0f)") }
        if type == .stop { return nil }
        let delta = header >> 4
        let id: Int16
        if delta != 0 {
            id = lastFieldID &+ Int16(delta)
        } else {
            let z = try zigzag()
            guard let v = Int16(exactly: z) else { throw Malformed(reason: "field id out of range") }
            id = v
        }
        lastFieldID = id
        if type == .boolTrue { pendingBool = true } else if type == .boolFalse { pendingBool = false }
        return (id, type)
    }

    mutating func bool() throws -> Bool {
        if let b = pendingBool { pendingBool = nil; return b }
        return try byte() == 1  // inside a list: one byte per element
    }

    mutating func i32() throws -> Int32 {
        guard let v = Int32(exactly: try zigzag()) else { throw Malformed(reason: "i32 out of range") }
        return v
    }

    mutating func i64() throws -> Int64 { try zigzag() }

    mutating func double() throws -> Double {
        guard end - position >= 8 else { throw Malformed(reason: "ends early") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(base[position + i]) << UInt64(8 * i) }
        position += 8
        return Double(bitPattern: bits)
    }

    mutating func binary() throws -> [UInt8] {
        let n = try varint()
        guard n <= UInt64(end - position) else { throw Malformed(reason: "binary length \(n) past the end") }
        defer { position += Int(n) }
        return Array(UnsafeBufferPointer(start: base + position, count: Int(n)))
    }

    mutating func string() throws -> String { String(decoding: try binary(), as: UTF8.self) }

    /// A list or set header: element type and count.
    mutating func listBegin() throws -> (ThriftType, Int) {
        let header = try byte()
        var n = Int(header >> 4)
        if n == 15 {
            let v = try varint()
            guard v <= UInt64(end - position) else { throw Malformed(reason: "list of \(v) elements past the end") }
            n = Int(v)
        }
        var raw = header & 0x0f
        if raw == 1 || raw == 2 { raw = 1 }  // booleans in lists
        guard let t = ThriftType(rawValue: raw) else { throw Malformed(reason: "unknown list element type") }
        return (t, n)
    }

    /// Reads a list of `T` with `element`.
    mutating func list<T>(_ element: (inout ThriftCompactReader) throws -> T) throws -> [T] {
        let (_, n) = try listBegin()
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try element(&self)) }
        return out
    }

    /// Skips a value of `type` (fields this reader does not know).
    mutating func skip(_ type: ThriftType, depth: Int = 0) throws {
        guard depth < 64 else { throw Malformed(reason: "nested too deeply") }
        switch type {
        case .stop: return
        case .boolTrue, .boolFalse: _ = try bool()
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double: _ = try double()
        case .binary: _ = try binary()
        case .list, .set:
            let (t, n) = try listBegin()
            for _ in 0..<n {
                if t == .boolTrue { _ = try byte() } else { try skip(t, depth: depth + 1) }
            }
        case .map:
            let n = try varint()
            guard n <= UInt64(end - position) else { throw Malformed(reason: "map past the end") }
            if n > 0 {
                let kv = try byte()
                guard let k = ThriftType(rawValue: kv >> 4), let v = ThriftType(rawValue: kv & 0x0f) else {
                    throw Malformed(reason: "unknown map types")
                }
                for _ in 0..<n { try skip(k, depth: depth + 1); try skip(v, depth: depth + 1) }
            }
        case .structure:
            try structBegin()
            while let (_, t) = try fieldBegin() { try skip(t, depth: depth + 1) }
            structEnd()
        }
    }

    /// Reads a struct: `field` is called with each field's id and type and must consume the value
    /// (or call `skip`).
    mutating func readStruct(_ field: (inout ThriftCompactReader, Int16, ThriftType) throws -> Void) throws {
        try structBegin()
        while let (id, t) = try fieldBegin() { try field(&self, id, t) }
        structEnd()
    }
}
