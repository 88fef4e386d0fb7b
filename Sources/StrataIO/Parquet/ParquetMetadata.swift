/// Parquet's file metadata (parquet.thrift), the parts Strata reads and writes.
///
/// Field numbers follow parquet-format's `parquet.thrift`; unknown fields are skipped, so files
/// from newer writers still read.
enum Parquet {
    static let magic: [UInt8] = Array("PAR1".utf8)

    enum PhysicalType: Int32 {
        case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
    }

    enum Repetition: Int32 { case required = 0, optional = 1, repeated = 2 }

    enum Encoding: Int32 {
        case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
        case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
    }

    enum Codec: Int32 {
        case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7
        var name: String {
            switch self {
            case .uncompressed: return "UNCOMPRESSED"
            case .snappy: return "SNAPPY"
            case .gzip: return "GZIP"
            case .lzo: return "LZO"
            case .brotli: return "BROTLI"
            case .lz4: return "LZ4"
            case .zstd: return "ZSTD"
            case .lz4Raw: return "LZ4_RAW"
            }
        }
    }

    enum PageType: Int32 { case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3 }

    enum TimeUnit { case millis, micros, nanos }

    /// The logical (or legacy converted) type of a leaf, as far as Strata maps it.
    enum Logical: Equatable {
        case none, string, date, timestamp(TimeUnit), decimal(scale: Int32, precision: Int32)
        case integer(bits: Int, signed: Bool), other(String)
    }

    struct SchemaElement {
        var type: PhysicalType?
        var typeLength: Int32?
        var repetition: Repetition?
        var name = ""
        var numChildren: Int32?
        var convertedType: Int32?
        var scale: Int32?
        var precision: Int32?
        var logical: Logical = .none
    }

    struct Statistics {
        var min: [UInt8]?
        var max: [UInt8]?
        var nullCount: Int64?
    }

    struct ColumnMetaData {
        var type: PhysicalType = .int32
        var encodings: [Int32] = []
        var path: [String] = []
        var codec: Codec = .uncompressed
        var numValues: Int64 = 0
        var totalUncompressedSize: Int64 = 0
        var totalCompressedSize: Int64 = 0
        var dataPageOffset: Int64 = 0
        var dictionaryPageOffset: Int64?
        var statistics: Statistics?
    }

    struct ColumnChunk {
        var filePath: String?
        var fileOffset: Int64 = 0
        var meta: ColumnMetaData?
    }

    struct RowGroup {
        var columns: [ColumnChunk] = []
        var totalByteSize: Int64 = 0
        var numRows: Int64 = 0
    }

    struct FileMetaData {
        var version: Int32 = 1
        var schema: [SchemaElement] = []
        var numRows: Int64 = 0
        var rowGroups: [RowGroup] = []
        var keyValue: [(String, String)] = []
        var createdBy: String?
    }

    struct DataPageHeader {
        var numValues: Int32 = 0
        var encoding: Int32 = 0
        var definitionLevelEncoding: Int32 = 3
        var repetitionLevelEncoding: Int32 = 3
    }

    struct DataPageHeaderV2 {
        var numValues: Int32 = 0
        var numNulls: Int32 = 0
        var numRows: Int32 = 0
        var encoding: Int32 = 0
        var definitionLevelsByteLength: Int32 = 0
        var repetitionLevelsByteLength: Int32 = 0
        var isCompressed = true
    }

    struct DictionaryPageHeader {
        var numValues: Int32 = 0
        var encoding: Int32 = 0
    }

    struct PageHeader {
        var type: Int32 = 0
        var uncompressedSize: Int32 = 0
        var compressedSize: Int32 = 0
        var dataPage: DataPageHeader?
        var dictionaryPage: DictionaryPageHeader?
        var dataPageV2: DataPageHeaderV2?
    }
}

// MARK: - Decoding

extension Parquet.FileMetaData {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        var m = self
        try r.readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32): m.version = try r.i32()
            case (2, .list): m.schema = try r.list { try Parquet.SchemaElement(thrift: &$0) }
            case (3, .i64): m.numRows = try r.i64()
            case (4, .list): m.rowGroups = try r.list { try Parquet.RowGroup(thrift: &$0) }
            case (5, .list):
                m.keyValue = try r.list { r in
                    var k = "", v = ""
                    try r.readStruct { r, id, t in
                        switch (id, t) {
                        case (1, .binary): k = try r.string()
                        case (2, .binary): v = try r.string()
                        default: try r.skip(t)
                        }
                    }
                    return (k, v)
                }
            case (6, .binary): m.createdBy = try r.string()
            default: try r.skip(t)
            }
        }
        self = m
    }
}

