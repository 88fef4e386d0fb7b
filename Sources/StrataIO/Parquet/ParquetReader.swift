import StrataCore

/// Options for reading Parquet.
public struct ParquetReadOptions: Sendable {
    /// Columns to read, in this order (nil: all, in file order). Projection skips the other
    /// columns' bytes entirely.
    public var columns: [String]?
    /// Threads decoding column chunks (one task per row group × column).
    public var parallelism: Parallelism

    public init(columns: [String]? = nil, parallelism: Parallelism = .allCores) {
        self.columns = columns
        self.parallelism = parallelism
    }
}

/// What a Parquet file's footer says, without reading data pages.
public struct ParquetFileInfo: Sendable {
    public struct ColumnInfo: Sendable {
        public var name: String
        public var physicalType: String
        public var type: DataType
        public var nullable: Bool
        /// Codec names used by the column's chunks (e.g. `SNAPPY`).
        public var codecs: [String]
    }
    public var rowCount: Int
    public var rowGroupRowCounts: [Int]
    public var columns: [ColumnInfo]
    public var createdBy: String?
    public var keyValueMetadata: [String: String]
}

/// Reads flat Parquet files into tables, natively (no Arrow or parquet-cpp underneath).
///
/// Supported: data pages v1 and v2 and dictionary pages; encodings PLAIN, RLE/bit-packed hybrid,
/// PLAIN_DICTIONARY/RLE_DICTIONARY, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
/// DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT; codecs UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW (and
/// the deprecated Hadoop-framed LZ4); the type mapping in `ParquetLeaf`. Column chunks decode
/// in parallel, straight into the output columns.
public enum ParquetReader {
    /// Reads `path` into a table.
    /// - Throws: `StrataError` — `.io` (cannot open), `.parse` (not Parquet, truncated, corrupt
    ///   footer or page: the message names the column and row group), `.unsupported` (nested
    ///   schemas, codecs such as BROTLI/LZO), `.columnNotFound` (projection).
    /// - Complexity: O(file size) time; memory: the output columns plus one page per thread.
    public static func read(path: String, options: ParquetReadOptions = ParquetReadOptions()) throws -> Table {
        do {
            let file = try MappedFile(path: path)
            let meta = try footer(file)
            return try decode(file, meta, options: options)
        } catch let error as StrataError {
            throw error.inFile(path)
        }
    }

    /// Reads Parquet bytes held in memory; `name` stands for the file in errors.
    public static func read(bytes: [UInt8], name: String = "<memory>", options: ParquetReadOptions = ParquetReadOptions()) throws -> Table {
        do {
            let file = MappedFile(bytes: bytes, name: name)
            return try decode(file, try footer(file), options: options)
        } catch let error as StrataError {
            throw error.inFile(name)
        }
    }

    /// The file's schema, row groups and codecs.
    public static func info(path: String) throws -> ParquetFileInfo {
        do {
            let file = try MappedFile(path: path)
            let meta = try footer(file)
            let leaves = try ParquetLeaf.leaves(of: meta.schema, file: path)
            let columns = leaves.enumerated().map { i, leaf in
                ParquetFileInfo.ColumnInfo(
                    name: leaf.name, physicalType: "\(leaf.physical)".uppercased(), type: leaf.output,
                    nullable: leaf.maxDefinition > 0,
                    codecs: Array(Set(meta.rowGroups.compactMap { i < $0.columns.count ? $0.columns[i].meta?.codec.name : nil })).sorted())
            }
            return ParquetFileInfo(rowCount: Int(meta.numRows), rowGroupRowCounts: meta.rowGroups.map { Int($0.numRows) },
                                   columns: columns, createdBy: meta.createdBy,
                                   keyValueMetadata: Dictionary(meta.keyValue, uniquingKeysWith: { _, b in b }))
        } catch let error as StrataError {
            throw error.inFile(path)
        }
    }

    /// Whether the file starts with Parquet's magic bytes.
    public static func looksLikeParquet(path: String) -> Bool {
        guard let f = try? MappedFile(path: path), let head = f.bytes(0, 4) else { return false }
        return (0..<4).allSatisfy { head.base[$0] == Parquet.magic[$0] }
    }

    // MARK: Footer

