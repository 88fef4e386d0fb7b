import _CStrataCodecs
import StrataCore

/// Options for reading Arrow IPC files and streams.
public struct ArrowReadOptions: Sendable {
    /// Columns to read, in this order (nil: all).
    public var columns: [String]?

    public init(columns: [String]? = nil) { self.columns = columns }
}

/// A field of an Arrow schema, flat.
struct ArrowField {
    var name: String
    var nullable: Bool
    var type: ArrowType
}

/// Reads Arrow's IPC file format (Feather v2, `ARROW1` magic) and stream format into tables:
/// uncompressed or with LZ4_FRAME/ZSTD buffer compression, dictionary-encoded strings (delta
/// dictionaries included), the type mapping of `ArrowType`.
public enum ArrowIPCReader {
    static let fileMagic: [UInt8] = Array("ARROW1".utf8)

    /// Reads `path` (file or stream format, told apart by the magic bytes).
    /// - Throws: `StrataError` `.parse` for damaged input (naming the column and record batch
    ///   where the damage is in one), `.unsupported` for nested types.
    public static func read(path: String, options: ArrowReadOptions = ArrowReadOptions()) throws -> Table {
        do {
            let file = try MappedFile(path: path)
            var reader = try ArrowMessageReader(file: file)
            return try reader.readTable(columns: options.columns)
        } catch let error as StrataError {
            throw error.inFile(path)
        } catch let error as FlatBufferTable.Malformed {
            throw StrataError(.parse, "corrupt Arrow metadata: \(error.reason)", file: path)
        }
    }

    /// Reads Arrow IPC bytes held in memory; `name` stands for the file in errors.
    public static func read(bytes: [UInt8], name: String = "<memory>", options: ArrowReadOptions = ArrowReadOptions()) throws -> Table {
        do {
            var reader = try ArrowMessageReader(file: MappedFile(bytes: bytes, name: name))
            return try reader.readTable(columns: options.columns)
        } catch let error as StrataError {
            throw error.inFile(name)
        } catch let error as FlatBufferTable.Malformed {
            throw StrataError(.parse, "corrupt Arrow metadata: \(error.reason)", file: name)
        }
    }

    /// Whether the file starts with the Arrow file magic or a stream's continuation marker.
    public static func looksLikeArrow(path: String) -> Bool {
        guard let f = try? MappedFile(path: path), let head = f.bytes(0, 6) else { return false }
        return (0..<6).allSatisfy { head.base[$0] == fileMagic[$0] } || (0..<4).allSatisfy { head.base[$0] == 0xff }
    }
}

/// Walks the messages of an IPC file or stream.
struct ArrowMessageReader {
    let file: MappedFile
    private(set) var fields: [ArrowField] = []
    private var dictionaries: [Int64: [String]] = [:]
    private var batches = 0

    struct Message {
        var headerType: UInt8
        var header: FlatBufferTable
        var body: ByteSpan
        var next: Int
    }

    init(file: MappedFile) throws { self.file = file }

    private var isFileFormat: Bool {
        guard let head = file.bytes(0, 6) else { return false }
        return (0..<6).allSatisfy { head.base[$0] == ArrowIPCReader.fileMagic[$0] }
    }

    /// The message at `offset`, or nil at the end-of-stream marker (or the file's end).
    func message(at offset: Int) throws -> Message? {
        guard offset < file.size else { return nil }
        guard let first = file.bytes(offset, 4) else { throw StrataError(.parse, "truncated: a message header at byte \(offset) runs past the end") }
        var position = offset + 4
        var length = Int32(bitPattern: try first.loadLE32(at: 0))
        if length == -1 {
            guard let l = file.bytes(position, 4) else { throw StrataError(.parse, "truncated: a message header at byte \(offset) runs past the end") }
            length = Int32(bitPattern: try l.loadLE32(at: 0))
            position += 4
        }
        if length == 0 { return nil }
        guard length > 0, let meta = file.bytes(position, Int(length)) else {
            throw StrataError(.parse, "truncated or corrupt: message metadata of \(length) bytes at byte \(offset) does not fit the file")
        }
        let root = try FlatBufferTable(root: meta)
        let headerType = try root.u8(1)
        guard let header = try root.table(2) else { throw StrataError(.parse, "corrupt message at byte \(offset): no header") }
        let bodyLength = Int(try root.i64(3))
        let bodyStart = position + Int(length)
        guard bodyLength >= 0, let body = file.bytes(bodyStart, bodyLength) else {
            throw StrataError(.parse, "truncated: a message body of \(bodyLength) bytes at byte \(bodyStart) runs past the end of the file")
        }
        return Message(headerType: headerType, header: header, body: body, next: bodyStart + bodyLength)
    }

