import Foundation
import StrataCore

/// Dates written in mixed formats, standardized to days (ISO 8601 when written out).
///
/// Recognized shapes: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMMDD`, `DD/MM/YYYY` or `MM/DD/YYYY` (also
/// with `.` or `-`), and `D Mon YYYY`, `Mon D, YYYY` with English month names; a time after the
/// date is ignored. When the user lists formats (`ymd`, `dmy`, `mdy`) only those are tried, in
/// order. Otherwise a numeric date whose first two fields could both be the month is
/// *ambiguous*: it is resolved by the column's other values (if any value only fits day-first,
/// the column is day-first, and vice versa); when the column gives no evidence, or conflicting
/// evidence, the value is reported as ambiguous and left null — never guessed.
public struct DateCleaner: Sendable {
    public enum Order: String, Sendable, CaseIterable { case ymd, dmy, mdy }

    /// Formats to try, in order (nil: detect).
    public var formats: [Order]?

    public init(formats: [Order]? = nil) { self.formats = formats }

    /// The outcome for one column.
    public struct Outcome: Sendable {
        /// Per row: the day, or nil (null input, unparseable or ambiguous).
        public var days: [Int32?]
        public var unparseable: [Int] = []
        public var ambiguous: [Int] = []
        /// The order chosen for numeric day/month dates when detected (nil: no evidence needed or found).
        public var detected: Order?
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Parsed fields of one value: year, and the two other numbers in written order, or a named month.
    private enum Shape { case iso(Int, Int, Int), numeric(Int, Int, Int), named(Int, Int, Int) }  // named: y, m, d

    private static func shape(_ raw: String) -> Shape? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        let head = text.split(separator: " ", maxSplits: 1).first.map(String.init) ?? text
        let compact = head.split(separator: "T").first.map(String.init) ?? head
        if compact.count == 8, compact.allSatisfy(\.isNumber), let v = Int(compact) {
            return .iso(v / 10000, (v / 100) % 100, v % 100)
        }
        for sep in ["-", "/", "."] where compact.contains(sep) {
            let p = compact.split(separator: Character(sep), omittingEmptySubsequences: false)
            guard p.count == 3, p.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { continue }
            let a = Int(p[0])!, b = Int(p[1])!, c = Int(p[2])!
            if p[0].count == 4 { return .iso(a, b, c) }
            if p[2].count == 4 { return .numeric(a, b, c) }
            return nil
        }
        // Named months: "5 Mar 2024", "Mar 5, 2024", "March 5 2024".
        let words = text.replacingOccurrences(of: ",", with: " ").split(separator: " ").map { $0.lowercased() }
        guard words.count >= 3 else { return nil }
        func month(_ w: String) -> Int? { months.firstIndex { w.hasPrefix($0) && w.count >= 3 }.map { $0 + 1 } }
        if let m = month(words[0]), let d = Int(words[1]), let y = Int(words[2]) { return .named(y, m, d) }
        if let d = Int(words[0]), let m = month(words[1]), let y = Int(words[2]) { return .named(y, m, d) }
        return nil
    }

    private static func day(_ y: Int, _ m: Int, _ d: Int) -> Int32? {
        let c = CivilDate(year: y, month: m, day: d)
        return c.isValid ? Int32(c.daysSinceEpoch) : nil
    }

    /// Standardizes every value of `column` (text, or dates already).
    public func clean(_ column: Column) -> Outcome {
        let n = column.count
        if case .date(let a) = column.values {
            return Outcome(days: (0..<n).map { column.isValid($0) ? a[$0] : nil })
        }
        let shapes = (0..<n).map { column.formatted(at: $0).map(Self.shape) }
        var order: Order?
        if formats == nil {
            // Evidence from unambiguous numeric values.
            var dayFirst = false, monthFirst = false
            for case .numeric(let a, let b, _)?? in shapes {
                if a > 12 && b <= 12 { dayFirst = true }
                if b > 12 && a <= 12 { monthFirst = true }
            }
            order = dayFirst != monthFirst ? (dayFirst ? .dmy : .mdy) : nil
        }
        var out = Outcome(days: [Int32?](repeating: nil, count: n), detected: order)
        for i in 0..<n {
            guard let s = shapes[i] else { continue }  // null input
            guard let shape = s else { out.unparseable.append(i); continue }
            var result: Int32?
            switch shape {
            case .iso(let y, let m, let d):
                if formats == nil || formats!.contains(.ymd) { result = Self.day(y, m, d) }
            case .named(let y, let m, let d):
                result = Self.day(y, m, d)
            case .numeric(let a, let b, let y):
                if let formats {
                    for f in formats {
                        if f == .dmy, let r = Self.day(y, b, a) { result = r; break }
                        if f == .mdy, let r = Self.day(y, a, b) { result = r; break }
                    }
                } else if a > 12 || b > 12 || a == b {
                    result = a > 12 ? Self.day(y, b, a) : Self.day(y, a, b)
                } else if let order {
                    result = order == .dmy ? Self.day(y, b, a) : Self.day(y, a, b)
                } else {
                    out.ambiguous.append(i)
                    continue
                }
            }
            if let result { out.days[i] = result } else { out.unparseable.append(i) }
        }
        return out
    }
}
