import StrataCore

/// How one leaf column of a flat Parquet schema maps onto a Strata column.
///
/// | Parquet (physical / logical)                 | Strata      |
/// |----------------------------------------------|-------------|
/// | BOOLEAN                                      | `bool`      |
/// | INT32, INT64 (any integer annotation)        | `int64` (UINT_64 → `float64`) |
/// | INT32 DATE                                   | `date`      |
/// | INT64 TIMESTAMP(ms/µs/ns), INT96             | `timestamp` (µs; ns floored) |
/// | FLOAT / DOUBLE (FLBA(2) FLOAT16 → `float32`) | `float32` / `float64` |
/// | DECIMAL (INT32, INT64, BYTE_ARRAY, FLBA)     | `float64` (unscaled / 10^scale) |
/// | BYTE_ARRAY (STRING, ENUM, JSON or none)      | `string`    |
/// | FIXED_LEN_BYTE_ARRAY (UUID: 8-4-4-4-12 hex, other: hex) | `string` |
struct ParquetLeaf {
    enum Conversion: Equatable {
        case copy                    // same width, same bits
        case widenInt32(signed: Bool)
        case timestamp(multiply: Int64, divide: Int64)
        case int96
        case decimal(scale: Int32)   // from INT32, INT64 or big-endian bytes
        case float16
        case string, hex, uuid
        case unsignedInt64
    }

    let name: String
    let physical: Parquet.PhysicalType
    let typeLength: Int
    let logical: Parquet.Logical
    let maxDefinition: Int
    let output: DataType
    let conversion: Conversion

    /// Bytes per value in Parquet's PLAIN encoding (0 for BYTE_ARRAY, 1 for BOOLEAN as decoded).
    var physicalWidth: Int {
        switch physical {
        case .boolean: return 1
        case .int32, .float: return 4
        case .int64, .double: return 8
        case .int96: return 12
        case .byteArray: return 0
        case .fixedLenByteArray: return typeLength
        }
    }

    /// Bytes per value in the Strata column.
    var outputWidth: Int {
        switch output {
        case .bool: return 1
        case .float32, .string, .date: return 4
        case .float64, .int64, .timestamp: return 8
        }
    }

    /// The bits of a null slot (NaN for floats, as the CSV reader does; zero otherwise).
    var nullFill: [UInt8] {
        switch output {
        case .float32: return withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { Array($0) }
        case .float64: return withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { Array($0) }
        default: return [UInt8](repeating: 0, count: outputWidth)
        }
    }

    /// The leaves of a flat schema, in file order.
    /// - Throws: `.unsupported` for nested or repeated fields, naming the field.
    static func leaves(of schema: [Parquet.SchemaElement], file: String) throws -> [ParquetLeaf] {
        guard let root = schema.first else { throw StrataError(.parse, "the footer has an empty schema", file: file) }
        let declared = Int(root.numChildren ?? 0)
        guard declared == schema.count - 1 else {
            let nested = schema.dropFirst().first(where: { ($0.numChildren ?? 0) > 0 }).map(\.name) ?? "?"
            throw StrataError(.unsupported, "nested schemas are not supported (field '\(nested)' is a group); Strata reads flat tables", file: file, column: nested)
        }
        return try schema.dropFirst().map { e in
            if (e.numChildren ?? 0) > 0 || e.type == nil {
                throw StrataError(.unsupported, "nested schemas are not supported (field '\(e.name)' is a group)", file: file, column: e.name)
            }
            if e.repetition == .repeated {
                throw StrataError(.unsupported, "repeated fields (lists) are not supported", file: file, column: e.name)
            }
            return try ParquetLeaf(e, file: file)
        }
    }

    init(_ e: Parquet.SchemaElement, file: String) throws {
        name = e.name
        physical = e.type!
        typeLength = Int(e.typeLength ?? 0)
        logical = e.logical
        maxDefinition = e.repetition == .required ? 0 : 1
        func unsupported(_ what: String) -> StrataError {
            StrataError(.unsupported, "\(what) is not supported", file: file, column: e.name)
        }
        switch (physical, logical) {
        case (.boolean, _): output = .bool; conversion = .copy
        case (.int32, .date): output = .date; conversion = .copy
        case (.int32, .decimal(let s, _)), (.int64, .decimal(let s, _)): output = .float64; conversion = .decimal(scale: s)
        case (.int32, .integer(let bits, let signed)): output = .int64; conversion = .widenInt32(signed: signed || bits < 32)
        case (.int32, _): output = .int64; conversion = .widenInt32(signed: true)
        case (.int64, .timestamp(let unit)):
            output = .timestamp
            switch unit {
            case .millis: conversion = .timestamp(multiply: 1000, divide: 1)
            case .micros: conversion = .copy
            case .nanos: conversion = .timestamp(multiply: 1, divide: 1000)
            }
        case (.int64, .integer(64, false)): output = .float64; conversion = .unsignedInt64
        case (.int64, _): output = .int64; conversion = .copy
        case (.int96, _): output = .timestamp; conversion = .int96
        case (.float, _): output = .float32; conversion = .copy
        case (.double, _): output = .float64; conversion = .copy
        case (.byteArray, .decimal(let s, _)), (.fixedLenByteArray, .decimal(let s, _)):
            output = .float64; conversion = .decimal(scale: s)
        case (.byteArray, _): output = .string; conversion = .string
        case (.fixedLenByteArray, .other("FLOAT16")):
            guard typeLength == 2 else { throw unsupported("FLOAT16 of \(typeLength) bytes") }
            output = .float32; conversion = .float16
        case (.fixedLenByteArray, .other("UUID")):
            guard typeLength == 16 else { throw unsupported("UUID of \(typeLength) bytes") }
            output = .string; conversion = .uuid
        case (.fixedLenByteArray, _):
            guard typeLength > 0 else { throw StrataError(.parse, "FIXED_LEN_BYTE_ARRAY without a length", file: file, column: e.name) }
            output = .string; conversion = .hex
        }
    }
}