    mutating func readTable(columns wanted: [String]?) throws -> Table {
        var builders: [ColumnBuilder?] = []
        func prepare() throws {
            for f in fields where f.type.strataType == nil {
                throw StrataError(.unsupported, "Arrow type \(f.type) is not supported (Strata reads flat tables)", column: f.name)
            }
            let names = fields.map(\.name)
            for w in wanted ?? [] where !names.contains(w) {
                throw StrataError(.columnNotFound, "no column '\(w)'; columns are: \(names.joined(separator: ", "))", column: w)
            }
            builders = fields.map { f in (wanted == nil || wanted!.contains(f.name)) ? ColumnBuilder(type: f.type.strataType!) : nil }
        }
        if isFileFormat {
            guard file.size >= 18, let tail = file.bytes(file.size - 10, 10),
                  (0..<6).allSatisfy({ tail.base[4 + $0] == ArrowIPCReader.fileMagic[$0] }) else {
                throw StrataError(.parse, "truncated Arrow file: no ARROW1 magic at the end")
            }
            let footerLength = Int(Int32(bitPattern: try tail.loadLE32(at: 0)))
            guard footerLength > 0, footerLength <= file.size - 18, let footerBytes = file.bytes(file.size - 10 - footerLength, footerLength) else {
                throw StrataError(.parse, "corrupt Arrow footer: length \(footerLength) does not fit the file")
            }
            let footer = try FlatBufferTable(root: footerBytes)
            guard let schema = try footer.table(1) else { throw StrataError(.parse, "corrupt Arrow footer: no schema") }
            fields = try Self.parseSchema(schema)
            try prepare()
            for block in try footer.structs(2, stride: 24) {
                let offset = Int(Int64(bitPattern: try FlatBufferTable.u64(footer.buffer, block)))
                guard let m = try message(at: offset), m.headerType == 2 else { throw StrataError(.parse, "corrupt Arrow file: no dictionary batch at byte \(offset)") }
                try readDictionary(m)
            }
            for block in try footer.structs(3, stride: 24) {
                let offset = Int(Int64(bitPattern: try FlatBufferTable.u64(footer.buffer, block)))
                guard let m = try message(at: offset), m.headerType == 3 else { throw StrataError(.parse, "corrupt Arrow file: no record batch at byte \(offset)") }
                try readBatch(m, into: builders)
            }
        } else {
            var offset = 0
            var sawSchema = false
            while let m = try message(at: offset) {
                switch m.headerType {
                case 1:
                    guard !sawSchema else { throw StrataError(.parse, "a second schema message in the stream") }
                    fields = try Self.parseSchema(m.header)
                    try prepare()
                    sawSchema = true
                case 2:
                    guard sawSchema else { throw StrataError(.parse, "a dictionary batch before the schema") }
                    try readDictionary(m)
                case 3:
                    guard sawSchema else { throw StrataError(.parse, "a record batch before the schema") }
                    try readBatch(m, into: builders)
                default:
                    throw StrataError(.unsupported, "Arrow message type \(m.headerType) (tensors) is not supported")
                }
                offset = m.next
            }
            guard sawSchema else { throw StrataError(.parse, "not an Arrow IPC stream or file: no schema message") }
        }
        let order = wanted ?? fields.map(\.name)
        let columns = order.map { name in builders[fields.firstIndex { $0.name == name }!]!.finish() }
        return try Table(names: order, columns: columns)
    }

    // MARK: Schema

    static func parseSchema(_ schema: FlatBufferTable) throws -> [ArrowField] {
        try schema.tables(1).map { f in
            let name = try f.string(0) ?? ""
            var type = try parseType(f.u8(2), f.table(3))
            if !(try f.tables(5)).isEmpty, case .unsupported = type {} else if !(try f.tables(5)).isEmpty {
                type = .unsupported("nested")
            }
            if let d = try f.table(4) {
                var index = ArrowType.int(bits: 32, signed: true)
                if let i = try d.table(1) { index = .int(bits: Int(try i.i32(0)), signed: try i.bool(1)) }
                guard case .int(let bits, _) = index, [8, 16, 32, 64].contains(bits) else {
                    throw StrataError(.parse, "dictionary index type \(index) is not an integer", column: name)
                }
                type = .dictionary(id: try d.i64(0), index: index, value: type)
            }
            return ArrowField(name: name, nullable: try f.bool(1), type: type)
        }
    }

