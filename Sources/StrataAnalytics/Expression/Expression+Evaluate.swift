import Foundation
import StrataCore

/// Values of an expression node for every row: numbers, booleans and dates as doubles (dates in
/// days), text as indices into a dictionary; `valid` nil when no row is null.
struct ExpressionVector {
    enum Kind: String { case number, bool, text, date }
    var kind: Kind
    var values: [Double] = []
    var indices: [Int32] = []
    var dictionary: [String] = []
    var valid: [Bool]?
    let count: Int

    func isValid(_ i: Int) -> Bool { valid?[i] ?? true }

    /// A text vector holding one value on every row.
    var isConstantText: Bool { kind == .text && dictionary.count == 1 }

    static func constant(_ v: Double, kind: Kind, count: Int) -> ExpressionVector {
        ExpressionVector(kind: kind, values: [Double](repeating: v, count: count), count: count)
    }

    static func nulls(kind: Kind, count: Int) -> ExpressionVector {
        var v = ExpressionVector(kind: kind, values: [Double](repeating: 0, count: count), count: count)
        if kind == .text { v.indices = [Int32](repeating: 0, count: count); v.dictionary = [""] }
        v.valid = [Bool](repeating: false, count: count)
        return v
    }
}

/// Combines validity masks: valid where both are.
private func both(_ a: [Bool]?, _ b: [Bool]?, _ n: Int) -> [Bool]? {
    guard let a else { return b }
    guard let b else { return a }
    return (0..<n).map { a[$0] && b[$0] }
}

extension Expression {
    /// Evaluates on every row of `table`.
    /// - Parameter asOf: the day `as_of()` and `days_since` refer to.
    /// - Throws: `StrataError` `.columnNotFound` or `.typeMismatch` (naming the position).
    /// - Complexity: O(rows × nodes); text functions O(dictionary) each.
    public func evaluate(on table: Table, asOf: Int) throws -> Column {
        let v = try ExpressionEvaluator(source: source, table: table, asOf: asOf).eval(root)
        return v.column()
    }

    /// The rows where the expression is true (null and false rows are left out).
    public func filter(_ table: Table, asOf: Int) throws -> [Bool] {
        let v = try ExpressionEvaluator(source: source, table: table, asOf: asOf).eval(root)
        guard v.kind == .bool else {
            throw expressionError(source, root.position, "a condition must be true or false, but this is a \(v.kind.rawValue)", kind: .typeMismatch)
        }
        return (0..<v.count).map { v.isValid($0) && v.values[$0] != 0 }
    }

    /// Checks names and types against `table`'s columns without evaluating any row.
    public func check(against table: Table, condition: Bool) throws {
        let empty = table.slice(0..<0)
        if condition { _ = try filter(empty, asOf: 0) } else { _ = try evaluate(on: empty, asOf: 0) }
    }
}

extension ExpressionVector {
    /// The values as a column (numbers as float64, dates as date, text as string).
    func column() -> Column {
        let validity = valid.flatMap { Validity.from($0) }
        switch kind {
        case .number: return Column(.float64(PrimitiveArray(values)), validity: validity)
        case .bool: return Column(.bool(PrimitiveArray(values.map { $0 != 0 ? UInt8(1) : 0 })), validity: validity)
        case .date: return Column(.date(PrimitiveArray(values.map { Int32(($0).rounded(.down)) })), validity: validity)
        case .text:
            // Keep only the values in use, distinct (text functions can map entries together),
            // in first-seen order.
            var remap = [Int32](repeating: -1, count: dictionary.count), kept: [String] = [], byText: [String: Int32] = [:]
            var out = [Int32](repeating: 0, count: count)
            for i in 0..<count where isValid(i) {
                let d = Int(indices[i])
                if remap[d] < 0 {
                    let j = byText[dictionary[d]] ?? Int32(kept.count)
                    if j == Int32(kept.count) { kept.append(dictionary[d]); byText[dictionary[d]] = j }
                    remap[d] = j
                }
                out[i] = remap[d]
            }
            return Column(.string(PrimitiveArray(out), StringDictionary(kept)), validity: validity)
        }
    }
}