    static func footer(_ file: MappedFile) throws -> Parquet.FileMetaData {
        guard file.size >= 12, let head = file.bytes(0, 4), let tail = file.bytes(file.size - 8, 8) else {
            throw StrataError(.parse, "not a Parquet file: \(file.size) bytes is too short for the header and footer")
        }
        guard (0..<4).allSatisfy({ head.base[$0] == Parquet.magic[$0] }) else {
            throw StrataError(.parse, "not a Parquet file: wrong magic number at the start (expected PAR1)")
        }
        guard (0..<4).allSatisfy({ tail.base[4 + $0] == Parquet.magic[$0] }) else {
            throw StrataError(.parse, "truncated or not a Parquet file: no PAR1 magic at the end")
        }
        let length = Int(try tail.loadLE32(at: 0))
        guard length > 0, length <= file.size - 12, let bytes = file.bytes(file.size - 8 - length, length) else {
            throw StrataError(.parse, "corrupt footer: metadata length \(length) does not fit a \(file.size)-byte file")
        }
        var reader = ThriftCompactReader(bytes.base, count: bytes.count)
        do {
            let meta = try Parquet.FileMetaData(thrift: &reader)
            guard meta.numRows >= 0, meta.rowGroups.allSatisfy({ $0.numRows >= 0 }),
                  meta.rowGroups.reduce(0, { $0 + $1.numRows }) == meta.numRows else {
                throw StrataError(.parse, "corrupt footer: row counts of the row groups do not add up to \(meta.numRows)")
            }
            return meta
        } catch let e as ThriftCompactReader.Malformed {
            throw StrataError(.parse, "corrupt footer: \(e.reason)")
        }
    }

    // MARK: Data

    private struct Task {
        let rowGroup: Int
        let column: Int  // position in the output
        let leafIndex: Int
        let rowOffset: Int
        let rows: Int
        let bytes: Int
    }