extension Parquet.SchemaElement {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        var e = self
        try r.readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32):
                let v = try r.i32()
                guard let p = Parquet.PhysicalType(rawValue: v) else { throw ThriftCompactReader.Malformed(reason: "unknown physical type \(v)") }
                e.type = p
            case (2, .i32): e.typeLength = try r.i32()
            case (3, .i32): e.repetition = Parquet.Repetition(rawValue: try r.i32())
            case (4, .binary): e.name = try r.string()
            case (5, .i32): e.numChildren = try r.i32()
            case (6, .i32): e.convertedType = try r.i32()
            case (7, .i32): e.scale = try r.i32()
            case (8, .i32): e.precision = try r.i32()
            case (10, .structure): e.logical = try Parquet.Logical(thrift: &r)
            default: try r.skip(t)
            }
        }
        // Legacy converted types, when no logical type says otherwise.
        if e.logical == .none, let c = e.convertedType {
            switch c {
            case 0: e.logical = .string
            case 5: e.logical = .decimal(scale: e.scale ?? 0, precision: e.precision ?? 0)
            case 6: e.logical = .date
            case 9: e.logical = .timestamp(.millis)
            case 10: e.logical = .timestamp(.micros)
            case 11: e.logical = .integer(bits: 8, signed: false)
            case 12: e.logical = .integer(bits: 16, signed: false)
            case 13: e.logical = .integer(bits: 32, signed: false)
            case 14: e.logical = .integer(bits: 64, signed: false)
            case 15: e.logical = .integer(bits: 8, signed: true)
            case 16: e.logical = .integer(bits: 16, signed: true)
            case 17: e.logical = .integer(bits: 32, signed: true)
            case 18: e.logical = .integer(bits: 64, signed: true)
            case 4, 19: e.logical = .string  // ENUM, JSON: text
            case 1, 2, 3: e.logical = .other(["MAP", "MAP_KEY_VALUE", "LIST"][Int(c) - 1])
            default: break
            }
        }
        self = e
    }
}

extension Parquet.Logical {
    init(thrift r: inout ThriftCompactReader) throws {
        var l = Parquet.Logical.none
        try r.readStruct { r, id, t in
            switch (id, t) {
            case (1, .structure), (4, .structure), (12, .structure): try r.skip(t); l = .string  // STRING, ENUM, JSON
            case (2, .structure): try r.skip(t); l = .other("MAP")
            case (3, .structure): try r.skip(t); l = .other("LIST")
            case (5, .structure):
                var scale: Int32 = 0, precision: Int32 = 0
                try r.readStruct { r, id, t in
                    switch (id, t) {
                    case (1, .i32): scale = try r.i32()
                    case (2, .i32): precision = try r.i32()
                    default: try r.skip(t)
                    }
                }
                l = .decimal(scale: scale, precision: precision)
            case (6, .structure): try r.skip(t); l = .date
            case (7, .structure): try r.skip(t); l = .other("TIME")
            case (8, .structure):
                var unit = Parquet.TimeUnit.micros
                try r.readStruct { r, id, t in
                    if id == 2, t == .structure {
                        try r.readStruct { r, id, t in
                            switch id {
                            case 1: unit = .millis
                            case 2: unit = .micros
                            case 3: unit = .nanos
                            default: break
                            }
                            try r.skip(t)
                        }
                    } else { try r.skip(t) }
                }
                l = .timestamp(unit)
            case (10, .structure):
                var bits = 64, signed = true
                try r.readStruct { r, id, t in
                    switch (id, t) {
                    case (1, .byte): bits = Int(Int8(bitPattern: UInt8(truncatingIfNeeded: try r.rawByte())))
                    case (2, .boolTrue), (2, .boolFalse): signed = try r.bool()
                    default: try r.skip(t)
                    }
                }
                l = .integer(bits: bits, signed: signed)
            case (14, .structure): try r.skip(t); l = .other("UUID")
            case (15, .structure): try r.skip(t); l = .other("FLOAT16")
            default: try r.skip(t)
            }
        }
        self = l
    }
}

