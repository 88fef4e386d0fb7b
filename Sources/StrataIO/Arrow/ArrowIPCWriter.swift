import _CStrataCodecs
import StrataCore

/// Options for writing Arrow IPC.
public struct ArrowWriteOptions: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// The IPC file format (Feather v2): random access, `ARROW1` magic and footer.
        case file
        /// The IPC stream format: messages only, end-of-stream marker.
        case stream
    }

    public enum Compression: String, Sendable, CaseIterable { case none, lz4, zstd }

    /// Default `.file`.
    public var format: Format = .file
    /// Buffer compression (default none, as pyarrow's IPC writer; Feather defaults to lz4).
    public var compression: Compression = .none
    /// Rows per record batch (default 1,048,576).
    public var batchRows = 1 << 20

    public init(format: Format = .file, compression: Compression = .none, batchRows: Int = 1 << 20) {
        self.format = format
        self.compression = compression
        self.batchRows = batchRows
    }
}

/// Writes tables as Arrow IPC (file or stream format). Types: `float32` float, `float64`
/// double, `int64` int64, `bool` bool, `string` utf8 (large_utf8 past 2 GiB of text per batch),
/// `date` date32, `timestamp` timestamp[us, tz=UTC]. Metadata version V5; buffers 64-byte
/// aligned. The file appears only when complete.
public enum ArrowIPCWriter {
    /// - Throws: `StrataError.io` when the file cannot be written.
    /// - Complexity: O(rows × columns); memory: one encoded batch.
    public static func write(_ table: Table, to path: String, options: ArrowWriteOptions = ArrowWriteOptions()) throws {
        guard options.batchRows > 0 else { throw StrataError(.invalidConfiguration, "batch rows must be positive", file: path) }
        let out = try AtomicOutput(path: path)
        var position = 0
        func emit(_ bytes: [UInt8]) throws { try out.write(bytes); position += bytes.count }
        if options.format == .file { try emit(ArrowIPCReader.fileMagic + [0, 0]) }

        // Strings go out as large_utf8 only when a batch's text would overflow int32 offsets.
        let types: [ArrowType] = table.columns.map { c in
            guard case .string(_, let d) = c.values else { return ArrowType.written(c.type) }
            let longest = d.values.reduce(0) { max($0, $1.utf8.count) }
            return longest * min(table.rowCount, options.batchRows) > Int(Int32.max) ? .largeUtf8 : .utf8
        }
        let schema = schemaValue(names: table.schema.names, types: types)
        try emit(encapsulate(message(headerType: 1, header: schema, bodyLength: 0)))

        var blocks: [(offset: Int, metadata: Int, body: Int)] = []
        var start = 0
        repeat {
            let end = min(start + options.batchRows, table.rowCount)
            let batch = table.slice(start..<end)
            var body: [UInt8] = []
            var nodes: [UInt8] = []
            var buffers: [UInt8] = []
            func appendBuffer(_ bytes: [UInt8]) {
                var stored = bytes
                if options.compression != .none && !bytes.isEmpty {
                    stored = compress(bytes, options.compression)
                }
                le(&buffers, Int64(body.count))
                le(&buffers, Int64(stored.count))
                body += stored
                while body.count % 64 != 0 { body.append(0) }
            }
            for (column, type) in zip(batch.columns, types) {
                le(&nodes, Int64(column.count))
                le(&nodes, Int64(column.nullCount))
                for b in arrowBuffers(column, type: type) { appendBuffer(b) }
            }
            var fields: [FlatBufferValue.Field?] = [
                .i64(Int64(end - start)),
                .object(.structs(nodes, count: batch.columnCount, alignment: 8)),
                .object(.structs(buffers, count: buffers.count / 16, alignment: 8)),
            ]
            if options.compression != .none {
                fields.append(.object(.table([.u8(options.compression == .lz4 ? 0 : 1), .u8(0)])))
            }
            let meta = encapsulate(message(headerType: 3, header: .table(fields), bodyLength: body.count))
            blocks.append((position, meta.count, body.count))
            try emit(meta)
            try emit(body)
            start = end
        } while start < table.rowCount
        try emit([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])  // end of stream

        if options.format == .file {
            var raw: [UInt8] = []
            for b in blocks {
                le(&raw, Int64(b.offset))
                le(&raw, Int32(b.metadata))
                le(&raw, Int32(0))
                le(&raw, Int64(b.body))
            }
            let footer = FlatBufferWriter.serialize(.table([
                .i16(4), .object(schema),
                .object(.structs([], count: 0, alignment: 8)),
                .object(.structs(raw, count: blocks.count, alignment: 8)),
            ]))
            try emit(footer)
            var tail: [UInt8] = []
            le(&tail, Int32(footer.count))
            try emit(tail + ArrowIPCReader.fileMagic)
        }
        try out.commit()
    }

