import StrataCore

/// How a golden record takes one column's value from its entity's rows (nulls never win).
public enum Survivorship: Sendable, Equatable {
    /// The value most rows hold; ties go to the earliest row (default).
    case mostFrequent
    /// The value of the row with the latest `column` (a date or timestamp); ties: earliest row.
    case mostRecent(by: String)
    /// The value of the row whose `column` comes first in `order` (e.g. sources crm, web, store).
    case sourcePriority(column: String, order: [String])
}

/// One record per entity, and the lineage of every input row.
public enum GoldenRecords {
    /// - Parameters:
    ///   - id: the record id column (kept in the lineage; golden records take the id of the
    ///     entity's first row).
    ///   - rules: per column; others use `.mostFrequent`.
    /// - Returns: `golden` (one row per entity: `entity`, `members`, then the input columns) and
    ///   `lineage` (per input row: `id`, `entity`, `golden_id`, `best_match`, `match_score`).
    public static func build(_ table: Table, result: DedupResult, id: String, rules: [String: Survivorship] = [:]) throws -> (golden: Table, lineage: Table) {
        let idColumn = try table.column(id)
        let n = table.rowCount
        var members = [[Int]](repeating: [], count: result.entityCount)
        for i in 0..<n { members[Int(result.entity[i])].append(i) }
        var names = ["entity", "members"]
        var columns = [Column(.int64(PrimitiveArray((0..<result.entityCount).map(Int64.init)))),
                       Column(.int64(PrimitiveArray(members.map { Int64($0.count) })))]
        for (name, column) in zip(table.schema.names, table.columns) {
            let rule = name == id ? .mostFrequent : (rules[name] ?? .mostFrequent)
            let chosen: [Int] = try members.map { rows in
                if name == id || rows.count == 1 { return rows[0] }  // most entities are one record
                let present = rows.filter { column.isValid($0) }
                guard !present.isEmpty else { return rows[0] }
                switch rule {
                case .mostFrequent:
                    var counts: [String: Int] = [:]
                    for r in present { counts[column.formatted(at: r)!, default: 0] += 1 }
                    let top = counts.values.max()!
                    return present.first { counts[column.formatted(at: $0)!] == top }!
                case .mostRecent(let by):
                    let when = try table.column(by)
                    return present.max { a, b in
                        let x = when.doubleValue(at: a) ?? -.infinity, y = when.doubleValue(at: b) ?? -.infinity
                        return x < y || (x == y && a > b)
                    }!
                case .sourcePriority(let sourceColumn, let order):
                    let source = try table.column(sourceColumn)
                    func rank(_ r: Int) -> Int { source.stringValue(at: r).flatMap { order.firstIndex(of: $0) } ?? order.count }
                    return present.min { rank($0) < rank($1) || (rank($0) == rank($1) && $0 < $1) }!
                }
            }
            let gathered = column.gathering(chosen)
            names.append(name)
            if column.nullCount == 0 {
                columns.append(gathered)
            } else {
                columns.append(Column(gathered.values, validity: Validity.from(chosen.map { column.isValid($0) })))
            }
        }
        let golden = try Table(names: names, columns: columns)

        var bestScore = [Double](repeating: .nan, count: n), bestMatch = [Int](repeating: -1, count: n)
        for (i, j, s) in result.pairs {
            for (a, b) in [(Int(i), Int(j)), (Int(j), Int(i))] where bestScore[a].isNaN || s > bestScore[a] {
                bestScore[a] = s
                bestMatch[a] = b
            }
        }
        let goldenID = idColumn.gathering(result.entity.map { members[Int($0)][0] })
        let match = idColumn.gathering(bestMatch.map { max($0, 0) })
        let lineage = try Table(names: [id, "entity", "golden_id", "best_match", "match_score"], columns: [
            idColumn,
            Column(.int64(PrimitiveArray(result.entity.map(Int64.init)))),
            goldenID,
            Column(match.values, validity: Validity.from(bestMatch.map { $0 >= 0 })),
            Column(.float64(PrimitiveArray(bestScore.map { $0.isNaN ? 0 : $0 })), validity: Validity.from(bestScore.map { !$0.isNaN })),
        ])
        return (golden, lineage)
    }
}
