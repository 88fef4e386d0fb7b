import StrataCore

/// Calendar periods for truncation and differences (dates as days since 1970-01-01).
public enum DatePeriod: String, Sendable, CaseIterable {
    case day, week, month, quarter

    /// The first day of the period holding `day` (weeks start on Monday, ISO 8601).
    public func truncate(_ day: Int) -> Int {
        switch self {
        case .day: return day
        case .week:
            // 1970-01-01 was a Thursday: Monday-based weekday is (day + 3) mod 7.
            let weekday = ((day + 3) % 7 + 7) % 7
            return day - weekday
        case .month:
            let d = CivilDate(daysSinceEpoch: day)
            return CivilDate(year: d.year, month: d.month, day: 1).daysSinceEpoch
        case .quarter:
            let d = CivilDate(daysSinceEpoch: day)
            return CivilDate(year: d.year, month: (d.month - 1) / 3 * 3 + 1, day: 1).daysSinceEpoch
        }
    }

    /// A running index of the period holding `day` (consecutive periods differ by 1).
    public func index(_ day: Int) -> Int {
        switch self {
        case .day: return day
        case .week: return Int((Double(truncate(day)) / 7).rounded(.down))
        case .month:
            let d = CivilDate(daysSinceEpoch: day)
            return d.year * 12 + d.month - 1
        case .quarter:
            let d = CivilDate(daysSinceEpoch: day)
            return d.year * 4 + (d.month - 1) / 3
        }
    }

    /// Whole periods from `a` to `b` (calendar boundaries crossed; negative when b < a).
    public func difference(from a: Int, to b: Int) -> Int { index(b) - index(a) }

    /// The label of the period starting at a truncated day (`2024-03`, `2024-W09`, `2024-Q1`, `2024-03-05`).
    public func label(_ start: Int) -> String {
        let d = CivilDate(daysSinceEpoch: start)
        switch self {
        case .day: return d.description
        case .month: return String(d.description.prefix(7))
        case .quarter: return "\(d.year)-Q\((d.month - 1) / 3 + 1)"
        case .week: return d.description
        }
    }
}

/// Whole months from `a` to `b` by calendar day (as `months_between`): Jan 31 → Feb 28 is 0.
public func monthsBetween(_ a: Int, _ b: Int) -> Int {
    let x = CivilDate(daysSinceEpoch: a), y = CivilDate(daysSinceEpoch: b)
    var m = (y.year - x.year) * 12 + (y.month - x.month)
    if m > 0 && y.day < x.day { m -= 1 } else if m < 0 && y.day > x.day { m += 1 }
    return m
}

extension Column {
    /// Row `i` as a day number: dates as they are, timestamps floored to their UTC day.
    @inline(__always)
    public func day(at i: Int) -> Int? {
        guard isValid(i) else { return nil }
        switch values {
        case .date(let a): return Int(a[i])
        case .timestamp(let a):
            let us = a[i], perDay: Int64 = 86_400_000_000
            return Int(us >= 0 ? us / perDay : (us - perDay + 1) / perDay)
        default: return nil
        }
    }
}

/// Checks that `column` holds dates or timestamps; for a text column (a date column the reader
/// could not type because of a bad value), names the first value that is not a date and its line.
/// - Throws: `StrataError.parse` with the line (header = line 1) and column, or `.typeMismatch`.
public func requireDates(_ column: Column, name: String) throws {
    switch column.type {
    case .date, .timestamp: return
    case .string:
        for i in 0..<column.count {
            guard let s = column.stringValue(at: i) else { continue }
            let day = String(s.prefix(10))
            if CivilDate(iso: day) == nil || (s.count > 10 && !" T".contains(s[s.index(s.startIndex, offsetBy: 10)])) {
                throw StrataError(.parse, "'\(s)' is not a date (YYYY-MM-DD) or timestamp", line: i + 2, column: name)
            }
        }
        throw StrataError(.typeMismatch, "'\(name)' was read as text: give --types \(name)=timestamp", column: name)
    default:
        throw StrataError(.typeMismatch, "'\(name)' holds \(column.type) values, not dates", column: name)
    }
}