    static func parseType(_ tag: UInt8, _ t: FlatBufferTable?) throws -> ArrowType {
        switch tag {
        case 1: return .null
        case 2:
            let bits = Int(try t?.i32(0) ?? 0)
            guard [8, 16, 32, 64].contains(bits) else { return .unsupported("int\(bits)") }
            return .int(bits: bits, signed: try t?.bool(1) ?? false)
        case 3:
            switch try t?.i16(0) ?? 0 {
            case 0: return .float(bits: 16)
            case 1: return .float(bits: 32)
            default: return .float(bits: 64)
            }
        case 4: return .binary
        case 5: return .utf8
        case 6: return .bool
        case 7:
            let bits = Int(try t?.i32(2, default: 128) ?? 128)
            guard bits == 128 || bits == 256 else { return .unsupported("decimal\(bits)") }
            return .decimal(precision: Int(try t?.i32(0) ?? 0), scale: Int(try t?.i32(1) ?? 0), bits: bits)
        case 8: return try t?.i16(0, default: 1) == 0 ? .date32 : .date64
        case 9:
            let bits = Int(try t?.i32(1, default: 32) ?? 32)
            return bits == 64 ? .time(bits: 64) : .time(bits: 32)
        case 10:
            let perSecond: [Int64] = [1, 1_000, 1_000_000, 1_000_000_000]
            let unit = Int(try t?.i16(0) ?? 0)
            guard unit >= 0, unit < 4 else { return .unsupported("timestamp unit \(unit)") }
            return .timestamp(unitsPerSecond: perSecond[unit], timezone: try t?.string(1))
        case 15:
            let w = Int(try t?.i32(0) ?? 0)
            guard w > 0, w <= 1 << 20 else { return .unsupported("fixed_size_binary(\(w))") }
            return .fixedSizeBinary(w)
        case 18: return .duration
        case 19: return .largeBinary
        case 20: return .largeUtf8
        case 11: return .unsupported("interval")
        case 12, 16, 21, 25, 26: return .unsupported("list")
        case 13: return .unsupported("struct")
        case 14: return .unsupported("union")
        case 17: return .unsupported("map")
        case 22: return .unsupported("run-end encoded")
        case 23, 24: return .unsupported("string/binary view (write with the plain string type)")
        default: return .unsupported("type tag \(tag)")
        }
    }

    // MARK: Batches

    /// The buffers of a record batch, decompressed when the batch says so.
    private func batchBuffers(_ batch: FlatBufferTable, body: ByteSpan) throws -> [UnsafeRawBufferPointer?] {
        var codec: Int32?
        if let c = try batch.table(3) {
            switch try c.u8(0) {
            case 0: codec = Int32(STRATA_CODEC_LZ4_FRAME)
            case 1: codec = Int32(STRATA_CODEC_ZSTD)
            case let x: throw StrataError(.unsupported, "Arrow body compression codec \(x)")
            }
        }
        return try batch.structs(2, stride: 16).map { p in
            let offset = Int(Int64(bitPattern: try FlatBufferTable.u64(batch.buffer, p)))
            let length = Int(Int64(bitPattern: try FlatBufferTable.u64(batch.buffer, p + 8)))
            guard offset >= 0, length >= 0, offset <= body.count, length <= body.count - offset else {
                throw StrataError(.parse, "a buffer (offset \(offset), \(length) bytes) lies outside the message body")
            }
            if length == 0 { return nil }
            let raw = UnsafeRawBufferPointer(start: body.base + offset, count: length)
            guard let codec else { return raw }
            guard length >= 8 else { throw StrataError(.parse, "a compressed buffer without its length prefix") }
            let size = raw.loadUnaligned(as: Int64.self)
            if size == -1 { return UnsafeRawBufferPointer(rebasing: raw[8...]) }
            guard size >= 0, size <= 1 << 40,
                  strata_plausible_size(codec, body.base + offset + 8, length - 8, Int(size)) != 0 else {
                throw StrataError(.parse, "a compressed buffer of \(length - 8) bytes cannot hold the \(size) bytes it claims (corrupt)")
            }
            let out = UnsafeMutableRawPointer.allocate(byteCount: max(Int(size), 1), alignment: 64)
            ownedBuffers.value.append(out)
            let rc = strata_decompress(codec, body.base + offset + 8, length - 8, out.assumingMemoryBound(to: UInt8.self), Int(size))
            guard rc == 0 else { throw StrataError(.parse, "a compressed buffer does not decompress to its stated \(size) bytes (corrupt)") }
            return UnsafeRawBufferPointer(start: out, count: Int(size))
        }
    }

