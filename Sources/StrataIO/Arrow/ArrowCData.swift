import _CStrataCodecs
import StrataCore
#if canImport(Glibc)
import Glibc
#endif

/// The Arrow C Data Interface (ArrowSchema, ArrowArray) and C Stream Interface
/// (ArrowArrayStream): how other tools hand columns to Strata and take them back without a file.
///
/// Export is zero-copy for values: float, double, int64, date and timestamp columns and string
/// indices point into Strata's own buffers, kept alive until the consumer calls `release`.
/// Validity bitmaps and booleans are repacked into Arrow's bit layout; strings go out as
/// dictionary<int32, utf8>, Strata's own layout. Import borrows the producer's value buffers
/// (float, double, int64, date32, timestamp[us]) when they are 64-byte aligned, and copies
/// otherwise; the producer's `release` runs when the last column using its memory goes.
public enum ArrowCData {
    /// Exports `table` as a struct array (`+s`) whose children are the columns.
    /// `array` and `schema` must point to uninitialized or released structs; the consumer owns
    /// them afterwards and must call their `release`.
    /// - Complexity: O(columns) plus O(rows) for validity bitmaps, booleans and the dictionary text.
    public static func export(_ table: Table, array: UnsafeMutablePointer<ArrowArray>, schema: UnsafeMutablePointer<ArrowSchema>) {
        exportSchema(table.schema, into: schema)
        let box = ExportedArray()
        box.buffers = .allocate(capacity: 1)
        box.buffers[0] = nil  // no struct-level nulls
        box.childCount = table.columnCount
        box.children = .allocate(capacity: max(table.columnCount, 1))
        for (i, column) in table.columns.enumerated() {
            let child = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
            exportColumn(column, into: child)
            box.children![i] = child
        }
        array.pointee = ArrowArray(length: Int64(table.rowCount), null_count: 0, offset: 0, n_buffers: 1,
                                   n_children: Int64(table.columnCount), buffers: UnsafeMutablePointer(mutating: box.constBuffers),
                                   children: box.children, dictionary: nil, release: releaseArray,
                                   private_data: Unmanaged.passRetained(box).toOpaque())
    }

    /// Exports one column (its Arrow type as in `ArrowType.written`, strings as dictionary).
    public static func export(_ column: Column, name: String, array: UnsafeMutablePointer<ArrowArray>, schema: UnsafeMutablePointer<ArrowSchema>) {
        exportField(Field(name, column.type), into: schema)
        exportColumn(column, into: array)
    }

    /// Imports a struct array (`+s`, one column per child) or a single array (one column named
    /// after the schema) and takes ownership: `array.release` is set to nil here and called when
    /// Strata no longer needs the memory. The schema stays the caller's.
    /// - Throws: `StrataError.unsupported` for nested types, `.parse` for malformed arrays.
    public static func importTable(array: UnsafeMutablePointer<ArrowArray>, schema: UnsafeMutablePointer<ArrowSchema>) throws -> Table {
        guard array.pointee.release != nil else { throw StrataError(.invalidConfiguration, "the ArrowArray was already released") }
        let owner = ImportedArray(moving: array)
        let root = owner.array
        let format = String(cString: schema.pointee.format)
        if format == "+s" {
            guard root.pointee.null_count == 0 || root.pointee.n_buffers < 1 || root.pointee.buffers[0] == nil else {
                throw StrataError(.unsupported, "a struct array with null rows cannot be a table")
            }
            let n = Int(schema.pointee.n_children)
            guard Int(root.pointee.n_children) == n else { throw StrataError(.parse, "schema has \(n) children, the array \(root.pointee.n_children)") }
            var names: [String] = [], columns: [Column] = []
            for i in 0..<n {
                let s = schema.pointee.children[i]!, a = root.pointee.children[i]!
                let name = s.pointee.name.map { String(cString: $0) } ?? "column\(i)"
                names.append(name)
                do {
                    columns.append(try importColumn(a, schema: s, parentOffset: Int(root.pointee.offset), rows: Int(root.pointee.length), owner: owner))
                } catch let e as StrataError {
                    var e = e
                    if e.column == nil { e.column = name }
                    throw e
                }
            }
            return try Table(names: names, columns: columns)
        }
        let name = schema.pointee.name.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "column"
        return try Table(names: [name], columns: [importColumn(root, schema: schema, parentOffset: 0, rows: Int(root.pointee.length), owner: owner)])
    }