struct ExpressionEvaluator {
    let source: String
    let table: Table
    let asOf: Int
    var n: Int { table.rowCount }

    private func typeError(_ node: Expression.Node, _ message: String) -> StrataError {
        expressionError(source, node.position, message, kind: .typeMismatch)
    }

    func eval(_ node: Expression.Node) throws -> ExpressionVector {
        switch node {
        case .number(let v, _): return .constant(v, kind: .number, count: n)
        case .bool(let b, _): return .constant(b ? 1 : 0, kind: .bool, count: n)
        case .date(let d, _): return .constant(Double(d), kind: .date, count: n)
        case .null: return .nulls(kind: .number, count: n)
        case .string(let s, _):
            return ExpressionVector(kind: .text, indices: [Int32](repeating: 0, count: n), dictionary: [s], count: n)
        case .column(let name, let p):
            guard let i = table.schema.index(of: name) else {
                throw expressionError(source, p, "no column '\(name)'; columns are: \(table.schema.names.joined(separator: ", "))", kind: .columnNotFound)
            }
            return columnVector(table.columns[i])
        case .unary(let op, let a, _):
            var v = try eval(a)
            if op == "-" {
                guard v.kind == .number else { throw typeError(node, "'-' needs a number, not a \(v.kind.rawValue)") }
                v.values = v.values.map { -$0 }
            } else {
                guard v.kind == .bool else { throw typeError(node, "'not' needs true or false, not a \(v.kind.rawValue)") }
                v.values = v.values.map { $0 == 0 ? 1 : 0 }
            }
            return v
        case .binary(let op, let a, let b, _):
            return try binary(op, try eval(a), try eval(b), node)
        case .isNull(let a, let negated, _):
            let v = try eval(a)
            return ExpressionVector(kind: .bool, values: (0..<n).map { v.isValid($0) != negated ? 0 : 1 }, count: n)
        case .inList(let a, let list, let negated, _):
            let left = try eval(a)
            var result = ExpressionVector.constant(0, kind: .bool, count: n)
            result.valid = left.valid
            for item in list {
                let eq = try compare("=", left, try eval(item), node)
                for i in 0..<n where eq.isValid(i) && eq.values[i] != 0 { result.values[i] = 1 }
            }
            if negated { result.values = result.values.map { $0 == 0 ? 1 : 0 } }
            return result
        case .between(let a, let low, let high, let negated, _):
            let x = try eval(a)
            let lo = try compare(">=", x, try eval(low), node), hi = try compare("<=", x, try eval(high), node)
            var r = try logic("and", lo, hi)
            if negated { r.values = r.values.map { $0 == 0 ? 1 : 0 } }
            return r
        case .call(let name, let args, _):
            return try call(name, try args.map(eval), node)
        }
    }

    private func columnVector(_ c: Column) -> ExpressionVector {
        var v: ExpressionVector
        switch c.values {
        case .string(let idx, let dict):
            v = ExpressionVector(kind: .text, indices: Array(idx), dictionary: dict.values.isEmpty ? [""] : dict.values, count: n)
        case .bool(let a): v = ExpressionVector(kind: .bool, values: a.map { Double($0) }, count: n)
        case .date(let a): v = ExpressionVector(kind: .date, values: a.map { Double($0) }, count: n)
        case .timestamp(let a): v = ExpressionVector(kind: .date, values: a.map { Double($0) / 86_400_000_000 }, count: n)
        case .float32(let a): v = ExpressionVector(kind: .number, values: a.map { Double($0) }, count: n)
        case .float64(let a): v = ExpressionVector(kind: .number, values: Array(a), count: n)
        case .int64(let a): v = ExpressionVector(kind: .number, values: a.map { Double($0) }, count: n)
        }
        if c.nullCount > 0 { v.valid = (0..<n).map { c.isValid($0) } }
        return v
    }

