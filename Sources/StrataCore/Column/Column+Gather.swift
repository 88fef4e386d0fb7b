extension Column {
    /// A new column holding rows `rows` of this one, in that order (nulls kept, type kept;
    /// strings share the dictionary).
    /// - Complexity: O(rows.count)
    public func gathering(_ rows: [Int]) -> Column {
        func take<T>(_ a: PrimitiveArray<T>) -> PrimitiveArray<T> {
            let out = AlignedStorage<T>(capacity: rows.count)
            for r in rows { out.append(a[r]) }
            return PrimitiveArray(storage: out)
        }
        let v: Values
        switch values {
        case .float32(let a): v = .float32(take(a))
        case .float64(let a): v = .float64(take(a))
        case .int64(let a): v = .int64(take(a))
        case .bool(let a): v = .bool(take(a))
        case .string(let a, let d): v = .string(take(a), d)
        case .date(let a): v = .date(take(a))
        case .timestamp(let a): v = .timestamp(take(a))
        }
        return Column(v, validity: validity == nil ? nil : Validity.from(rows.map { isValid($0) }))
    }
}

extension Table {
    /// The rows `rows` (in that order) of every column.
    /// - Complexity: O(rows.count · columns)
    public func gathering(_ rows: [Int]) -> Table {
        // The schema is unchanged and every gathered column has rows.count values.
        try! Table(names: schema.names, columns: columns.map { $0.gathering(rows) })
    }
}