    // MARK: Metadata

    static func schemaValue(names: [String], types: [ArrowType]) -> FlatBufferValue {
        let fields: [FlatBufferValue] = zip(names, types).map { name, type in
            let (tag, body) = typeValue(type)
            return .table([.object(.string(name)), .bool(true), .u8(tag), .object(body), nil, .object(.tables([]))])
        }
        return .table([.i16(0), .object(.tables(fields))])
    }

    static func typeValue(_ type: ArrowType) -> (UInt8, FlatBufferValue) {
        switch type {
        case .int(let bits, let signed): return (2, .table([.i32(Int32(bits)), .bool(signed)]))
        case .float(let bits): return (3, .table([.i16(bits == 16 ? 0 : bits == 32 ? 1 : 2)]))
        case .bool: return (6, .table([]))
        case .utf8: return (5, .table([]))
        case .largeUtf8: return (20, .table([]))
        case .date32: return (8, .table([.i16(0)]))
        case .timestamp(_, let zone): return (10, .table([.i16(2), zone.map { .object(.string($0)) }]))
        default: preconditionFailure("Strata does not write \(type)")
        }
    }

    static func message(headerType: UInt8, header: FlatBufferValue, bodyLength: Int) -> [UInt8] {
        FlatBufferWriter.serialize(.table([.i16(4), .u8(headerType), .object(header), .i64(Int64(bodyLength))]))
    }

    /// Continuation marker, metadata length, metadata padded to 8 bytes.
    static func encapsulate(_ metadata: [UInt8]) -> [UInt8] {
        var padded = metadata
        while padded.count % 8 != 0 { padded.append(0) }
        var out: [UInt8] = [0xff, 0xff, 0xff, 0xff]
        le(&out, Int32(padded.count))
        return out + padded
    }

    // MARK: Buffers

    /// The Arrow buffers of a column (validity first; empty when no row is null).
    static func arrowBuffers(_ column: Column, type: ArrowType) -> [[UInt8]] {
        var validity: [UInt8] = []
        if column.nullCount > 0 {
            validity = [UInt8](repeating: 0, count: (column.count + 7) / 8)
            for i in 0..<column.count where column.isValid(i) { validity[i >> 3] |= 1 << UInt8(i & 7) }
        }
        func raw<T>(_ a: PrimitiveArray<T>) -> [UInt8] { a.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) } }
        switch column.values {
        case .float32(let a): return [validity, raw(a)]
        case .float64(let a): return [validity, raw(a)]
        case .int64(let a), .timestamp(let a): return [validity, raw(a)]
        case .date(let a): return [validity, raw(a)]
        case .bool(let a):
            var bits = [UInt8](repeating: 0, count: (a.count + 7) / 8)
            for i in 0..<a.count where a[i] != 0 { bits[i >> 3] |= 1 << UInt8(i & 7) }
            return [validity, bits]
        case .string(let idx, let dict):
            let utf8 = dict.values.map { Array($0.utf8) }
            var offsets: [UInt8] = []
            var data: [UInt8] = []
            let large = type == .largeUtf8
            func offset(_ v: Int) { if large { le(&offsets, Int64(v)) } else { le(&offsets, Int32(v)) } }
            offset(0)
            for i in 0..<column.count {
                if column.isValid(i) { data += utf8[Int(idx[i])] }
                offset(data.count)
            }
            return [validity, offsets, data]
        }
    }

    static func compress(_ bytes: [UInt8], _ compression: ArrowWriteOptions.Compression) -> [UInt8] {
        let codec = Int32(compression == .lz4 ? STRATA_CODEC_LZ4_FRAME : STRATA_CODEC_ZSTD)
        var out = [UInt8](repeating: 0, count: 8 + strata_compress_bound(codec, bytes.count))
        let n = bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                strata_compress(codec, 0, src.baseAddress, bytes.count, dst.baseAddress! + 8, dst.count - 8)
            }
        }
        precondition(n >= 0, "compression into a buffer of the codec's bound failed")
        out.removeSubrange((8 + n)...)
        let size = Int64(bytes.count).littleEndian
        withUnsafeBytes(of: size) { for k in 0..<8 { out[k] = $0[k] } }
        return out
    }
}

func le<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
    withUnsafeBytes(of: v.littleEndian) { out += $0 }
}