    /// Exports `table` as a stream of record batches of up to `batchRows` rows.
    public static func exportStream(_ table: Table, batchRows: Int = 1 << 16, into stream: UnsafeMutablePointer<ArrowArrayStream>) {
        let box = ExportedStream(table: table, batchRows: max(batchRows, 1))
        stream.pointee = ArrowArrayStream(
            get_schema: { s, out in
                let box = Unmanaged<ExportedStream>.fromOpaque(s!.pointee.private_data!).takeUnretainedValue()
                ArrowCData.exportSchema(box.table.schema, into: out!)
                return 0
            },
            get_next: { s, out in
                let box = Unmanaged<ExportedStream>.fromOpaque(s!.pointee.private_data!).takeUnretainedValue()
                if box.next >= box.table.rowCount && !(box.table.rowCount == 0 && box.next == 0 && !box.sentEmpty) {
                    out!.pointee.release = nil  // end of stream
                    return 0
                }
                box.sentEmpty = true
                let end = min(box.next + box.batchRows, box.table.rowCount)
                let slice = box.table.slice(box.next..<end)
                box.next = end
                let schema = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
                ArrowCData.export(slice, array: out!, schema: schema)
                schema.pointee.release?(schema)
                schema.deallocate()
                return 0
            },
            get_last_error: { _ in nil },
            release: { s in
                guard let s, s.pointee.release != nil else { return }
                Unmanaged<ExportedStream>.fromOpaque(s.pointee.private_data!).release()
                s.pointee.release = nil
            },
            private_data: Unmanaged.passRetained(box).toOpaque())
    }

    /// Reads a whole stream into one table (its batches concatenated) and releases it.
    public static func importStream(_ stream: UnsafeMutablePointer<ArrowArrayStream>) throws -> Table {
        defer { stream.pointee.release?(stream) }
        func check(_ rc: Int32, _ what: String) throws {
            guard rc == 0 else {
                let detail = stream.pointee.get_last_error?(stream).map { String(cString: $0) } ?? "error \(rc)"
                throw StrataError(.io, "the Arrow stream failed in \(what): \(detail)")
            }
        }
        var schema = ArrowSchema()
        try check(stream.pointee.get_schema(stream, &schema), "get_schema")
        defer { schema.release?(&schema) }
        var batches: [Table] = []
        while true {
            var array = ArrowArray()
            try check(stream.pointee.get_next(stream, &array), "get_next")
            if array.release == nil { break }
            batches.append(try importTable(array: &array, schema: &schema))
        }
        if batches.isEmpty {
            // No batch: the schema's columns, no rows.
            return try emptyTable(&schema)
        }
        return try Table.concatenate(batches)
    }

    // MARK: Export internals

    final class ExportedArray {
        var columns: [Column] = []
        var allocations: [UnsafeMutableRawPointer] = []
        var buffers: UnsafeMutablePointer<UnsafeRawPointer?> = .allocate(capacity: 3)
        var children: UnsafeMutablePointer<UnsafeMutablePointer<ArrowArray>?>?
        var childCount = 0
        var dictionary: UnsafeMutablePointer<ArrowArray>?

        var constBuffers: UnsafeMutablePointer<UnsafeRawPointer?> { buffers }

