import _CStrataCodecs
import StrataCore

/// Options for writing Parquet.
public struct ParquetWriteOptions: Sendable {
    /// Page compression.
    public enum Compression: String, Sendable, CaseIterable {
        case none, snappy, gzip, zstd, lz4

        var codec: Parquet.Codec {
            switch self {
            case .none: return .uncompressed
            case .snappy: return .snappy
            case .gzip: return .gzip
            case .zstd: return .zstd
            case .lz4: return .lz4Raw
            }
        }
    }

    /// Default `.snappy`, as pyarrow and DuckDB.
    public var compression: Compression = .snappy
    /// Codec level (nil: the codec's default; zstd 1, gzip 6).
    public var compressionLevel: Int?
    /// Rows per row group (default 1,048,576, pyarrow's).
    public var rowGroupRows = 1 << 20
    /// Target uncompressed bytes per data page (default 1 MiB, pyarrow's).
    public var dataPageBytes = 1 << 20
    /// Dictionary-encode string columns (default true). A chunk whose dictionary would exceed
    /// `dictionaryPageLimit` bytes is written PLAIN instead, as parquet-cpp falls back.
    public var dictionary = true
    public var dictionaryPageLimit = 1 << 20
    /// Write min, max and null count per column chunk (default true).
    public var statistics = true
    /// Threads encoding the columns of a row group.
    public var parallelism: Parallelism = .allCores

    public init(compression: Compression = .snappy, rowGroupRows: Int = 1 << 20, parallelism: Parallelism = .allCores) {
        self.compression = compression
        self.rowGroupRows = rowGroupRows
        self.parallelism = parallelism
    }
}

/// Writes tables as Parquet: every column OPTIONAL (nullable, as pyarrow writes), data pages
/// v1; strings dictionary-encoded (RLE_DICTIONARY) with a PLAIN fallback, everything else
/// PLAIN; statistics per chunk. Types: `float32` FLOAT, `float64` DOUBLE, `int64` INT64, `bool`
/// BOOLEAN, `string` BYTE_ARRAY STRING, `date` INT32 DATE, `timestamp` INT64
/// TIMESTAMP(MICROS, UTC). The file appears only when complete.
public enum ParquetWriter {
    /// - Throws: `StrataError.io` when the file cannot be written, `.invalidConfiguration` on bad options.
    /// - Complexity: O(rows × columns); memory: one encoded row group.
    public static func write(_ table: Table, to path: String, options: ParquetWriteOptions = ParquetWriteOptions()) throws {
        guard options.rowGroupRows > 0, options.dataPageBytes > 0 else {
            throw StrataError(.invalidConfiguration, "row group rows and data page bytes must be positive", file: path)
        }
        let out = try AtomicOutput(path: path)
        var offset = 0
        func emit(_ bytes: [UInt8]) throws {
            try out.write(bytes)
            offset += bytes.count
        }
        try emit(Parquet.magic)
        var rowGroups: [Parquet.RowGroup] = []
        var start = 0
        repeat {
            let end = min(start + options.rowGroupRows, table.rowCount)
            let slice = table.slice(start..<end)
            let chunks = options.parallelism.map(ranges: slice.columnCount, minimumChunk: 1) { range in
                range.map { ParquetChunkEncoder(column: slice.columns[$0], name: slice.schema.names[$0], options: options).encode() }
            }.flatMap { $0 }
            var group = Parquet.RowGroup()
            group.numRows = Int64(end - start)
            for var chunk in chunks {
                chunk.meta.dataPageOffset += Int64(offset)
                if let d = chunk.meta.dictionaryPageOffset { chunk.meta.dictionaryPageOffset = d + Int64(offset) }
                group.columns.append(Parquet.ColumnChunk(filePath: nil, fileOffset: Int64(offset), meta: chunk.meta))
                group.totalByteSize += chunk.meta.totalUncompressedSize
                try emit(chunk.bytes)
            }
            rowGroups.append(group)
            start = end
        } while start < table.rowCount

        var meta = Parquet.FileMetaData()
        meta.numRows = Int64(table.rowCount)
        meta.rowGroups = rowGroups
        meta.createdBy = "Strata"
        var root = Parquet.SchemaElement()
        root.name = "schema"
        root.numChildren = Int32(table.columnCount)
        meta.schema = [root] + table.schema.fields.map(schemaElement)
        var writer = ThriftCompactWriter()
        writer.structValue { meta.write(to: &$0) }
        try emit(writer.bytes)
        let n = UInt32(writer.bytes.count)
        try emit([UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)] + Parquet.magic)
        try out.commit()
    }

    static func schemaElement(_ field: Field) -> Parquet.SchemaElement {
        var e = Parquet.SchemaElement()
        e.name = field.name
        e.repetition = .optional
        switch field.type {
        case .float32: e.type = .float
        case .float64: e.type = .double
        case .int64: e.type = .int64
        case .bool: e.type = .boolean
        case .string: e.type = .byteArray; e.convertedType = 0; e.logical = .string
        case .date: e.type = .int32; e.convertedType = 6; e.logical = .date
        case .timestamp: e.type = .int64; e.convertedType = 10; e.logical = .timestamp(.micros)
        }
        return e
    }
}