    /// Decompressed buffers, freed when the reader goes away.
    private let ownedBuffers = OwnedBuffers()

    final class OwnedBuffers {
        var value: [UnsafeMutableRawPointer] = []
        deinit { for p in value { p.deallocate() } }
    }

    private mutating func readBatch(_ m: Message, into builders: [ColumnBuilder?]) throws {
        defer { batches += 1 }
        let batch = m.header
        let length = Int(try batch.i64(0))
        let nodes = try batch.structs(1, stride: 16)
        let buffers = try batchBuffers(batch, body: m.body)
        guard nodes.count == fields.count else {
            throw StrataError(.parse, "record batch \(batches) has \(nodes.count) field nodes for \(fields.count) columns")
        }
        var next = 0
        for (k, field) in fields.enumerated() {
            let count = field.type.bufferCount
            guard next + count <= buffers.count else { throw StrataError(.parse, "record batch \(batches) has too few buffers", column: field.name) }
            defer { next += count }
            guard let builder = builders[k] else { continue }
            let n = Int(Int64(bitPattern: try FlatBufferTable.u64(batch.buffer, nodes[k])))
            let nulls = Int(Int64(bitPattern: try FlatBufferTable.u64(batch.buffer, nodes[k] + 8)))
            guard n == length else { throw StrataError(.parse, "record batch \(batches): column of \(n) rows in a batch of \(length)", column: field.name) }
            var dictionary: [String]?
            if case .dictionary(let id, _, _) = field.type {
                guard let d = dictionaries[id] else { throw StrataError(.parse, "record batch \(batches): dictionary \(id) was never sent", column: field.name) }
                dictionary = d
            }
            do {
                try ArrowColumnDecoder.append(.init(length: n, nullCount: nulls, buffers: Array(buffers[next..<(next + count)])),
                                              type: field.type, dictionary: dictionary, to: builder)
            } catch let e as ArrowColumnDecoder.Failure {
                throw StrataError(.parse, "record batch \(batches): \(e.reason)", column: field.name)
            }
        }
    }

    private mutating func readDictionary(_ m: Message) throws {
        let id = try m.header.i64(0)
        guard let data = try m.header.table(1) else { throw StrataError(.parse, "dictionary batch \(id) without data") }
        guard let field = fields.first(where: { if case .dictionary(id, _, _) = $0.type { return true } else { return false } }),
              case .dictionary(_, _, let valueType) = field.type else {
            throw StrataError(.parse, "dictionary batch \(id) matches no field")
        }
        let n = Int(try data.i64(0))
        let buffers = try batchBuffers(data, body: m.body)
        let nodes = try data.structs(1, stride: 16)
        guard nodes.count == 1, buffers.count >= valueType.bufferCount else { throw StrataError(.parse, "dictionary batch \(id) is not one column", column: field.name) }
        let nulls = Int(Int64(bitPattern: try FlatBufferTable.u64(data.buffer, nodes[0] + 8)))
        let builder = ColumnBuilder(type: .string)
        do {
            try ArrowColumnDecoder.append(.init(length: n, nullCount: nulls, buffers: Array(buffers.prefix(valueType.bufferCount))),
                                          type: valueType, dictionary: nil, to: builder)
        } catch let e as ArrowColumnDecoder.Failure {
            throw StrataError(.parse, "dictionary batch \(id): \(e.reason)", column: field.name)
        }
        let column = builder.finish()
        let values = (0..<n).map { column.stringValue(at: $0) ?? "" }
        if try m.header.bool(2) { dictionaries[id, default: []] += values } else { dictionaries[id] = values }
    }
}