extension Parquet.RowGroup {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        var g = self
        try r.readStruct { r, id, t in
            switch (id, t) {
            case (1, .list): g.columns = try r.list { try Parquet.ColumnChunk(thrift: &$0) }
            case (2, .i64): g.totalByteSize = try r.i64()
            case (3, .i64): g.numRows = try r.i64()
            default: try r.skip(t)
            }
        }
        self = g
    }
}

extension Parquet.ColumnChunk {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        var c = self
        try r.readStruct { r, id, t in
            switch (id, t) {
            case (1, .binary): c.filePath = try r.string()
            case (2, .i64): c.fileOffset = try r.i64()
            case (3, .structure): c.meta = try Parquet.ColumnMetaData(thrift: &r)
            default: try r.skip(t)
            }
        }
        self = c
    }
}

extension Parquet.ColumnMetaData {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        var m = self
        try r.readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32):
                let v = try r.i32()
                guard let p = Parquet.PhysicalType(rawValue: v) else { throw ThriftCompactReader.Malformed(reason: "unknown physical type \(v)") }
                m.type = p
            case (2, .list): m.encodings = try r.list { try $0.i32() }
            case (3, .list): m.path = try r.list { try $0.string() }
            case (4, .i32):
                let v = try r.i32()
                guard let c = Parquet.Codec(rawValue: v) else { throw ThriftCompactReader.Malformed(reason: "unknown compression codec \(v)") }
                m.codec = c
            case (5, .i64): m.numValues = try r.i64()
            case (6, .i64): m.totalUncompressedSize = try r.i64()
            case (7, .i64): m.totalCompressedSize = try r.i64()
            case (9, .i64): m.dataPageOffset = try r.i64()
            case (11, .i64): m.dictionaryPageOffset = try r.i64()
            case (12, .structure): m.statistics = try Parquet.Statistics(thrift: &r)
            default: try r.skip(t)
            }
        }
        self = m
    }
}

extension Parquet.Statistics {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        var s = self
        var legacyMin: [UInt8]?, legacyMax: [UInt8]?
        try r.readStruct { r, id, t in
            switch (id, t) {
            case (1, .binary): legacyMax = try r.binary()
            case (2, .binary): legacyMin = try r.binary()
            case (3, .i64): s.nullCount = try r.i64()
            case (5, .binary): s.max = try r.binary()
            case (6, .binary): s.min = try r.binary()
            default: try r.skip(t)
            }
        }
        if s.min == nil { s.min = legacyMin }
        if s.max == nil { s.max = legacyMax }
        self = s
    }
}

extension Parquet.PageHeader {
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        var h = self
        try r.readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32): h.type = try r.i32()
            case (2, .i32): h.uncompressedSize = try r.i32()
            case (3, .i32): h.compressedSize = try r.i32()
            case (5, .structure):
                var d = Parquet.DataPageHeader()
                try r.readStruct { r, id, t in
                    switch (id, t) {
                    case (1, .i32): d.numValues = try r.i32()
                    case (2, .i32): d.encoding = try r.i32()
                    case (3, .i32): d.definitionLevelEncoding = try r.i32()
                    case (4, .i32): d.repetitionLevelEncoding = try r.i32()
                    default: try r.skip(t)
                    }
                }
                h.dataPage = d
            case (7, .structure):
                var d = Parquet.DictionaryPageHeader()
                try r.readStruct { r, id, t in
                    switch (id, t) {
                    case (1, .i32): d.numValues = try r.i32()
                    case (2, .i32): d.encoding = try r.i32()
                    default: try r.skip(t)
                    }
                }
                h.dictionaryPage = d
            case (8, .structure):
                var d = Parquet.DataPageHeaderV2()
                try r.readStruct { r, id, t in
                    switch (id, t) {
                    case (1, .i32): d.numValues = try r.i32()
                    case (2, .i32): d.numNulls = try r.i32()
                    case (3, .i32): d.numRows = try r.i32()
                    case (4, .i32): d.encoding = try r.i32()
                    case (5, .i32): d.definitionLevelsByteLength = try r.i32()
                    case (6, .i32): d.repetitionLevelsByteLength = try r.i32()
                    case (7, .boolTrue), (7, .boolFalse): d.isCompressed = try r.bool()
                    default: try r.skip(t)
                    }
                }
                h.dataPageV2 = d
            default: try r.skip(t)
            }
        }
        self = h
    }
}