    private static func decode(_ file: MappedFile, _ meta: Parquet.FileMetaData, options: ParquetReadOptions) throws -> Table {
        let leaves = try ParquetLeaf.leaves(of: meta.schema, file: file.path)
        let selected: [Int]
        if let names = options.columns {
            selected = try names.map { name in
                guard let i = leaves.firstIndex(where: { $0.name == name }) else {
                    throw StrataError(.columnNotFound, "no column '\(name)'; columns are: \(leaves.map(\.name).joined(separator: ", "))", column: name)
                }
                return i
            }
        } else {
            selected = Array(leaves.indices)
        }
        let totalRows = Int(meta.numRows)
        // A damaged or hostile footer may claim any row count: refuse what cannot fit.
        let (needed, overflow) = selected.reduce(0) { $0 + leaves[$1].outputWidth }.multipliedReportingOverflow(by: totalRows)
        guard !overflow, needed <= SystemMemory.available else {
            throw StrataError(.resourceLimit, "the footer claims \(totalRows) rows, \(SystemMemory.describe(needed)) of columns, more than the \(SystemMemory.describe(SystemMemory.available)) available (corrupt footer, or read fewer columns)")
        }
        // Output storage, one buffer per selected column, written in place by the chunk tasks.
        let storages = selected.map { OutputStorage(leaves[$0].output, rows: totalRows) }
        let bases = storages.map(\.base)

        var tasks: [Task] = []
        var rowOffset = 0
        for (g, group) in meta.rowGroups.enumerated() {
            guard group.columns.count == leaves.count else {
                throw StrataError(.parse, "corrupt footer: row group \(g) has \(group.columns.count) column chunks for \(leaves.count) columns")
            }
            for (c, leafIndex) in selected.enumerated() {
                let size = Int(group.columns[leafIndex].meta?.totalCompressedSize ?? 0)
                tasks.append(Task(rowGroup: g, column: c, leafIndex: leafIndex, rowOffset: rowOffset, rows: Int(group.numRows), bytes: size))
            }
            rowOffset += Int(group.numRows)
        }
        // Largest chunks first, so the threads finish together.
        let order = tasks.indices.sorted { tasks[$0].bytes > tasks[$1].bytes }
        let results = UnsafeMutableBufferPointer<Result<ParquetChunkDecoder, StrataError>?>.allocate(capacity: tasks.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        // SAFETY: each task writes only its own result slot and its own rows of the outputs.
        let shared = UncheckedSendable((results, bases))
        options.parallelism.forEach(order.count) { k in
            let t = tasks[order[k]]
            let leaf = leaves[t.leafIndex]
            do {
                let decoder = try decodeChunk(file, meta.rowGroups[t.rowGroup], t, leaf: leaf,
                                              destination: shared.value.1[t.column] + t.rowOffset * leaf.outputWidth)
                shared.value.0[order[k]] = .success(decoder)
            } catch let e as StrataError {
                shared.value.0[order[k]] = .failure(e)
            } catch {
                shared.value.0[order[k]] = .failure(StrataError(.parse, "\(error)"))
            }
        }
        // The first failure in file order, so the error does not depend on the thread count.
        var decoders: [ParquetChunkDecoder] = []
        for r in results {
            switch r! {
            case .success(let d): decoders.append(d)
            case .failure(let e): throw e
            }
        }

        var columns: [Column] = []
        for (c, leafIndex) in selected.enumerated() {
            let leaf = leaves[leafIndex]
            let chunks = stride(from: c, to: decoders.count, by: selected.count).map { decoders[$0] }
            columns.append(assemble(leaf, storages[c], chunks, totalRows: totalRows))
        }
        return try Table(names: selected.map { leaves[$0].name }, columns: columns)
    }

    private static func decodeChunk(_ file: MappedFile, _ group: Parquet.RowGroup, _ t: Task, leaf: ParquetLeaf,
                                    destination: UnsafeMutableRawPointer) throws -> ParquetChunkDecoder {
        let whereText = "row group \(t.rowGroup)"
        func fail(_ message: String, _ kind: StrataError.Kind = .parse) -> StrataError {
            StrataError(kind, "\(whereText): \(message)", file: file.path, column: leaf.name)
        }
        let chunk = group.columns[t.leafIndex]
        guard chunk.filePath == nil else { throw fail("column data in another file ('\(chunk.filePath!)')", .unsupported) }
        guard let meta = chunk.meta else { throw fail("column chunk without metadata") }
        guard meta.type == leaf.physical else { throw fail("chunk type \(meta.type) differs from the schema's \(leaf.physical)") }
        switch meta.codec {
        case .lzo, .brotli: throw fail("compression codec \(meta.codec.name) is not supported (use SNAPPY, GZIP, ZSTD or LZ4_RAW)", .unsupported)
        default: break
        }
        var start = Int(meta.dataPageOffset)
        if let d = meta.dictionaryPageOffset, d > 0, d < start { start = Int(d) }
        let length = Int(meta.totalCompressedSize)
        guard let bytes = file.bytes(start, length), start + length <= file.size - 8 else {
            throw fail("the column chunk (offset \(start), \(length) bytes) lies outside the \(file.size)-byte file: truncated or corrupt")
        }
        let decoder = ParquetChunkDecoder(leaf: leaf, codec: meta.codec, rows: t.rows, destination: destination)
        do {
            try decoder.decode(bytes)
        } catch let e as ParquetDecodeError {
            throw fail(e.reason)
        }
        return decoder
    }

    private static func assemble(_ leaf: ParquetLeaf, _ storage: OutputStorage, _ chunks: [ParquetChunkDecoder], totalRows: Int) -> Column {
        var validity: Validity?
        if chunks.contains(where: { $0.valid != nil }) {
            let builder = ValidityBuilder()
            for chunk in chunks {
                if let v = chunk.valid { v.withUnsafeBufferPointer { builder.append(flags: $0) } } else { builder.appendValid(chunk.rows) }
            }
            validity = builder.finish(count: totalRows)
        }
        switch storage {
        case .bool(let s): return Column(.bool(PrimitiveArray(storage: s)), validity: validity)
        case .float32(let s): return Column(.float32(PrimitiveArray(storage: s)), validity: validity)
        case .float64(let s): return Column(.float64(PrimitiveArray(storage: s)), validity: validity)
        case .int64(let s): return Column(.int64(PrimitiveArray(storage: s)), validity: validity)
        case .timestamp(let s): return Column(.timestamp(PrimitiveArray(storage: s)), validity: validity)
        case .date(let s): return Column(.date(PrimitiveArray(storage: s)), validity: validity)
        case .string(let s):
            if chunks.count == 1 {
                return Column(.string(PrimitiveArray(storage: s), StringDictionary(chunks[0].strings)), validity: validity)
            }
            var builder = StringDictionaryBuilder()
            var row = 0
            for chunk in chunks {
                let map = chunk.strings.map { builder.index(of: $0) }
                let base = s.base + row
                if !map.isEmpty {
                    for i in 0..<chunk.rows { base[i] = map[Int(base[i])] }
                } else {
                    for i in 0..<chunk.rows { base[i] = 0 }
                }
                row += chunk.rows
            }
            return Column(.string(PrimitiveArray(storage: s), builder.finish()), validity: validity)
        }
    }
}

/// A column's output buffer, typed by the Strata type it becomes.
private enum OutputStorage {
    case bool(AlignedStorage<UInt8>)
    case float32(AlignedStorage<Float>)
    case float64(AlignedStorage<Double>)
    case int64(AlignedStorage<Int64>)
    case timestamp(AlignedStorage<Int64>)
    case date(AlignedStorage<Int32>)
    case string(AlignedStorage<Int32>)

    /// `rows` slots, not yet written (mapped pages stay untouched until a chunk fills them).
    init(_ type: DataType, rows: Int) {
        func make<T>(_: T.Type) -> AlignedStorage<T> {
            let s = AlignedStorage<T>(capacity: rows)
            s.count = rows
            return s
        }
        switch type {
        case .bool: self = .bool(make(UInt8.self))
        case .float32: self = .float32(make(Float.self))
        case .float64: self = .float64(make(Double.self))
        case .int64: self = .int64(make(Int64.self))
        case .timestamp: self = .timestamp(make(Int64.self))
        case .date: self = .date(make(Int32.self))
        case .string: self = .string(make(Int32.self))
        }
    }

    var base: UnsafeMutableRawPointer {
        switch self {
        case .bool(let s): return UnsafeMutableRawPointer(s.base)
        case .float32(let s): return UnsafeMutableRawPointer(s.base)
        case .float64(let s): return UnsafeMutableRawPointer(s.base)
        case .int64(let s), .timestamp(let s): return UnsafeMutableRawPointer(s.base)
        case .date(let s), .string(let s): return UnsafeMutableRawPointer(s.base)
        }
    }
}