    /// A text literal compared with a date becomes a date.
    private func coerce(_ a: ExpressionVector, _ b: ExpressionVector, _ node: Expression.Node) throws -> (ExpressionVector, ExpressionVector) {
        func asDate(_ t: ExpressionVector) throws -> ExpressionVector {
            guard let d = CivilDate(iso: t.dictionary[0]) else { throw typeError(node, "'\(t.dictionary[0])' is not a date YYYY-MM-DD") }
            var v = ExpressionVector.constant(Double(d.daysSinceEpoch), kind: .date, count: n)
            v.valid = t.valid
            return v
        }
        if a.kind == .date && b.isConstantText { return (a, try asDate(b)) }
        if b.kind == .date && a.isConstantText { return (try asDate(a), b) }
        return (a, b)
    }

    private func binary(_ op: String, _ a: ExpressionVector, _ b: ExpressionVector, _ node: Expression.Node) throws -> ExpressionVector {
        switch op {
        case "and", "or":
            guard a.kind == .bool, b.kind == .bool else {
                throw typeError(node, "'\(op)' needs true or false on both sides, not \(a.kind.rawValue) and \(b.kind.rawValue)")
            }
            return try logic(op, a, b)
        case "=", "!=", "<", "<=", ">", ">=":
            return try compare(op, a, b, node)
        default:
            var kind = ExpressionVector.Kind.number
            switch (a.kind, b.kind, op) {
            case (.number, .number, _): kind = .number
            case (.date, .number, "+"), (.date, .number, "-"), (.number, .date, "+"): kind = .date
            case (.date, .date, "-"): kind = .number
            default:
                throw typeError(node, "'\(op)' cannot combine a \(a.kind.rawValue) and a \(b.kind.rawValue)")
            }
            var out = ExpressionVector(kind: kind, values: [Double](repeating: 0, count: n), count: n)
            out.valid = both(a.valid, b.valid, n)
            a.values.withUnsafeBufferPointer { x in
                b.values.withUnsafeBufferPointer { y in
                    out.values.withUnsafeMutableBufferPointer { r in
                        switch op {
                        case "+": for i in 0..<n { r[i] = x[i] + y[i] }
                        case "-": for i in 0..<n { r[i] = x[i] - y[i] }
                        case "*": for i in 0..<n { r[i] = x[i] * y[i] }
                        case "/": for i in 0..<n { r[i] = x[i] / y[i] }
                        default: for i in 0..<n { r[i] = x[i].truncatingRemainder(dividingBy: y[i]) }
                        }
                    }
                }
            }
            if op == "/" || op == "%" {
                // Division by zero gives null, as in SQL.
                var valid = out.valid ?? [Bool](repeating: true, count: n)
                var any = false
                for i in 0..<n where b.values[i] == 0 { valid[i] = false; any = true }
                if any { out.valid = valid }
            }
            return out
        }
    }

    private func logic(_ op: String, _ a: ExpressionVector, _ b: ExpressionVector) throws -> ExpressionVector {
        var out = ExpressionVector(kind: .bool, values: [Double](repeating: 0, count: n), count: n)
        var valid: [Bool]? = nil
        if a.valid != nil || b.valid != nil { valid = [Bool](repeating: true, count: n) }
        for i in 0..<n {
            let av = a.isValid(i), bv = b.isValid(i)
            let x = a.values[i] != 0, y = b.values[i] != 0
            if op == "and" {
                // false wins over null; true and null is null.
                if (av && !x) || (bv && !y) { out.values[i] = 0 } else if av && bv { out.values[i] = 1 } else { valid![i] = false }
            } else {
                if (av && x) || (bv && y) { out.values[i] = 1 } else if av && bv { out.values[i] = 0 } else { valid![i] = false }
            }
        }
        out.valid = valid
        return out
    }