/// One encoded column chunk: its bytes (pages) and metadata with offsets relative to its start.
struct EncodedChunk {
    var bytes: [UInt8]
    var meta: Parquet.ColumnMetaData
}

/// Encodes one column of one row group into pages.
struct ParquetChunkEncoder {
    let column: Column
    let name: String
    let options: ParquetWriteOptions

    func encode() -> EncodedChunk {
        var meta = Parquet.ColumnMetaData()
        meta.path = [name]
        meta.codec = options.compression.codec
        meta.numValues = Int64(column.count)
        meta.type = ParquetWriter.schemaElement(Field(name, column.type)).type!
        var bytes: [UInt8] = []
        var uncompressedTotal = 0
        var encodings: Set<Int32> = [Parquet.Encoding.rle.rawValue]

        // Strings: the chunk's own dictionary, unless too large.
        var dictionaryIndices: [Int32]?  // per row, index into the chunk dictionary
        var dictionaryCount = 0
        if case .string(let idx, let dict) = column.values, options.dictionary {
            var map = [Int32](repeating: -1, count: dict.count)
            var used: [Int32] = []
            var usedBytes = 0
            var local = [Int32](repeating: 0, count: column.count)
            for i in 0..<column.count where column.isValid(i) {
                let g = Int(idx[i])
                if map[g] < 0 {
                    map[g] = Int32(used.count)
                    used.append(Int32(g))
                    usedBytes += 4 + dict.values[g].utf8.count
                }
                local[i] = map[g]
            }
            if usedBytes <= options.dictionaryPageLimit {
                var page: [UInt8] = []
                page.reserveCapacity(usedBytes)
                for g in used { appendByteArray(&page, dict.values[Int(g)]) }
                meta.dictionaryPageOffset = 0
                let header = pageHeader(type: .dictionaryPage, uncompressed: page.count) { w in
                    w.field(7, struct: { w in
                        w.field(1, i32: Int32(used.count))
                        w.field(2, i32: Parquet.Encoding.plain.rawValue)
                    })
                }
                uncompressedTotal += appendPage(&bytes, header: header, body: page)
                encodings.insert(Parquet.Encoding.plain.rawValue)
                dictionaryIndices = local
                dictionaryCount = used.count
            }
        }

        meta.dataPageOffset = Int64(bytes.count)
        let width = max(column.byteCount / max(column.count, 1), 1)
        let pageRows = max(1, min(column.count, options.dataPageBytes / width))
        var start = 0
        repeat {
            let end = min(start + pageRows, column.count)
            var body: [UInt8] = []
            let nulls = column.validity == nil ? 0 : (start..<end).reduce(0) { $0 + (column.isValid($1) ? 0 : 1) }
            encodeLevels(&body, start..<end, nulls: nulls)
            let encoding: Parquet.Encoding
            if let dictionaryIndices {
                encoding = .rleDictionary
                var values: [UInt32] = []
                values.reserveCapacity(end - start - nulls)
                for i in start..<end where column.isValid(i) { values.append(UInt32(dictionaryIndices[i])) }
                let bitWidth = max(1, Int.bitWidth - (max(dictionaryCount - 1, 0)).leadingZeroBitCount)
                body.append(UInt8(bitWidth))
                appendBitPacked(&body, values, bitWidth: bitWidth)
            } else {
                encoding = .plain
                encodePlain(&body, start..<end, nulls: nulls)
            }
            encodings.insert(encoding.rawValue)
            let count = end - start
            let header = pageHeader(type: .dataPage, uncompressed: body.count) { w in
                w.field(5, struct: { w in
                    w.field(1, i32: Int32(count))
                    w.field(2, i32: encoding.rawValue)
                    w.field(3, i32: Parquet.Encoding.rle.rawValue)
                    w.field(4, i32: Parquet.Encoding.rle.rawValue)
                })
            }
            uncompressedTotal += appendPage(&bytes, header: header, body: body)
            start = end
        } while start < column.count

        meta.encodings = encodings.sorted()
        meta.totalCompressedSize = Int64(bytes.count)
        meta.totalUncompressedSize = Int64(uncompressedTotal)
        if options.statistics { meta.statistics = statistics() }
        return EncodedChunk(bytes: bytes, meta: meta)
    }

