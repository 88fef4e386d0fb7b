/// Writes Thrift's compact protocol into a byte array (Parquet's footer and page headers).
struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastFieldIDs: [Int16] = []
    private var lastFieldID: Int16 = 0

    init() { bytes.reserveCapacity(256) }

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    private mutating func fieldHeader(_ id: Int16, _ type: ThriftType) {
        let delta = id - lastFieldID
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            zigzag(Int64(id))
        }
        lastFieldID = id
    }

    mutating func field(_ id: Int16, i32 v: Int32) { fieldHeader(id, .i32); zigzag(Int64(v)) }
    mutating func field(_ id: Int16, i64 v: Int64) { fieldHeader(id, .i64); zigzag(v) }
    mutating func field(_ id: Int16, bool v: Bool) { fieldHeader(id, v ? .boolTrue : .boolFalse) }
    mutating func field(_ id: Int16, binary v: [UInt8]) { fieldHeader(id, .binary); varint(UInt64(v.count)); bytes += v }
    mutating func field(_ id: Int16, string v: String) { field(id, binary: Array(v.utf8)) }

    /// A struct-valued field: `body` writes its fields.
    mutating func field(_ id: Int16, struct body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .structure)
        structValue(body)
    }

    /// A list-valued field of `count` elements of `type`; `body` writes the elements.
    mutating func field(_ id: Int16, list type: ThriftType, count: Int, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .list)
        if count < 15 { bytes.append(UInt8(count) << 4 | type.rawValue) } else { bytes.append(0xf0 | type.rawValue); varint(UInt64(count)) }
        body(&self)
    }

    /// A struct value (top level or a list element).
    mutating func structValue(_ body: (inout ThriftCompactWriter) -> Void) {
        lastFieldIDs.append(lastFieldID)
        lastFieldID = 0
        body(&self)
        bytes.append(0)  // stop
        lastFieldID = lastFieldIDs.removeLast()
    }

    mutating func element(i32 v: Int32) { zigzag(Int64(v)) }
    mutating func element(string v: String) { varint(UInt64(v.utf8.count)); bytes += Array(v.utf8) }
}