    func compare(_ op: String, _ a0: ExpressionVector, _ b0: ExpressionVector, _ node: Expression.Node) throws -> ExpressionVector {
        let (a, b) = try coerce(a0, b0, node)
        var out = ExpressionVector(kind: .bool, values: [Double](repeating: 0, count: n), count: n)
        out.valid = both(a.valid, b.valid, n)
        // A bare null literal compares as null with anything.
        func test<T: Comparable>(_ x: T, _ y: T) -> Bool {
            switch op {
            case "=": return x == y
            case "!=": return x != y
            case "<": return x < y
            case "<=": return x <= y
            case ">": return x > y
            default: return x >= y
            }
        }
        switch (a.kind, b.kind) {
        case (.text, .text):
            if b.isConstantText {
                let lit = b.dictionary[0]
                let perEntry = a.dictionary.map { test($0, lit) }
                for i in 0..<n { out.values[i] = perEntry[Int(a.indices[i])] ? 1 : 0 }
            } else if a.isConstantText {
                let lit = a.dictionary[0]
                let perEntry = b.dictionary.map { test(lit, $0) }
                for i in 0..<n { out.values[i] = perEntry[Int(b.indices[i])] ? 1 : 0 }
            } else {
                for i in 0..<n { out.values[i] = test(a.dictionary[Int(a.indices[i])], b.dictionary[Int(b.indices[i])]) ? 1 : 0 }
            }
        case (.number, .number), (.date, .date), (.bool, .bool):
            a.values.withUnsafeBufferPointer { x in
                b.values.withUnsafeBufferPointer { y in
                    for i in 0..<n { out.values[i] = test(x[i], y[i]) ? 1 : 0 }
                }
            }
        default:
            if a.valid?.allSatisfy({ !$0 }) == true && a.kind == .number || b.valid?.allSatisfy({ !$0 }) == true && b.kind == .number {
                out.valid = [Bool](repeating: false, count: n)  // comparing with null
                return out
            }
            throw typeError(node, "cannot compare a \(a.kind.rawValue) with a \(b.kind.rawValue)")
        }
        return out
    }

