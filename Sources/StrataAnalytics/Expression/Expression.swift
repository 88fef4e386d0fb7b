import StrataCore

/// A parsed expression over columns, for filters and derived columns.
///
/// Syntax (case-insensitive keywords; precedence from loosest): `or`; `and`; `not`; comparisons
/// `= == != <> < <= > >=`, `x [not] in (a, b, …)`, `x [not] between a and b`, `x is [not] null`;
/// `+ -`; `* / %`; unary `-`; literals (numbers, `'text'`, `true`, `false`, `null`, dates as
/// `date '2024-01-31'` or a text literal compared with a date), column names (bare, or in
/// backquotes or double quotes), and function calls:
///
/// - text: `lower`, `upper`, `trim`, `length`, `starts_with(s, p)`, `ends_with(s, p)`,
///   `contains(s, p)`, `matches(s, regex)` (the regex anywhere in the text, ICU syntax);
/// - dates: `as_of()` (the run's as-of day), `days_since(d)` (as-of − d in days),
///   `months_between(a, b)` (whole calendar months from a to b), `year(d)`, `month(d)`,
///   `day_of_week(d)` (1 Monday … 7 Sunday);
/// - other: `coalesce(a, b, …)`, `abs(x)`, `round(x[, digits])`, `least(a, …)`, `greatest(a, …)`.
///
/// Nulls follow SQL: comparisons and arithmetic with null give null, `and`/`or` are three-valued,
/// and a filter keeps only rows where the expression is true. Dates are day numbers (timestamps
/// keep their time of day as a fraction); `date ± number` is a date, `date − date` a number of days.
/// Parsed once, then evaluated a column at a time (`Expression.evaluate`); string operations run
/// on each column's dictionary, not on every row. Errors name the position in the text.
public struct Expression: Sendable, CustomStringConvertible {
    /// The text as given.
    public let source: String
    let root: Node

    /// - Throws: `StrataError.parse` with the 1-based position of the problem.
    public init(_ source: String) throws {
        self.source = source
        var parser = ExpressionParser(source)
        root = try parser.parseAll()
    }

    public var description: String { source }

    /// Column names the expression reads.
    public var columns: Set<String> { root.columns }

    indirect enum Node: Sendable {
        case number(Double, Int)
        case string(String, Int)
        case bool(Bool, Int)
        case null(Int)
        case date(Int, Int)
        case column(String, Int)
        case unary(String, Node, Int)
        case binary(String, Node, Node, Int)
        case call(String, [Node], Int)
        case isNull(Node, negated: Bool, Int)
        case inList(Node, [Node], negated: Bool, Int)
        case between(Node, Node, Node, negated: Bool, Int)

        var position: Int {
            switch self {
            case .number(_, let p), .string(_, let p), .bool(_, let p), .null(let p), .date(_, let p), .column(_, let p): return p
            case .unary(_, _, let p), .binary(_, _, _, let p), .call(_, _, let p), .isNull(_, _, let p): return p
            case .inList(_, _, _, let p), .between(_, _, _, _, let p): return p
            }
        }

        var columns: Set<String> {
            switch self {
            case .column(let name, _): return [name]
            case .unary(_, let a, _), .isNull(let a, _, _): return a.columns
            case .binary(_, let a, let b, _): return a.columns.union(b.columns)
            case .call(_, let args, _): return args.reduce(into: Set<String>()) { $0.formUnion($1.columns) }
            case .inList(let a, let list, _, _): return list.reduce(a.columns) { $0.union($1.columns) }
            case .between(let a, let b, let c, _, _): return a.columns.union(b.columns).union(c.columns)
            default: return []
            }
        }
    }
}

/// An error at a position of an expression's text, shown with a caret under it.
func expressionError(_ source: String, _ position: Int, _ message: String, kind: StrataError.Kind = .parse) -> StrataError {
    let caret = String(repeating: " ", count: max(0, position - 1)) + "^"
    return StrataError(kind, "\(message) at position \(position) of the expression\n  \(source)\n  \(caret)")
}

/// A recursive-descent parser over the expression's characters.
struct ExpressionParser {
    enum Token: Equatable {
        case number(Double), string(String), identifier(String), quotedIdentifier(String), symbol(String), end
    }

    let source: String
    private var tokens: [(Token, Int)] = []
    private var index = 0

    init(_ source: String) { self.source = source }

    mutating func parseAll() throws -> Expression.Node {
        tokens = try tokenize()
        let node = try parseOr()
        guard case .end = tokens[index].0 else { throw error("unexpected \(describe(tokens[index].0))") }
        return node
    }

    private func error(_ message: String, at position: Int? = nil) -> StrataError {
        expressionError(source, position ?? tokens[index].1, message)
    }

    private func describe(_ t: Token) -> String {
        switch t {
        case .number(let v): return "number \(v)"
        case .string(let s): return "text '\(s)'"
        case .identifier(let s), .quotedIdentifier(let s): return "'\(s)'"
        case .symbol(let s): return "'\(s)'"
        case .end: return "end of expression"
        }
    }