    // MARK: Pages

    private func pageHeader(type: Parquet.PageType, uncompressed: Int, _ body: @escaping (inout ThriftCompactWriter) -> Void) -> (Int32, (inout ThriftCompactWriter) -> Void) {
        (type.rawValue, body)
    }

    /// Compresses `body` and appends header + body; returns the uncompressed bytes counted.
    private func appendPage(_ out: inout [UInt8], header: (Int32, (inout ThriftCompactWriter) -> Void), body: [UInt8]) -> Int {
        let codec = Int32(options.compression.codec.rawValue)
        var compressed: [UInt8]
        if options.compression == .none {
            compressed = body
        } else {
            let bound = strata_compress_bound(codec, body.count)
            compressed = [UInt8](repeating: 0, count: max(bound, 16))
            let n = body.withUnsafeBufferPointer { src in
                compressed.withUnsafeMutableBufferPointer { dst in
                    strata_compress(codec, Int32(options.compressionLevel ?? 0), src.baseAddress, body.count, dst.baseAddress, dst.count)
                }
            }
            precondition(n >= 0, "compression into a buffer of the codec's bound failed")
            compressed.removeSubrange(n...)
        }
        var w = ThriftCompactWriter()
        w.structValue { w in
            w.field(1, i32: header.0)
            w.field(2, i32: Int32(body.count))
            w.field(3, i32: Int32(compressed.count))
            header.1(&w)
        }
        out += w.bytes
        out += compressed
        return w.bytes.count + body.count
    }

    // MARK: Values

