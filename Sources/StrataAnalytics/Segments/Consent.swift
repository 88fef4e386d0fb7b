import StrataCore

/// Who may appear in personalization outputs: customers whose consent flag is true.
public struct ConsentFilter: Sendable {
    /// Per row of the output being filtered: whether the customer consented.
    public let allowed: [Bool]
    /// Rows left out: consent false, and no consent recorded (null, or no profile at all).
    public let declined: Int
    public let missing: Int

    /// Looks up each of `keys` (an output's customer column) in `profiles` by `key` and reads
    /// the boolean `column` there.
    /// - Throws: `StrataError` for unknown columns, a non-boolean consent column, key type mismatch.
    public init(keys: Column, profiles: Table, key: String, column: String) throws {
        let pk = try profiles.column(key), flag = try profiles.column(column)
        guard flag.type == .bool else {
            throw StrataError(.typeMismatch, "consent column '\(column)' must be true/false, not \(flag.type)", column: column)
        }
        let groups = try GroupKeys(pk, name: key)
        let match = try KeyLookup(groups, column: pk).match(keys, name: key)
        var allowed = [Bool](repeating: false, count: keys.count)
        var declined = 0, missing = 0
        for (i, g) in match.enumerated() {
            guard g >= 0 else { missing += 1; continue }
            let row = groups.firstRows[Int(g)]
            guard flag.isValid(row) else { missing += 1; continue }
            if flag.doubleValue(at: row) != 0 { allowed[i] = true } else { declined += 1 }
        }
        self.allowed = allowed
        self.declined = declined
        self.missing = missing
    }
}
