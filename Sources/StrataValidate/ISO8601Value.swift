import StrataCore

/// ISO 8601 text: calendar dates `YYYY-MM-DD` and date-times `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`
/// (a space may replace the T).
enum ISO8601Value {
    /// The date of `YYYY-MM-DD` (a real calendar day), else nil.
    static func date(_ s: Substring) -> CivilDate? {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        guard let y = digits(b[0..<4]), let m = digits(b[5..<7]), let d = digits(b[8..<10]) else { return nil }
        let date = CivilDate(year: y, month: m, day: d)
        return date.isValid ? date : nil
    }

    /// Whether `s` is an ISO 8601 date or date-time.
    static func isDateOrDateTime(_ s: Substring) -> Bool {
        if s.utf8.count == 10 { return date(s) != nil }
        let b = Array(s.utf8)
        guard b.count >= 16, date(s.prefix(10)) != nil, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " ") else { return false }
        guard let hh = digits(b[11..<13]), b[13] == UInt8(ascii: ":"), let mm = digits(b[14..<16]), hh < 24, mm < 60 else { return false }
        var i = 16
        if i < b.count, b[i] == UInt8(ascii: ":") {
            guard i + 3 <= b.count, let ss = digits(b[(i + 1)..<(i + 3)]), ss <= 60 else { return false }
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
                guard i > start else { return false }
            }
        }
        if i == b.count { return true }
        if b[i] == UInt8(ascii: "Z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), b.count - i == 6, b[i + 3] == UInt8(ascii: ":"),
              let oh = digits(b[(i + 1)..<(i + 3)]), let om = digits(b[(i + 4)..<(i + 6)]), oh < 24, om < 60 else { return false }
        return true
    }

    private static func digits(_ b: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for c in b {
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }
}
