import StrataCore

/// The retention triangle: customers by the period of their first purchase (cohort) and the
/// number of periods since (offset).
public struct CohortTriangle: Sendable {
    public let period: DatePeriod
    /// Each cohort's first day.
    public let cohorts: [Int]
    /// Customers per cohort.
    public let sizes: [Int]
    /// active[c][k]: customers of cohort c who bought k periods after their first period.
    public let active: [[Int]]
    /// revenue[c][k]: the amount they spent then (nil without an amount column).
    public let revenue: [[Double]]?

    /// active / size, per cohort and offset.
    public var retention: [[Double]] {
        zip(active, sizes).map { row, size in row.map { size > 0 ? Double($0) / Double(size) : 0 } }
    }
}

/// Cohort analysis of a transactions table.
public enum Cohorts {
    /// - Parameters:
    ///   - customer, date: column names (customer int64 or string; date a date or timestamp).
    ///   - amount: optional amount column: revenue per cell. Negative or missing amounts follow
    ///     `amountPolicy` (`.error` stops at the first one, naming its row).
    ///   - asOf: transactions after this day are left out (nil: none).
    /// - Returns: the long table (`cohort`, `cohort_start`, `period_offset`, `customers`,
    ///   `cohort_size`, `retention`, and `revenue` with an amount) and the triangle.
    /// - Complexity: O(n + cells).
    public static func compute(_ transactions: Table, customer: String, date: String, amount: String? = nil,
                               period: DatePeriod = .month, amountPolicy: AmountPolicy = .error,
                               asOf: Int? = nil) throws -> (table: Table, triangle: CohortTriangle) {
        let log = try TransactionLog(transactions, customer: customer, date: date, amount: amount, policy: amountPolicy, asOf: asOf)
        return try compute(log, period: period)
    }

    /// Cohorts from a prepared log (revenue when it has amounts).
    public static func compute(_ log: TransactionLog, period: DatePeriod = .month) throws -> (table: Table, triangle: CohortTriangle) {
        let grouped = log.grouped, keys = log.keys, days = log.days
        let value: [Double]? = log.amounts
        let n = days.count
        // Period index per row, through a table over the days present (a few thousand at most).
        var periodIndex = [Int](repeating: 0, count: n)
        var lo = Int32.max, hi = Int32.min
        for r in grouped.rows { let d = days[Int(r)]; lo = min(lo, d); hi = max(hi, d) }
        if lo <= hi && Int(hi) - Int(lo) < 1 << 22 {
            let table = (Int(lo)...Int(hi)).map { period.index($0) }
            for r in grouped.rows { periodIndex[Int(r)] = table[Int(days[Int(r)] - lo)] }
        } else {
            for r in grouped.rows { periodIndex[Int(r)] = period.index(Int(days[Int(r)])) }
        }
        let amounts = value ?? []
        // First period per customer; cohorts are the distinct first periods.
        var firstPeriod = [Int](repeating: Int.max, count: keys.count)
        var firstDay = [Int](repeating: Int.max, count: keys.count)
        for c in 0..<keys.count {
            for r in grouped.rows[grouped.offsets[c]..<grouped.offsets[c + 1]] {
                let i = Int(r)
                if periodIndex[i] < firstPeriod[c] { firstPeriod[c] = periodIndex[i]; firstDay[c] = Int(days[i]) }
            }
        }
        let cohortIndices = Array(Set(firstPeriod.filter { $0 != Int.max })).sorted()
        let slot = Dictionary(uniqueKeysWithValues: cohortIndices.enumerated().map { ($1, $0) })
        var lastIndex = 0
        for r in grouped.rows { lastIndex = max(lastIndex, periodIndex[Int(r)]) }
        var sizes = [Int](repeating: 0, count: cohortIndices.count)
        var cohortStart = [Int](repeating: 0, count: cohortIndices.count)
        var active: [[Int]] = cohortIndices.map { first in [Int](repeating: 0, count: lastIndex - first + 1) }
        var revenue: [[Double]]? = value == nil ? nil : cohortIndices.map { first in [Double](repeating: 0, count: lastIndex - first + 1) }
        var offsets: [Int] = []
        for c in 0..<keys.count where firstPeriod[c] != Int.max {
            let s = slot[firstPeriod[c]]!
            sizes[s] += 1
            cohortStart[s] = period.truncate(firstDay[c])
            offsets.removeAll(keepingCapacity: true)
            for r in grouped.rows[grouped.offsets[c]..<grouped.offsets[c + 1]] {
                let k = periodIndex[Int(r)] - firstPeriod[c]
                offsets.append(k)
                if revenue != nil { revenue![s][k] += amounts[Int(r)] }
            }
            offsets.sort()
            var previous = -1
            for k in offsets where k != previous { active[s][k] += 1; previous = k }
        }
        let triangle = CohortTriangle(period: period, cohorts: cohortStart, sizes: sizes, active: active, revenue: revenue)

        let label = ColumnBuilder(type: .string), start = ColumnBuilder(type: .date), offset = ColumnBuilder(type: .int64)
        let customers = ColumnBuilder(type: .int64), size = ColumnBuilder(type: .int64), retention = ColumnBuilder(type: .float64)
        let money = ColumnBuilder(type: .float64)
        for (s, row) in active.enumerated() {
            for (k, count) in row.enumerated() {
                label.append(period.label(cohortStart[s]))
                start.appendDate(Int32(cohortStart[s]))
                offset.append(Int64(k))
                customers.append(Int64(count))
                size.append(Int64(sizes[s]))
                retention.append(Double(count) / Double(sizes[s]))
                if let revenue { money.append((revenue[s][k] * 100).rounded() / 100) }
            }
        }
        var names = ["cohort", "cohort_start", "period_offset", "customers", "cohort_size", "retention"]
        var columns = [label, start, offset, customers, size, retention].map { $0.finish() }
        if value != nil { names.append("revenue"); columns.append(money.finish()) }
        return (try Table(names: names, columns: columns), triangle)
    }
}