    private func tokenize() throws -> [(Token, Int)] {
        let chars = Array(source)
        var out: [(Token, Int)] = []
        var i = 0
        while i < chars.count {
            let c = chars[i], position = i + 1
            if c.isWhitespace { i += 1; continue }
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count && (chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "E" ||
                                          ((chars[j] == "-" || chars[j] == "+") && (chars[j - 1] == "e" || chars[j - 1] == "E"))) { j += 1 }
                guard let v = Double(String(chars[i..<j])) else { throw expressionError(source, position, "malformed number '\(String(chars[i..<j]))'") }
                out.append((.number(v), position))
                i = j
            } else if c == "'" {
                var j = i + 1, text = ""
                while true {
                    guard j < chars.count else { throw expressionError(source, position, "unterminated text literal") }
                    if chars[j] == "'" {
                        if j + 1 < chars.count && chars[j + 1] == "'" { text.append("'"); j += 2; continue }
                        break
                    }
                    text.append(chars[j]); j += 1
                }
                out.append((.string(text), position))
                i = j + 1
            } else if c == "`" || c == "\"" {
                guard let end = chars[(i + 1)...].firstIndex(of: c) else { throw expressionError(source, position, "unterminated quoted column name") }
                out.append((.quotedIdentifier(String(chars[(i + 1)..<end])), position))
                i = end + 1
            } else if c.isLetter || c == "_" {
                var j = i
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                out.append((.identifier(String(chars[i..<j])), position))
                i = j
            } else {
                let two = i + 1 < chars.count ? String(chars[i...(i + 1)]) : ""
                if ["<=", ">=", "!=", "<>", "=="].contains(two) {
                    out.append((.symbol(two == "<>" ? "!=" : two == "==" ? "=" : two), position)); i += 2
                } else if "=<>+-*/%(),".contains(c) {
                    out.append((.symbol(String(c)), position)); i += 1
                } else {
                    throw expressionError(source, position, "unexpected character '\(c)'")
                }
            }
        }
        out.append((.end, chars.count + 1))
        return out
    }

    private func keyword(_ word: String) -> Bool {
        if case .identifier(let w) = tokens[index].0, w.lowercased() == word { return true }
        return false
    }

    private mutating func accept(_ word: String) -> Bool {
        if keyword(word) { index += 1; return true }
        return false
    }

    private mutating func acceptSymbol(_ s: String) -> Bool {
        if case .symbol(s) = tokens[index].0 { index += 1; return true }
        return false
    }

    private mutating func expectSymbol(_ s: String) throws {
        guard acceptSymbol(s) else { throw error("expected '\(s)' but found \(describe(tokens[index].0))") }
    }

    private mutating func parseOr() throws -> Expression.Node {
        var left = try parseAnd()
        while keyword("or") {
            let p = tokens[index].1; index += 1
            left = .binary("or", left, try parseAnd(), p)
        }
        return left
    }

    private mutating func parseAnd() throws -> Expression.Node {
        var left = try parseNot()
        while keyword("and") {
            let p = tokens[index].1; index += 1
            left = .binary("and", left, try parseNot(), p)
        }
        return left
    }

    private mutating func parseNot() throws -> Expression.Node {
        if keyword("not") {
            let p = tokens[index].1; index += 1
            return .unary("not", try parseNot(), p)
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> Expression.Node {
        let left = try parseAdditive()
        let p = tokens[index].1
        if case .symbol(let s) = tokens[index].0, ["=", "!=", "<", "<=", ">", ">="].contains(s) {
            index += 1
            return .binary(s, left, try parseAdditive(), p)
        }
        if accept("is") {
            let negated = accept("not")
            guard accept("null") else { throw error("expected 'null' after 'is'") }
            return .isNull(left, negated: negated, p)
        }
        let negated = accept("not")
        if accept("in") {
            try expectSymbol("(")
            var list = [try parseAdditive()]
            while acceptSymbol(",") { list.append(try parseAdditive()) }
            try expectSymbol(")")
            return .inList(left, list, negated: negated, p)
        }
        if accept("between") {
            let low = try parseAdditive()
            guard accept("and") else { throw error("expected 'and' in 'between … and …'") }
            return .between(left, low, try parseAdditive(), negated: negated, p)
        }
        if negated { throw error("expected 'in' or 'between' after 'not'", at: p) }
        return left
    }

    private mutating func parseAdditive() throws -> Expression.Node {
        var left = try parseMultiplicative()
        while case .symbol(let s) = tokens[index].0, s == "+" || s == "-" {
            let p = tokens[index].1; index += 1
            left = .binary(s, left, try parseMultiplicative(), p)
        }
        return left
    }

    private mutating func parseMultiplicative() throws -> Expression.Node {
        var left = try parseUnary()
        while case .symbol(let s) = tokens[index].0, s == "*" || s == "/" || s == "%" {
            let p = tokens[index].1; index += 1
            left = .binary(s, left, try parseUnary(), p)
        }
        return left
    }

    private mutating func parseUnary() throws -> Expression.Node {
        if acceptSymbol("-") { return .unary("-", try parseUnary(), tokens[index - 1].1) }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws -> Expression.Node {
        let (token, p) = tokens[index]
        switch token {
        case .number(let v): index += 1; return .number(v, p)
        case .string(let s): index += 1; return .string(s, p)
        case .quotedIdentifier(let name): index += 1; return .column(name, p)
        case .symbol("("):
            index += 1
            let inner = try parseOr()
            try expectSymbol(")")
            return inner
        case .identifier(let word):
            index += 1
            switch word.lowercased() {
            case "true": return .bool(true, p)
            case "false": return .bool(false, p)
            case "null": return .null(p)
            case "date":
                if case .string(let s) = tokens[index].0 {
                    index += 1
                    guard let d = CivilDate(iso: s) else { throw error("'\(s)' is not a date YYYY-MM-DD", at: tokens[index - 1].1) }
                    return .date(d.daysSinceEpoch, p)
                }
            case "and", "or", "not", "in", "between", "is":
                throw error("expected a value but found '\(word)'", at: p)
            default: break
            }
            if acceptSymbol("(") {
                var args: [Expression.Node] = []
                if !acceptSymbol(")") {
                    args.append(try parseOr())
                    while acceptSymbol(",") { args.append(try parseOr()) }
                    try expectSymbol(")")
                }
                return .call(word.lowercased(), args, p)
            }
            return .column(word, p)
        default:
            throw error("expected a value but found \(describe(token))")
        }
    }
}