        func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
            p.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 64))
            allocations.append(p)
            return p
        }

        deinit {
            for p in allocations { p.deallocate() }
            buffers.deallocate()
            children?.deallocate()
        }
    }

    final class ExportedSchema {
        var strings: [UnsafeMutablePointer<CChar>] = []
        var children: UnsafeMutablePointer<UnsafeMutablePointer<ArrowSchema>?>?
        var dictionary: UnsafeMutablePointer<ArrowSchema>?

        func cString(_ s: String) -> UnsafePointer<CChar> {
            let p = strdup(s)!
            strings.append(p)
            return UnsafePointer(p)
        }

        deinit {
            for p in strings { free(p) }
            children?.deallocate()
        }
    }

    final class ExportedStream {
        let table: Table
        let batchRows: Int
        var next = 0
        var sentEmpty = false
        init(table: Table, batchRows: Int) { self.table = table; self.batchRows = batchRows }
    }

    static let releaseArray: @convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void = { a in
        guard let a, a.pointee.release != nil else { return }
        for i in 0..<Int(a.pointee.n_children) {
            if let c = a.pointee.children[i] {
                c.pointee.release?(c)
                c.deallocate()
            }
        }
        if let d = a.pointee.dictionary {
            d.pointee.release?(d)
            d.deallocate()
        }
        Unmanaged<ExportedArray>.fromOpaque(a.pointee.private_data!).release()
        a.pointee.release = nil
    }

    static let releaseSchema: @convention(c) (UnsafeMutablePointer<ArrowSchema>?) -> Void = { s in
        guard let s, s.pointee.release != nil else { return }
        for i in 0..<Int(s.pointee.n_children) {
            if let c = s.pointee.children[i] {
                c.pointee.release?(c)
                c.deallocate()
            }
        }
        if let d = s.pointee.dictionary {
            d.pointee.release?(d)
            d.deallocate()
        }
        Unmanaged<ExportedSchema>.fromOpaque(s.pointee.private_data!).release()
        s.pointee.release = nil
    }

    static func formatString(_ type: DataType) -> String {
        switch type {
        case .float32: return "f"
        case .float64: return "g"
        case .int64: return "l"
        case .bool: return "b"
        case .string: return "i"  // int32 indices into a utf8 dictionary
        case .date: return "tdD"
        case .timestamp: return "tsu:UTC"
        }
    }

    static func exportSchema(_ schema: Schema, into out: UnsafeMutablePointer<ArrowSchema>) {
        let box = ExportedSchema()
        box.children = .allocate(capacity: max(schema.fields.count, 1))
        for (i, f) in schema.fields.enumerated() {
            let child = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
            exportField(f, into: child)
            box.children![i] = child
        }
        out.pointee = ArrowSchema(format: box.cString("+s"), name: box.cString(""), metadata: nil, flags: 0,
                                  n_children: Int64(schema.fields.count), children: box.children, dictionary: nil,
                                  release: releaseSchema, private_data: Unmanaged.passRetained(box).toOpaque())
    }

    static func exportField(_ field: Field, into out: UnsafeMutablePointer<ArrowSchema>) {
        let box = ExportedSchema()
        if field.type == .string {
            let d = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
            let dbox = ExportedSchema()
            d.pointee = ArrowSchema(format: dbox.cString("u"), name: nil, metadata: nil, flags: Int64(ARROW_FLAG_NULLABLE),
                                    n_children: 0, children: nil, dictionary: nil, release: releaseSchema,
                                    private_data: Unmanaged.passRetained(dbox).toOpaque())
            box.dictionary = d
        }
        out.pointee = ArrowSchema(format: box.cString(formatString(field.type)), name: box.cString(field.name), metadata: nil,
                                  flags: Int64(ARROW_FLAG_NULLABLE), n_children: 0, children: nil, dictionary: box.dictionary,
                                  release: releaseSchema, private_data: Unmanaged.passRetained(box).toOpaque())
    }

    static func exportColumn(_ column: Column, into out: UnsafeMutablePointer<ArrowArray>) {
        let box = ExportedArray()
        box.columns = [column]
        let n = column.count
        var validity: UnsafeRawPointer?
        if column.nullCount > 0 {
            let bits = box.allocate((n + 7) / 8).assumingMemoryBound(to: UInt8.self)
            for i in 0..<n where column.isValid(i) { bits[i >> 3] |= 1 << UInt8(i & 7) }
            validity = UnsafeRawPointer(bits)
        }
        // SAFETY: a finished column's storage never moves or changes, and `box.columns` keeps it
        // alive until the consumer releases the array, so its base address may leave the closure.
        func values<T>(_ a: PrimitiveArray<T>) -> UnsafeRawPointer {
            a.withUnsafeBufferPointer { $0.baseAddress.map { UnsafeRawPointer($0) } } ?? UnsafeRawPointer(box.allocate(8))
        }
        box.buffers[0] = validity
        switch column.values {
        case .float32(let a): box.buffers[1] = values(a)
        case .float64(let a): box.buffers[1] = values(a)
        case .int64(let a), .timestamp(let a): box.buffers[1] = values(a)
        case .date(let a): box.buffers[1] = values(a)
        case .bool(let a):
            let bits = box.allocate((n + 7) / 8).assumingMemoryBound(to: UInt8.self)
            for i in 0..<n where a[i] != 0 { bits[i >> 3] |= 1 << UInt8(i & 7) }
            box.buffers[1] = UnsafeRawPointer(bits)
        case .string(let idx, let dict):
            box.buffers[1] = values(idx)
            if n > 0, column.nullCount > 0 {
                // Null slots may hold any index; keep them inside the dictionary for consumers
                // that look before checking validity.
                var anyOutside = false
                for i in 0..<n where !column.isValid(i) && (idx[i] < 0 || Int(idx[i]) >= dict.count) { anyOutside = true; break }
                if anyOutside {
                    let copy = box.allocate(4 * n).assumingMemoryBound(to: Int32.self)
                    for i in 0..<n { copy[i] = column.isValid(i) ? idx[i] : 0 }
                    box.buffers[1] = UnsafeRawPointer(copy)
                }
            }
            box.dictionary = exportDictionary(dict.values)
        }
        out.pointee = ArrowArray(length: Int64(n), null_count: Int64(column.nullCount), offset: 0, n_buffers: 2, n_children: 0,
                                 buffers: UnsafeMutablePointer(mutating: box.constBuffers), children: nil, dictionary: box.dictionary,
                                 release: releaseArray, private_data: Unmanaged.passRetained(box).toOpaque())
    }

    static func exportDictionary(_ values: [String]) -> UnsafeMutablePointer<ArrowArray> {
        let box = ExportedArray()
        let total = values.reduce(0) { $0 + $1.utf8.count }
        let offsets = box.allocate(4 * (values.count + 1)).assumingMemoryBound(to: Int32.self)
        let data = box.allocate(total).assumingMemoryBound(to: UInt8.self)
        var at = 0
        for (i, v) in values.enumerated() {
            offsets[i] = Int32(at)
            for b in v.utf8 { data[at] = b; at += 1 }
        }
        offsets[values.count] = Int32(at)
        box.buffers[0] = nil
        box.buffers[1] = UnsafeRawPointer(offsets)
        box.buffers[2] = UnsafeRawPointer(data)
        let d = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        d.pointee = ArrowArray(length: Int64(values.count), null_count: 0, offset: 0, n_buffers: 3, n_children: 0,
                               buffers: UnsafeMutablePointer(mutating: box.constBuffers), children: nil, dictionary: nil,
                               release: releaseArray, private_data: Unmanaged.passRetained(box).toOpaque())
        return d
    }

    // MARK: Import internals

    /// A moved ArrowArray, released when the last borrowing column goes.
    final class ImportedArray {
        let array: UnsafeMutablePointer<ArrowArray>
        init(moving source: UnsafeMutablePointer<ArrowArray>) {
            array = .allocate(capacity: 1)
            array.pointee = source.pointee
            source.pointee.release = nil  // moved: the source no longer owns it
        }
        deinit {
            array.pointee.release?(array)
            array.deallocate()
        }
    }

    static func parseFormat(_ format: String, dictionary: UnsafeMutablePointer<ArrowSchema>?) throws -> ArrowType {
        let base: ArrowType
        switch format {
        case "n": base = .null
        case "b": base = .bool
        case "c": base = .int(bits: 8, signed: true)
        case "C": base = .int(bits: 8, signed: false)
        case "s": base = .int(bits: 16, signed: true)
        case "S": base = .int(bits: 16, signed: false)
        case "i": base = .int(bits: 32, signed: true)
        case "I": base = .int(bits: 32, signed: false)
        case "l": base = .int(bits: 64, signed: true)
        case "L": base = .int(bits: 64, signed: false)
        case "e": base = .float(bits: 16)
        case "f": base = .float(bits: 32)
        case "g": base = .float(bits: 64)
        case "z": base = .binary
        case "Z": base = .largeBinary
        case "u": base = .utf8
        case "U": base = .largeUtf8
        case "tdD": base = .date32
        case "tdm": base = .date64
        case "tts", "ttm": base = .time(bits: 32)
        case "ttu", "ttn": base = .time(bits: 64)
        default:
            if format.hasPrefix("ts") && format.count >= 4 {
                let unit = format[format.index(format.startIndex, offsetBy: 2)]
                let perSecond: Int64 = unit == "s" ? 1 : unit == "m" ? 1_000 : unit == "u" ? 1_000_000 : 1_000_000_000
                let zone = String(format.dropFirst(4))
                base = .timestamp(unitsPerSecond: perSecond, timezone: zone.isEmpty ? nil : zone)
            } else if format.hasPrefix("tD") {
                base = .duration
            } else if format.hasPrefix("w:"), let w = Int(format.dropFirst(2)), w > 0, w <= 1 << 20 {
                base = .fixedSizeBinary(w)
            } else if format.hasPrefix("d:") {
                let parts = format.dropFirst(2).split(separator: ",").compactMap { Int($0) }
                guard parts.count >= 2 else { throw StrataError(.parse, "malformed decimal format '\(format)'") }
                let bits = parts.count > 2 ? parts[2] : 128
                guard bits == 128 || bits == 256 else { throw StrataError(.unsupported, "decimal of \(bits) bits") }
                base = .decimal(precision: parts[0], scale: parts[1], bits: bits)
            } else {
                throw StrataError(.unsupported, "Arrow format '\(format)' is not supported (Strata takes flat columns)")
            }
        }
        guard let dictionary else { return base }
        guard case .int = base else { throw StrataError(.parse, "dictionary indices of type '\(format)'") }
        let value = try parseFormat(String(cString: dictionary.pointee.format), dictionary: nil)
        guard value.isText else { throw StrataError(.unsupported, "dictionaries of non-string values") }
        return .dictionary(id: 0, index: base, value: value)
    }

    static func importColumn(_ a: UnsafeMutablePointer<ArrowArray>, schema s: UnsafeMutablePointer<ArrowSchema>,
                             parentOffset: Int, rows: Int, owner: ImportedArray) throws -> Column {
        let type = try parseFormat(String(cString: s.pointee.format), dictionary: s.pointee.dictionary)
        let offset = Int(a.pointee.offset) + parentOffset
        guard Int(a.pointee.length) >= rows + parentOffset - parentOffset, a.pointee.length >= 0 else {
            throw StrataError(.parse, "a child array of \(a.pointee.length) rows in a table of \(rows)")
        }
        let n = rows
        let nBuffers = Int(a.pointee.n_buffers)
        guard nBuffers >= type.bufferCount else { throw StrataError(.parse, "\(nBuffers) buffers, the type needs \(type.bufferCount)") }
        // Zero-copy: fixed-width values Strata stores in the same layout, 64-byte aligned.
        let width = type.byteWidth
        let direct: DataType?
        switch type {
        case .float(32): direct = .float32
        case .float(64): direct = .float64
        case .int(64, true): direct = .int64
        case .date32: direct = .date
        case .timestamp(1_000_000, _): direct = .timestamp
        default: direct = nil
        }
        if let direct, let raw = a.pointee.buffers[1], Int(bitPattern: raw + offset * width) % storageAlignment == 0 {
            var validity: Validity?
            if a.pointee.null_count != 0, let bits = a.pointee.buffers[0] {
                let b = bits.assumingMemoryBound(to: UInt8.self)
                let builder = ValidityBuilder()
                for i in 0..<n { let bit = offset + i; builder.append(b[bit >> 3] & (1 << UInt8(bit & 7)) != 0) }
                validity = builder.finish(count: n)
            }
            let p = UnsafeMutableRawPointer(mutating: raw + offset * width)
            func borrow<T>(_: T.Type) -> PrimitiveArray<T> {
                PrimitiveArray(storage: AlignedStorage(borrowing: p.assumingMemoryBound(to: T.self), count: n, owner: owner))
            }
            switch direct {
            case .float32: return Column(.float32(borrow(Float.self)), validity: validity)
            case .float64: return Column(.float64(borrow(Double.self)), validity: validity)
            case .int64: return Column(.int64(borrow(Int64.self)), validity: validity)
            case .date: return Column(.date(borrow(Int32.self)), validity: validity)
            default: return Column(.timestamp(borrow(Int64.self)), validity: validity)
            }
        }
        // Copy, converting. Buffer sizes are not part of the C interface: trust the lengths.
        var dictionary: [String]?
        if case .dictionary(_, _, let value) = type, let d = a.pointee.dictionary {
            let builder = ColumnBuilder(type: .string)
            try append(d, type: value, rows: Int(d.pointee.length), offset: Int(d.pointee.offset), dictionary: nil, to: builder)
            let column = builder.finish()
            dictionary = (0..<column.count).map { column.stringValue(at: $0) ?? "" }
        }
        let builder = ColumnBuilder(type: type.strataType!)
        try append(a, type: type, rows: n, offset: offset, dictionary: dictionary, to: builder)
        return builder.finish()
    }

    private static func append(_ a: UnsafeMutablePointer<ArrowArray>, type: ArrowType, rows: Int, offset: Int,
                               dictionary: [String]?, to builder: ColumnBuilder) throws {
        let count = type.bufferCount
        var buffers: [UnsafeRawBufferPointer?] = []
        for i in 0..<count {
            guard let p = a.pointee.buffers[i] else { buffers.append(nil); continue }
            // The C interface carries no buffer sizes: the largest size the layout allows.
            buffers.append(UnsafeRawBufferPointer(start: p, count: 1 << 48))
        }
        do {
            try ArrowColumnDecoder.append(.init(length: rows, nullCount: Int(a.pointee.null_count), buffers: buffers, offset: offset),
                                          type: type, dictionary: dictionary, to: builder)
        } catch let e as ArrowColumnDecoder.Failure {
            throw StrataError(.parse, e.reason)
        }
    }

    /// A table with the schema's columns and no rows.
    private static func emptyTable(_ schema: UnsafeMutablePointer<ArrowSchema>) throws -> Table {
        let fields = try (0..<Int(schema.pointee.n_children)).map { i -> Field in
            let c = schema.pointee.children[i]!
            let t = try parseFormat(String(cString: c.pointee.format), dictionary: c.pointee.dictionary)
            guard let type = t.strataType else { throw StrataError(.unsupported, "Arrow type \(t) is not supported") }
            return Field(c.pointee.name.map { String(cString: $0) } ?? "column\(i)", type)
        }
        return try Table(names: fields.map(\.name), columns: fields.map { ColumnBuilder(type: $0.type).finish() })
    }
}
