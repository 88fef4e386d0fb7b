import StrataCore
import Yams

extension RuleSet {
    /// Keys a column's entry may have.
    static let columnKeys = ["type", "not_null", "unique", "range", "allowed", "regex", "date_format", "date_range",
                             "max_null_fraction", "severity"]

    /// Parses a rules file:
    ///
    /// ```yaml
    /// table:
    ///   rows: {min: 1000, max: 5000000}
    /// columns:
    ///   customer_id: {type: string, not_null: true, unique: true}
    ///   email: {regex: '^[^@\s]+@[^@\s]+\.[a-z]+$', max_null_fraction: 0.05, severity: warning}
    ///   age: {type: int, range: [18, 110]}
    ///   signup_date: {date_format: iso8601, date_range: [2015-01-01, 2026-12-31]}
    ///   channel: {allowed: [web, store, app]}
    /// anomalies:
    ///   columns: [income, monetary, frequency]
    ///   contamination: 0.01
    /// ```
    /// - Throws: `StrataError.parse` naming the file, the line and the key: YAML syntax, an
    ///   unknown key, a value of the wrong kind.
    public static func parse(yaml text: String, source: String) throws -> RuleSet {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw StrataError(.parse, "not valid YAML: \(error)", file: source)
        }
        var rules = RuleSet(source: source)
        guard let root else { throw StrataError(.parse, "the rules file is empty", file: source) }
        let top = try mapping(root, "the rules file", source)
        for (key, value) in top {
            let name = key.string ?? ""
            switch name {
            case "table":
                for (k, v) in try mapping(value, "table", source) {
                    guard k.string == "rows" else { throw unknown(k, in: "table", known: ["rows"], source) }
                    let bounds = try mapping(v, "table.rows", source)
                    for (bk, bv) in bounds {
                        switch bk.string {
                        case "min": rules.minimumRows = try integer(bv, "table.rows.min", source)
                        case "max": rules.maximumRows = try integer(bv, "table.rows.max", source)
                        default: throw unknown(bk, in: "table.rows", known: ["min", "max"], source)
                        }
                    }
                }
            case "columns":
                for (k, v) in try mapping(value, "columns", source) {
                    guard let column = k.string, !column.isEmpty else { throw failure(k, "a column name must be text", source) }
                    rules.columns.append(try columnRules(column, v, line: k.mark?.line ?? 0, source))
                }
            case "anomalies":
                rules.anomalies = try anomalyRule(value, line: key.mark?.line ?? 0, source)
            default:
                throw unknown(key, in: "the rules file", known: ["table", "columns", "anomalies"], source)
            }
        }
        return rules
    }

    private static func columnRules(_ column: String, _ node: Node, line: Int, _ source: String) throws -> ColumnRules {
        var r = ColumnRules(column: column, line: line)
        let path = "columns.\(column)"
        for (k, v) in try mapping(node, path, source) {
            let key = k.string ?? ""
            let at = "\(path).\(key)"
            switch key {
            case "type":
                let t = try text(v, at, source)
                guard let type = ExpectedType(rawValue: t) else {
                    throw failure(v, "\(at): '\(t)' is not a type (\(ExpectedType.allCases.map(\.rawValue).joined(separator: ", ")))", source)
                }
                r.type = type
            case "not_null": r.notNull = try boolean(v, at, source)
            case "unique": r.unique = try boolean(v, at, source)
            case "range":
                if let seq = v.sequence {
                    guard seq.count == 2 else { throw failure(v, "\(at) takes [min, max]", source) }
                    r.minimum = try optionalNumber(seq[seq.startIndex], at, source)
                    r.maximum = try optionalNumber(seq[seq.index(after: seq.startIndex)], at, source)
                } else {
                    for (bk, bv) in try mapping(v, at, source) {
                        switch bk.string {
                        case "min": r.minimum = try number(bv, at + ".min", source)
                        case "max": r.maximum = try number(bv, at + ".max", source)
                        default: throw unknown(bk, in: at, known: ["min", "max"], source)
                        }
                    }
                }
                if let lo = r.minimum, let hi = r.maximum, lo > hi { throw failure(v, "\(at): min \(lo) is above max \(hi)", source) }
            case "allowed":
                guard let seq = v.sequence else { throw failure(v, "\(at) takes a list of values", source) }
                r.allowed = try seq.map { try text($0, at, source) }
            case "regex":
                let p = try text(v, at, source)
                do { _ = try Regex(p) } catch { throw failure(v, "\(at): not a valid regular expression: \(error)", source) }
                r.pattern = p
            case "date_format":
                let f = try text(v, at, source)
                guard f.lowercased() == "iso8601" || f == "iso-8601" else { throw failure(v, "\(at): only iso8601 is supported", source) }
                r.iso8601 = true
            case "date_range":
                guard let seq = v.sequence, seq.count == 2 else { throw failure(v, "\(at) takes [from, to]", source) }
                func date(_ n: Node) throws -> CivilDate? {
                    if n.scalar?.string == "null" || n.scalar?.string == "~" || n.scalar?.string == "" { return nil }
                    guard let s = n.scalar?.string, let d = ISO8601Value.date(Substring(s)) else {
                        throw failure(n, "\(at): '\(n.scalar?.string ?? "")' is not an ISO 8601 date", source)
                    }
                    return d
                }
                r.dateFrom = try date(seq[seq.startIndex])
                r.dateTo = try date(seq[seq.index(after: seq.startIndex)])
                r.iso8601 = true
            case "max_null_fraction":
                let f = try number(v, at, source)
                guard f >= 0 && f <= 1 else { throw failure(v, "\(at) must be in [0, 1]", source) }
                r.maxNullFraction = f
            case "severity": r.severity = try severity(v, at, source)
            default: throw unknown(k, in: path, known: columnKeys, source)
            }
        }
        return r
    }

    private static func anomalyRule(_ node: Node, line: Int, _ source: String) throws -> AnomalyRule {
        var r = AnomalyRule(columns: [], line: line)
        for (k, v) in try mapping(node, "anomalies", source) {
            let key = k.string ?? ""
            let at = "anomalies.\(key)"
            switch key {
            case "columns":
                guard let seq = v.sequence, !seq.isEmpty else { throw failure(v, "\(at) takes a list of column names", source) }
                r.columns = try seq.map { try text($0, at, source) }
            case "contamination":
                let c = try number(v, at, source)
                guard c > 0 && c <= 0.5 else { throw failure(v, "\(at) must be in (0, 0.5]", source) }
                r.contamination = c
            case "trees":
                r.trees = try integer(v, at, source)
                guard r.trees >= 1 else { throw failure(v, "\(at) must be at least 1", source) }
            case "seed": r.seed = UInt64(max(0, try integer(v, at, source)))
            case "severity": r.severity = try severity(v, at, source)
            default: throw unknown(k, in: "anomalies", known: ["columns", "contamination", "trees", "seed", "severity"], source)
            }
        }
        guard !r.columns.isEmpty else { throw failure(node, "anomalies needs columns: [...]", source) }
        return r
    }

    // MARK: - Node helpers (every error names the file and the line)

    static func failure(_ node: Node, _ message: String, _ source: String) -> StrataError {
        StrataError(.parse, message, file: source, line: node.mark?.line)
    }

    static func unknown(_ key: Node, in place: String, known: [String], _ source: String) -> StrataError {
        failure(key, "unknown key '\(key.string ?? "?")' in \(place) (known: \(known.joined(separator: ", ")))", source)
    }

    static func mapping(_ node: Node, _ what: String, _ source: String) throws -> Node.Mapping {
        guard let m = node.mapping else { throw failure(node, "\(what) must be a mapping of keys to values", source) }
        return m
    }

    static func text(_ node: Node, _ what: String, _ source: String) throws -> String {
        guard let s = node.scalar?.string else { throw failure(node, "\(what) must be a single value", source) }
        return s
    }

    static func number(_ node: Node, _ what: String, _ source: String) throws -> Double {
        guard let s = node.scalar?.string, let v = Double(s), v.isFinite else { throw failure(node, "\(what) must be a number", source) }
        return v
    }

    static func optionalNumber(_ node: Node, _ what: String, _ source: String) throws -> Double? {
        if let s = node.scalar?.string, ["null", "~", ""].contains(s) { return nil }
        return try number(node, what, source)
    }

    static func integer(_ node: Node, _ what: String, _ source: String) throws -> Int {
        guard let s = node.scalar?.string, let v = Int(s) else { throw failure(node, "\(what) must be a whole number", source) }
        return v
    }

    static func boolean(_ node: Node, _ what: String, _ source: String) throws -> Bool {
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw failure(node, "\(what) must be true or false", source)
        }
    }

    static func severity(_ node: Node, _ what: String, _ source: String) throws -> RuleSeverity {
        guard let s = node.scalar?.string, let v = RuleSeverity(rawValue: s) else { throw failure(node, "\(what) must be error or warning", source) }
        return v
    }
}
