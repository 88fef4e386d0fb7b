import StrataCore

/// One aggregate of a group-by: a function of a column (none for `count`), named in the output.
public struct Aggregation: Sendable, Equatable {
    public enum Function: String, Sendable, CaseIterable {
        case count, count_distinct, sum, mean, min, max, first, last, median
    }

    public var function: Function
    /// The input column (nil only for `count`, which then counts rows).
    public var column: String?
    public var name: String

    public init(_ function: Function, _ column: String? = nil, as name: String? = nil) {
        self.function = function
        self.column = column
        self.name = name ?? (column.map { "\(function.rawValue)_\($0)" } ?? function.rawValue)
    }

    /// Parses `function(column) [as name]`, e.g. `sum(amount) as revenue`, `count(*)`.
    public init(parsing text: String) throws {
        let parts = text.trimmingCharacters(in: .whitespaces).components(separatedBy: " as ")
        let call = parts[0].trimmingCharacters(in: .whitespaces)
        guard let open = call.firstIndex(of: "("), call.hasSuffix(")"),
              let f = Function(rawValue: call[..<open].lowercased().trimmingCharacters(in: .whitespaces)) else {
            throw StrataError(.invalidConfiguration, "'\(text)' is not an aggregate: write function(column) [as name] with one of \(Function.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let arg = call[call.index(after: open)..<call.index(before: call.endIndex)].trimmingCharacters(in: .whitespaces)
        let column = arg == "*" || arg.isEmpty ? nil : arg
        if column == nil && f != .count { throw StrataError(.invalidConfiguration, "\(f.rawValue) needs a column: \(text)") }
        self.init(f, column, as: parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil)
    }
}

/// Hash group-by aggregation over the column store.
///
/// Rows are grouped by the key columns (int64 or string; several keys combine), groups numbered
/// in order of first appearance, rows bucketed by group (a counting sort), and every group's
/// aggregates computed in parallel over ranges of groups. Nulls in an aggregated column are
/// skipped (as in SQL; `count(*)` counts rows); a group whose values are all null gets null
/// (0 for counts). `first` and `last` follow row order; `median` is numpy's (mean of the two
/// middle values). Rows with a null key are left out.
public enum GroupBy {
    /// - Returns: the key columns (first row of each group) followed by one column per aggregation.
    /// - Throws: `StrataError` for unknown columns, non-numeric input to sum/mean/median.
    /// - Complexity: O(rows + Σ groups' sizes · log sizes) for distinct and median, O(rows) otherwise.
    public static func aggregate(_ table: Table, by keys: [String], _ aggregations: [Aggregation],
                                 parallelism: Parallelism = .allCores) throws -> Table {
        guard !keys.isEmpty else { throw StrataError(.invalidConfiguration, "group by needs at least one key column") }
        // Composite keys: group on the first, then refine by each next key's ids.
        var group = try GroupKeys(table.column(keys[0]), name: keys[0])
        for k in keys.dropFirst() {
            let next = try GroupKeys(table.column(k), name: k)
            let combined = (0..<table.rowCount).map { i -> Int64 in
                group.ids[i] < 0 || next.ids[i] < 0 ? -1 : Int64(group.ids[i]) * Int64(next.count) + Int64(next.ids[i])
            }
            group = try GroupKeys(Column(.int64(PrimitiveArray(combined)), validity: Validity.from(combined.map { $0 >= 0 })), name: k)
        }
        let grouped = GroupedRows(group)
        let g = group.count
        var names = keys, columns = try keys.map { try table.column($0).gathering(group.firstRows) }
        for agg in aggregations {
            guard names.firstIndex(of: agg.name) == nil else { throw StrataError(.invalidConfiguration, "output column '\(agg.name)' appears twice") }
            names.append(agg.name)
            if agg.function == .count && agg.column == nil {
                columns.append(Column(.int64(PrimitiveArray((0..<g).map { Int64(grouped.offsets[$0 + 1] - grouped.offsets[$0]) }))))
                continue
            }
            let input = try table.column(agg.column!)
            if [.sum, .mean, .median].contains(agg.function) && !input.type.isNumeric {
                throw StrataError(.typeMismatch, "\(agg.function.rawValue) needs numbers, but '\(agg.column!)' holds \(input.type) values", column: agg.column)
            }
            columns.append(aggregateColumn(agg.function, input, grouped, groups: g, parallelism: parallelism))
        }
        return try Table(names: names, columns: columns)
    }

    private static func aggregateColumn(_ f: Aggregation.Function, _ c: Column, _ grouped: GroupedRows, groups g: Int,
                                        parallelism: Parallelism) -> Column {
        switch f {
        case .first, .last:
            // The first or last non-null row of each group, gathered from the input (any type).
            var rows = [Int](repeating: -1, count: g)
            for k in 0..<g {
                let members = grouped.rows[grouped.offsets[k]..<grouped.offsets[k + 1]]
                let pick = f == .first ? members.first(where: { c.isValid(Int($0)) }) : members.last(where: { c.isValid(Int($0)) })
                rows[k] = pick.map { Int($0) } ?? -1
            }
            let gathered = c.gathering(rows.map { max($0, 0) })
            guard rows.contains(-1) else { return gathered }
            return withNulls(gathered, rows.map { $0 >= 0 })
        case .count, .count_distinct:
            var out = [Int64](repeating: 0, count: g)
            out.withUnsafeMutableBufferPointer { o in
                let shared = UncheckedSendable(o)
                parallelism.forEach(parallelism.threads * 4) { task in
                    let tasks = parallelism.threads * 4
                    for k in (g * task / tasks)..<(g * (task + 1) / tasks) {
                        let members = grouped.rows[grouped.offsets[k]..<grouped.offsets[k + 1]].filter { c.isValid(Int($0)) }
                        if f == .count { shared.value[k] = Int64(members.count); continue }
                        var seen = Set<String>()
                        var numbers = Set<Double>()
                        for r in members {
                            if let s = c.stringValue(at: Int(r)) { seen.insert(s) } else if let x = c.doubleValue(at: Int(r)) { numbers.insert(x) }
                        }
                        shared.value[k] = Int64(seen.count + numbers.count)
                    }
                }
            }
            return Column(.int64(PrimitiveArray(out)))
        case .sum, .mean, .min, .max, .median:
            var out = [Double](repeating: 0, count: g), valid = [Bool](repeating: true, count: g)
            out.withUnsafeMutableBufferPointer { o in
                valid.withUnsafeMutableBufferPointer { v in
                    let shared = UncheckedSendable((o, v))
                    parallelism.forEach(parallelism.threads * 4) { task in
                        let tasks = parallelism.threads * 4
                        var values: [Double] = []
                        for k in (g * task / tasks)..<(g * (task + 1) / tasks) {
                            values.removeAll(keepingCapacity: true)
                            for r in grouped.rows[grouped.offsets[k]..<grouped.offsets[k + 1]] {
                                if let x = c.doubleValue(at: Int(r)), !x.isNaN { values.append(x) }
                            }
                            guard !values.isEmpty else {
                                shared.value.0[k] = 0
                                shared.value.1[k] = false
                                continue
                            }
                            switch f {
                            case .sum: shared.value.0[k] = values.reduce(0, +)
                            case .mean: shared.value.0[k] = values.reduce(0, +) / Double(values.count)
                            case .min: shared.value.0[k] = values.min()!
                            case .max: shared.value.0[k] = values.max()!
                            default:
                                values.sort()
                                let m = values.count / 2
                                shared.value.0[k] = values.count % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2
                            }
                        }
                    }
                }
            }
            // min and max keep an integer or date column's type; sums of integers stay integers.
            if ((f == .min || f == .max) && (c.type == .int64 || c.type == .date || c.type == .timestamp)) || (f == .sum && c.type == .int64) {
                let ints = out.map { Int64($0) }
                let validity = Validity.from(valid)
                switch c.type {
                case .date: return Column(.date(PrimitiveArray(ints.map { Int32($0) })), validity: validity)
                case .timestamp: return Column(.timestamp(PrimitiveArray(ints)), validity: validity)
                default: return Column(.int64(PrimitiveArray(ints)), validity: validity)
                }
            }
            return Column(.float64(PrimitiveArray(out)), validity: Validity.from(valid))
        }
    }

    private static func withNulls(_ c: Column, _ valid: [Bool]) -> Column {
        let merged = (0..<c.count).map { valid[$0] && c.isValid($0) }
        return Column(c.values, validity: Validity.from(merged))
    }
}