    private func call(_ name: String, _ args: [ExpressionVector], _ node: Expression.Node) throws -> ExpressionVector {
        func arity(_ k: ClosedRange<Int>) throws {
            guard k.contains(args.count) else { throw typeError(node, "\(name) takes \(k.lowerBound == k.upperBound ? "\(k.lowerBound)" : "\(k.lowerBound) to \(k.upperBound)") argument(s), not \(args.count)") }
        }
        func need(_ i: Int, _ kinds: ExpressionVector.Kind...) throws {
            guard kinds.contains(args[i].kind) else {
                throw typeError(node, "argument \(i + 1) of \(name) must be a \(kinds.map(\.rawValue).joined(separator: " or ")), not a \(args[i].kind.rawValue)")
            }
        }
        func mapText(_ f: (String) -> String) -> ExpressionVector {
            var v = args[0]
            v.dictionary = v.dictionary.map(f)
            return v
        }
        func textTest(_ f: (String, String) -> Bool) throws -> ExpressionVector {
            try arity(2...2); try need(0, .text); try need(1, .text)
            var out = ExpressionVector(kind: .bool, values: [Double](repeating: 0, count: n), count: n)
            out.valid = both(args[0].valid, args[1].valid, n)
            if args[1].isConstantText {
                let p = args[1].dictionary[0]
                let per = args[0].dictionary.map { f($0, p) }
                for i in 0..<n { out.values[i] = per[Int(args[0].indices[i])] ? 1 : 0 }
            } else {
                for i in 0..<n { out.values[i] = f(args[0].dictionary[Int(args[0].indices[i])], args[1].dictionary[Int(args[1].indices[i])]) ? 1 : 0 }
            }
            return out
        }
        func numbers(_ kind: ExpressionVector.Kind, from v: ExpressionVector, _ f: (Double) -> Double) -> ExpressionVector {
            var out = ExpressionVector(kind: kind, values: v.values.map(f), count: n)
            out.valid = v.valid
            return out
        }
        switch name {
        case "lower": try arity(1...1); try need(0, .text); return mapText { $0.lowercased() }
        case "upper": try arity(1...1); try need(0, .text); return mapText { $0.uppercased() }
        case "trim": try arity(1...1); try need(0, .text); return mapText { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        case "length":
            try arity(1...1); try need(0, .text)
            let per = args[0].dictionary.map { Double($0.count) }
            var out = ExpressionVector(kind: .number, values: args[0].indices.map { per[Int($0)] }, count: n)
            out.valid = args[0].valid
            return out
        case "starts_with": return try textTest { $0.hasPrefix($1) }
        case "ends_with": return try textTest { $0.hasSuffix($1) }
        case "contains": return try textTest { $0.contains($1) }
        case "matches":
            try arity(2...2)
            guard args[1].isConstantText else { throw typeError(node, "the pattern of matches must be a text literal") }
            let pattern = args[1].dictionary[0]
            let regex: NSRegularExpression
            do { regex = try NSRegularExpression(pattern: pattern) } catch {
                throw typeError(node, "'\(pattern)' is not a valid regular expression")
            }
            return try textTest { s, _ in regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil }
        case "as_of":
            try arity(0...0)
            return .constant(Double(asOf), kind: .date, count: n)
        case "days_since":
            try arity(1...1); try need(0, .date)
            return numbers(.number, from: args[0]) { Double(asOf) - $0 }
        case "months_between":
            try arity(2...2); try need(0, .date); try need(1, .date)
            var out = ExpressionVector(kind: .number, values: (0..<n).map { Double(monthsBetween(Int($0 < n ? args[0].values[$0].rounded(.down) : 0), Int(args[1].values[$0].rounded(.down)))) }, count: n)
            out.valid = both(args[0].valid, args[1].valid, n)
            return out
        case "year", "month", "day_of_week":
            try arity(1...1); try need(0, .date)
            return numbers(.number, from: args[0]) { d in
                let day = Int(d.rounded(.down))
                switch name {
                case "year": return Double(CivilDate(daysSinceEpoch: day).year)
                case "month": return Double(CivilDate(daysSinceEpoch: day).month)
                default: return Double(((day + 3) % 7 + 7) % 7 + 1)
                }
            }
        case "abs":
            try arity(1...1); try need(0, .number)
            return numbers(.number, from: args[0]) { Swift.abs($0) }
        case "round":
            try arity(1...2); try need(0, .number)
            let digits = args.count == 2 ? args[1].values.first ?? 0 : 0
            let scale = Foundation.pow(10, digits)
            return numbers(.number, from: args[0]) { ($0 * scale).rounded() / scale }
        case "least", "greatest", "coalesce":
            try arity(1...64)
            let kind = args.first { !($0.kind == .number && $0.valid?.allSatisfy { !$0 } == true) }?.kind ?? .number
            for (i, a) in args.enumerated() where a.kind != kind && !(a.kind == .number && a.valid?.allSatisfy({ !$0 }) == true) {
                throw typeError(node, "argument \(i + 1) of \(name) is a \(a.kind.rawValue), the others \(kind.rawValue)")
            }
            if kind == .text {
                guard name == "coalesce" else { throw typeError(node, "\(name) takes numbers or dates") }
                var dict: [String] = [], offsets: [Int] = []
                for a in args { offsets.append(dict.count); dict += a.kind == .text ? a.dictionary : [""] }
                var out = ExpressionVector(kind: .text, indices: [Int32](repeating: 0, count: n), dictionary: dict, count: n)
                var valid = [Bool](repeating: false, count: n)
                for i in 0..<n {
                    for (k, a) in args.enumerated() where a.kind == .text && a.isValid(i) {
                        out.indices[i] = Int32(offsets[k]) + a.indices[i]; valid[i] = true; break
                    }
                }
                out.valid = valid
                return out
            }
            var out = ExpressionVector(kind: kind, values: [Double](repeating: 0, count: n), count: n)
            var valid = [Bool](repeating: false, count: n)
            for i in 0..<n {
                for a in args where a.isValid(i) {
                    let x = a.values[i]
                    if !valid[i] { out.values[i] = x; valid[i] = true; if name == "coalesce" { break } }
                    else if name == "least" { out.values[i] = min(out.values[i], x) }
                    else { out.values[i] = max(out.values[i], x) }
                }
            }
            out.valid = valid
            return out
        default:
            throw expressionError(source, node.position, "unknown function '\(name)'")
        }
    }
}
