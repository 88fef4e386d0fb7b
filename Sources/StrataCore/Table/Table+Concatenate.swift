extension Table {
    /// Rows of tables with the same schema, one after another.
    /// - Throws: `StrataError.typeMismatch` when the tables' column types differ, `.invalidConfiguration` for no tables.
    /// - Complexity: O(total rows × columns).
    public static func concatenate(_ tables: [Table]) throws -> Table {
        guard let first = tables.first else { throw StrataError(.invalidConfiguration, "nothing to concatenate") }
        if tables.count == 1 { return first }
        var columns: [Column] = []
        for (k, field) in first.schema.fields.enumerated() {
            let builder = ColumnBuilder(type: field.type)
            for t in tables {
                guard t.schema.fields[k].type == field.type else { throw StrataError(.typeMismatch, "batches disagree on the type of '\(field.name)'", column: field.name) }
                let c = t.columns[k]
                let nulls = (0..<c.count).filter { !c.isValid($0) }
                switch c.values {
                case .float32(let a): a.withUnsafeBufferPointer { builder.appendRaw(UnsafeRawPointer($0.baseAddress ?? UnsafePointer(bitPattern: 64)!), count: c.count, sourceType: .float32, nullRows: nulls) }
                case .float64(let a): a.withUnsafeBufferPointer { builder.appendRaw(UnsafeRawPointer($0.baseAddress ?? UnsafePointer(bitPattern: 64)!), count: c.count, sourceType: .float64, nullRows: nulls) }
                case .int64(let a): a.withUnsafeBufferPointer { builder.appendRaw(UnsafeRawPointer($0.baseAddress ?? UnsafePointer(bitPattern: 64)!), count: c.count, sourceType: .int64, nullRows: nulls) }
                case .timestamp(let a): a.withUnsafeBufferPointer { builder.appendRaw(UnsafeRawPointer($0.baseAddress ?? UnsafePointer(bitPattern: 64)!), count: c.count, sourceType: .timestamp, nullRows: nulls) }
                case .date(let a): a.withUnsafeBufferPointer { builder.appendRaw(UnsafeRawPointer($0.baseAddress ?? UnsafePointer(bitPattern: 64)!), count: c.count, sourceType: .date, nullRows: nulls) }
                case .bool(let a): a.withUnsafeBufferPointer { builder.appendRaw(UnsafeRawPointer($0.baseAddress ?? UnsafePointer(bitPattern: 64)!), count: c.count, sourceType: .bool, nullRows: nulls) }
                case .string(let idx, let dict):
                    let safe = (0..<c.count).map { c.isValid($0) ? idx[$0] : 0 }
                    safe.withUnsafeBufferPointer { builder.appendStrings(indices: $0.baseAddress ?? UnsafePointer(bitPattern: 64)!, count: c.count, dictionary: dict.values, nullRows: nulls) }
                }
            }
            columns.append(builder.finish())
        }
        return try Table(names: first.schema.names, columns: columns)
    }
}