    /// Definition levels (length-prefixed RLE/bit-packed hybrid, bit width 1).
    private func encodeLevels(_ out: inout [UInt8], _ rows: Range<Int>, nulls: Int) {
        var levels: [UInt8] = []
        if nulls == 0 {
            appendVarint(&levels, UInt64(rows.count) << 1)  // one run of 1s
            levels.append(1)
        } else {
            let groups = (rows.count + 7) / 8
            appendVarint(&levels, UInt64(groups) << 1 | 1)
            var bytes = [UInt8](repeating: 0, count: groups)
            for (k, i) in rows.enumerated() where column.isValid(i) { bytes[k >> 3] |= 1 << UInt8(k & 7) }
            levels += bytes
        }
        let n = UInt32(levels.count)
        out += [UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)]
        out += levels
    }

    private func encodePlain(_ out: inout [UInt8], _ rows: Range<Int>, nulls: Int) {
        func fixed<T>(_ a: PrimitiveArray<T>) {
            a.withUnsafeBufferPointer { p in
                if nulls == 0 {
                    out += UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: p[rows]))
                } else {
                    for i in rows where column.isValid(i) { withUnsafeBytes(of: p[i]) { out += $0 } }
                }
            }
        }
        switch column.values {
        case .float32(let a): fixed(a)
        case .float64(let a): fixed(a)
        case .int64(let a), .timestamp(let a): fixed(a)
        case .date(let a): fixed(a)
        case .bool(let a):
            var bits = [UInt8](repeating: 0, count: (rows.count - nulls + 7) / 8)
            var k = 0
            for i in rows where column.isValid(i) {
                if a[i] != 0 { bits[k >> 3] |= 1 << UInt8(k & 7) }
                k += 1
            }
            out += bits
        case .string(let idx, let dict):
            for i in rows where column.isValid(i) { appendByteArray(&out, dict.values[Int(idx[i])]) }
        }
    }

    // MARK: Statistics

    private func statistics() -> Parquet.Statistics {
        var s = Parquet.Statistics()
        s.nullCount = Int64(column.nullCount)
        func le<T>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
        func minMax<T: Comparable>(_ a: PrimitiveArray<T>, skip: (T) -> Bool = { _ in false }) -> (T, T)? {
            var lo: T?, hi: T?
            for i in 0..<a.count where column.isValid(i) && !skip(a[i]) {
                let v = a[i]
                if lo == nil || v < lo! { lo = v }
                if hi == nil || v > hi! { hi = v }
            }
            return lo.map { ($0, hi!) }
        }
        switch column.values {
        case .float32(let a):
            if let (lo, hi) = minMax(a, skip: { $0.isNaN }) { s.min = le(lo == 0 ? -Float(0) : lo); s.max = le(hi == 0 ? Float(0) : hi) }
        case .float64(let a):
            if let (lo, hi) = minMax(a, skip: { $0.isNaN }) { s.min = le(lo == 0 ? -Double(0) : lo); s.max = le(hi == 0 ? Double(0) : hi) }
        case .int64(let a), .timestamp(let a):
            if let (lo, hi) = minMax(a) { s.min = le(lo); s.max = le(hi) }
        case .date(let a):
            if let (lo, hi) = minMax(a) { s.min = le(lo); s.max = le(hi) }
        case .bool(let a):
            if let (lo, hi) = minMax(a) { s.min = [lo]; s.max = [hi] }
        case .string(let idx, let dict):
            // Byte-wise order (Parquet's unsigned comparison of UTF-8), over the values present.
            var seen = [Bool](repeating: false, count: dict.count)
            var lo: [UInt8]?, hi: [UInt8]?
            for i in 0..<column.count where column.isValid(i) {
                let g = Int(idx[i])
                if seen[g] { continue }
                seen[g] = true
                let b = Array(dict.values[g].utf8)
                if lo == nil || b.lexicographicallyPrecedes(lo!) { lo = b }
                if hi == nil || hi!.lexicographicallyPrecedes(b) { hi = b }
            }
            s.min = lo; s.max = hi
        }
        return s
    }
}

// MARK: - Byte helpers

func appendVarint(_ out: inout [UInt8], _ v: UInt64) {
    var v = v
    while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
    out.append(UInt8(v))
}

func appendByteArray(_ out: inout [UInt8], _ s: String) {
    let n = UInt32(s.utf8.count)
    out += [UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)]
    out += s.utf8
}

