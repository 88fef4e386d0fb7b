import StrataCore

/// A transactions table prepared once for per-customer analyses (RFM, cohorts): customers
/// numbered, rows bucketed by customer, days and amounts extracted, the amount policy and the
/// as-of cut applied. Computing RFM and cohorts from one log groups the rows once.
public struct TransactionLog: Sendable {
    /// The customer key column and its name.
    public let key: Column
    public let customerName: String
    public let keys: GroupKeys
    /// Kept rows by customer: customer c's are positions `grouped.offsets[c] ..< grouped.offsets[c + 1]`
    /// of `days` and `amounts` (`grouped.rows` is not kept).
    public let grouped: GroupedRows
    /// In grouped order (see `grouped`): each kept row's UTC day (days since
    /// 1970-01-01) and amount after the policy (nil without an amount column).
    public let days: [Int32]
    public let amounts: [Double]?
    /// The as-of day.
    public let asOf: Int
    /// Counts of rows used and left out (`customers` is filled by the analyses).
    public let summary: RFMSummary

    /// - Parameters:
    ///   - customer, date, amount: column names (customer int64 or string; date a date or
    ///     timestamp; amount numeric, optional).
    ///   - asOf: the as-of day (nil: the last transaction's day); later rows are left out.
    /// - Throws: `StrataError` `.columnNotFound`, `.parse` (a date that is not one, with its
    ///   line), `.typeMismatch`, `.missingValue` (a bad amount under `.error`, with its line).
    /// - Complexity: O(rows) expected.
    public init(_ table: Table, customer: String, date: String, amount: String?, policy: AmountPolicy = .error,
                asOf: Int? = nil) throws {
        let key = try table.column(customer), when = try table.column(date)
        try requireDates(when, name: date)
        let value = try amount.map { try table.column($0) }
        if let value, !value.type.isNumeric { throw StrataError(.typeMismatch, "'\(amount!)' holds \(value.type) values, not amounts", column: amount) }
        let n = table.rowCount
        var summary = RFMSummary()

        // Days, a column at a time; -2^31 marks a null date.
        let missing = Int32.min
        var days = [Int32](repeating: missing, count: n)
        days.withUnsafeMutableBufferPointer { out in
            switch when.values {
            case .timestamp(let a):
                a.withUnsafeBufferPointer { us in
                    let perDay: Int64 = 86_400_000_000
                    for i in 0..<n {
                        let t = us[i]
                        out[i] = Int32(truncatingIfNeeded: t >= 0 ? t / perDay : (t - perDay + 1) / perDay)
                    }
                }
            case .date(let a):
                a.withUnsafeBufferPointer { d in for i in 0..<n { out[i] = d[i] } }
            default: break
            }
            if when.nullCount > 0 { for i in 0..<n where !when.isValid(i) { out[i] = missing } }
        }
        var keep = [Bool](repeating: true, count: n)
        if key.nullCount > 0 { for i in 0..<n where !key.isValid(i) { keep[i] = false } }
        for i in 0..<n where days[i] == missing { keep[i] = false }
        summary.nullKeys = keep.reduce(0) { $0 + ($1 ? 0 : 1) }

        var amounts: [Double]?
        if let value {
            var a = [Double](repeating: 0, count: n)
            switch value.values {
            case .float64(let v): v.withUnsafeBufferPointer { p in for i in 0..<n { a[i] = p[i] } }
            case .int64(let v): v.withUnsafeBufferPointer { p in for i in 0..<n { a[i] = Double(p[i]) } }
            default: for i in 0..<n { a[i] = value.doubleValue(at: i) ?? .nan }
            }
            if value.nullCount > 0 { for i in 0..<n where !value.isValid(i) { a[i] = .nan } }
            for i in 0..<n where keep[i] && !(a[i] >= 0) {
                let isMissing = a[i].isNaN
                if isMissing { summary.missingAmounts += 1 } else { summary.negativeAmounts += 1 }
                switch policy {
                case .error:
                    let what = isMissing ? "missing" : "negative (\(a[i]))"
                    throw StrataError(.missingValue, "amount is \(what) at row \(i + 1); choose what to do with --bad-amounts drop|zero", line: i + 2, column: amount)
                case .drop: keep[i] = false; summary.dropped += 1
                case .zero: a[i] = 0
                }
            }
            amounts = a
        }
        var maxDay = Int32.min
        for i in 0..<n where keep[i] && days[i] > maxDay { maxDay = days[i] }
        let cut = asOf ?? (maxDay == Int32.min ? 0 : Int(maxDay))
        for i in 0..<n where keep[i] && Int(days[i]) > cut { keep[i] = false; summary.afterAsOf += 1 }
        summary.asOf = CivilDate(daysSinceEpoch: cut).description

        let keys = try GroupKeys(key, name: customer)
        var ids = keys.ids
        for i in 0..<n where !keep[i] { ids[i] = -1 }
        var groupedDays: [Int32] = [], groupedAmounts: [Double]? = nil
        let grouped = GroupedRows(ids: ids, groups: keys.count, carrying: days, into: &groupedDays,
                                  amounts: amounts, into: &groupedAmounts, keepRows: false)
        summary.transactions = grouped.offsets[keys.count]

        self.key = key
        self.customerName = customer
        self.keys = keys
        self.grouped = grouped
        self.days = groupedDays
        self.amounts = groupedAmounts
        self.asOf = cut
        self.summary = summary
    }
}
