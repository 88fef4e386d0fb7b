import StrataCore

/// Who may appear in personalization outputs: customers whose consent flag is true.
public struct ConsentFilter: Sendable {
    /// Per row of the output being filtered: whether the customer consented.
    public let allowed: [Bool]
    /// Rows left out: consent false, and no consent recorded (null, or no profile at all).
    public let declined: Int
    public let missing: Int

    /// Consent from a boolean column of the rows themselves (null: no consent recorded).
    /// - Throws: `StrataError.typeMismatch` for a non-boolean column.
    public init(flags: Column, name: String) throws {
        try self.init(flags: flags, name: name, rows: Array(0..<flags.count).map(Optional.some))
    }

    /// Looks up each of `keys` (an output's customer column) in `profiles` by `key` and reads
    /// the boolean `column` there; keys with no profile have no consent recorded.
    /// - Throws: `StrataError` for unknown columns, a non-boolean consent column, key type mismatch.
    public init(keys: Column, profiles: Table, key: String, column: String) throws {
        let pk = try profiles.column(key)
        let groups = try GroupKeys(pk, name: key)
        let match = try KeyLookup(groups, column: pk).match(keys, name: key)
        try self.init(flags: try profiles.column(column), name: column, rows: match.map { $0 < 0 ? nil : groups.firstRows[Int($0)] })
    }

    /// Per output row, the row of `flags` holding its consent (nil: none).
    private init(flags: Column, name: String, rows: [Int?]) throws {
        guard flags.type == .bool else {
            throw StrataError(.typeMismatch, "consent column '\(name)' must be true/false, not \(flags.type)", column: name)
        }
        var allowed = [Bool](repeating: false, count: rows.count)
        var declined = 0, missing = 0
        for (i, row) in rows.enumerated() {
            guard let row, flags.isValid(row) else { missing += 1; continue }
            if flags.doubleValue(at: row) != 0 { allowed[i] = true } else { declined += 1 }
        }
        self.allowed = allowed
        self.declined = declined
        self.missing = missing
    }
}