/// Values as bit-packed runs of the RLE/bit-packed hybrid (padded to groups of 8).
func appendBitPacked(_ out: inout [UInt8], _ values: [UInt32], bitWidth: Int) {
    guard !values.isEmpty else { return }
    let groups = (values.count + 7) / 8
    appendVarint(&out, UInt64(groups) << 1 | 1)
    var acc: UInt64 = 0
    var bits = 0
    for g in 0..<(groups * 8) {
        let v = g < values.count ? UInt64(values[g]) : 0
        acc |= v << UInt64(bits)
        bits += bitWidth
        while bits >= 8 {
            out.append(UInt8(acc & 0xff))
            acc >>= 8
            bits -= 8
        }
    }
    if bits > 0 { out.append(UInt8(acc & 0xff)) }
}

// MARK: - Metadata encoding

extension Parquet.FileMetaData {
    func write(to w: inout ThriftCompactWriter) {
        w.field(1, i32: version)
        w.field(2, list: .structure, count: schema.count) { w in
            for e in schema { w.structValue { e.write(to: &$0) } }
        }
        w.field(3, i64: numRows)
        w.field(4, list: .structure, count: rowGroups.count) { w in
            for g in rowGroups { w.structValue { g.write(to: &$0) } }
        }
        if let createdBy { w.field(6, string: createdBy) }
        // TypeDefinedOrder for every leaf: readers trust min_value/max_value only with it.
        let leaves = schema.count - 1
        w.field(7, list: .structure, count: leaves) { w in
            for _ in 0..<leaves { w.structValue { w in w.field(1, struct: { _ in }) } }
        }
    }
}

extension Parquet.SchemaElement {
    func write(to w: inout ThriftCompactWriter) {
        if let type { w.field(1, i32: type.rawValue) }
        if let typeLength { w.field(2, i32: typeLength) }
        if let repetition { w.field(3, i32: repetition.rawValue) }
        w.field(4, string: name)
        if let numChildren { w.field(5, i32: numChildren) }
        if let convertedType { w.field(6, i32: convertedType) }
        switch logical {
        case .string: w.field(10, struct: { w in w.field(1, struct: { _ in }) })
        case .date: w.field(10, struct: { w in w.field(6, struct: { _ in }) })
        case .timestamp: // µs, adjusted to UTC
            w.field(10, struct: { w in
                w.field(8, struct: { w in
                    w.field(1, bool: true)
                    w.field(2, struct: { w in w.field(2, struct: { _ in }) })
                })
            })
        default: break
        }
    }
}

extension Parquet.RowGroup {
    func write(to w: inout ThriftCompactWriter) {
        w.field(1, list: .structure, count: columns.count) { w in
            for c in columns {
                w.structValue { w in
                    w.field(2, i64: c.fileOffset)
                    if let m = c.meta { w.field(3, struct: { m.write(to: &$0) }) }
                }
            }
        }
        w.field(2, i64: totalByteSize)
        w.field(3, i64: numRows)
        if let first = columns.first { w.field(5, i64: first.fileOffset) }
        w.field(6, i64: columns.reduce(0) { $0 + ($1.meta?.totalCompressedSize ?? 0) })
    }
}

extension Parquet.ColumnMetaData {
    func write(to w: inout ThriftCompactWriter) {
        w.field(1, i32: type.rawValue)
        w.field(2, list: .i32, count: encodings.count) { w in for e in encodings { w.element(i32: e) } }
        w.field(3, list: .binary, count: path.count) { w in for p in path { w.element(string: p) } }
        w.field(4, i32: codec.rawValue)
        w.field(5, i64: numValues)
        w.field(6, i64: totalUncompressedSize)
        w.field(7, i64: totalCompressedSize)
        w.field(9, i64: dataPageOffset)
        if let dictionaryPageOffset { w.field(11, i64: dictionaryPageOffset) }
        if let s = statistics {
            w.field(12, struct: { w in
                if let n = s.nullCount { w.field(3, i64: n) }
                if let max = s.max { w.field(5, binary: max) }
                if let min = s.min { w.field(6, binary: min) }
            })
        }
    }
}
