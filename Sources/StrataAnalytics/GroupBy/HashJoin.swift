import StrataCore

/// Hash joins on one key column (int64 or string).
public enum HashJoin {
    /// Every row of `left` (e.g. transactions) with the columns of the matching `right` row (e.g.
    /// profiles, one row per key) appended; rows without a match get nulls there (a left join).
    /// Right columns whose names clash with left ones get the suffix `_right`.
    /// - Throws: `StrataError` for unknown key columns or differing key types,
    ///   `.invalidConfiguration` when the right side repeats a key.
    /// - Complexity: O(left + right) expected.
    public static func leftJoin(_ left: Table, _ right: Table, on key: String, rightKey: String? = nil) throws -> Table {
        let rk = rightKey ?? key
        let rightColumn = try right.column(rk)
        let groups = try GroupKeys(rightColumn, name: rk)
        if groups.count < (0..<right.rowCount).filter({ rightColumn.isValid($0) }).count {
            throw StrataError(.invalidConfiguration, "the right side of the join has repeated keys in '\(rk)'; aggregate it first", column: rk)
        }
        let match = try KeyLookup(groups, column: rightColumn).match(try left.column(key), name: key)
        let rows = match.map { $0 < 0 ? 0 : groups.firstRows[Int($0)] }
        let found = match.map { $0 >= 0 }
        var names = left.schema.names, columns = left.columns
        for (name, column) in zip(right.schema.names, right.columns) where name != rk {
            guard right.rowCount > 0 else {
                columns.append(nullColumn(column.type, count: left.rowCount))
                names.append(names.contains(name) ? name + "_right" : name)
                continue
            }
            let gathered = column.gathering(rows)
            let valid = (0..<left.rowCount).map { found[$0] && gathered.isValid($0) }
            columns.append(Column(gathered.values, validity: Validity.from(valid)))
            names.append(names.contains(name) ? name + "_right" : name)
        }
        return try Table(names: names, columns: columns)
    }

    private static func nullColumn(_ type: DataType, count: Int) -> Column {
        let b = ColumnBuilder(type: type)
        for _ in 0..<count { b.appendNull() }
        return b.finish()
    }
}
