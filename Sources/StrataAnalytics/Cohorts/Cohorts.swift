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
        let n = days.count  // kept rows, in grouped order
        // Period index per row, through a table over the days present (a few thousand at most).
        var periodIndex = [Int](repeating: 0, count: n)
        var lo = Int32.max, hi = Int32.min
        for d in days { lo = min(lo, d); hi = max(hi, d) }
        if lo <= hi && Int(hi) - Int(lo) < 1 << 22 {
            let table = (Int(lo)...Int(hi)).map { period.index($0) }
            for j in 0..<n { periodIndex[j] = table[Int(days[j] - lo)] }
        } else {
            for j in 0..<n { periodIndex[j] = period.index(Int(days[j])) }
        }
        let amounts = value ?? []
        // First period per customer; cohorts are the distinct first periods.
        let g = keys.count
        var firstPeriod = [Int](repeating: Int.max, count: g)
        var firstDay = [Int](repeating: Int.max, count: g)
        for c in 0..<g {
            for j in grouped.offsets[c]..<grouped.offsets[c + 1] where periodIndex[j] < firstPeriod[c] {
                firstPeriod[c] = periodIndex[j]
                firstDay[c] = Int(days[j])
            }
        }
        let cohortIndices = Array(Set(firstPeriod.filter { $0 != Int.max })).sorted()
        let slot = Dictionary(uniqueKeysWithValues: cohortIndices.enumerated().map { ($1, $0) })
        var lastIndex = 0
        for p in periodIndex { lastIndex = max(lastIndex, p) }
        // Cells of the triangle, flat: cohort s's offsets start at cellBase[s].
        var cellBase = [Int](repeating: 0, count: cohortIndices.count + 1)
        for (s, first) in cohortIndices.enumerated() { cellBase[s + 1] = cellBase[s] + lastIndex - first + 1 }
        let cells = cellBase[cohortIndices.count]
        var sizes = [Int](repeating: 0, count: cohortIndices.count)
        var cohortStart = [Int](repeating: 0, count: cohortIndices.count)
        var activeFlat = [Int](repeating: 0, count: cells), revenueFlat = [Double](repeating: 0, count: value == nil ? 0 : cells)
        // The last customer counted in each cell: a customer counts once per cell however many
        // purchases fall in it.
        var mark = [Int32](repeating: -1, count: cells)
        let hasRevenue = value != nil
        periodIndex.withUnsafeBufferPointer { period in
            amounts.withUnsafeBufferPointer { money in
                for c in 0..<g where firstPeriod[c] != Int.max {
                    let s = slot[firstPeriod[c]]!
                    sizes[s] += 1
                    let base = cellBase[s] - firstPeriod[c]
                    for j in grouped.offsets[c]..<grouped.offsets[c + 1] {
                        let cell = base + period[j]
                        if mark[cell] != Int32(c) { mark[cell] = Int32(c); activeFlat[cell] += 1 }
                        if hasRevenue { revenueFlat[cell] += money[j] }
                    }
                }
            }
        }
        for c in 0..<g where firstPeriod[c] != Int.max {
            let s = slot[firstPeriod[c]]!
            cohortStart[s] = period.truncate(firstDay[c])
        }
        let active = (0..<cohortIndices.count).map { Array(activeFlat[cellBase[$0]..<cellBase[$0 + 1]]) }
        let revenue = hasRevenue ? (0..<cohortIndices.count).map { Array(revenueFlat[cellBase[$0]..<cellBase[$0 + 1]]) } : nil
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
