import StrataAnomaly
import StrataCore
import StrataPrep

/// One rule's outcome.
public struct RuleResult: Codable, Sendable {
    /// "age: range [18, 110]", "table: rows [1000, 5000000]", …
    public var rule: String
    public var column: String?
    public var severity: RuleSeverity
    /// Row-level rules quarantine the rows they fail (errors only); column- and table-level ones do not.
    public var rowLevel: Bool
    public var checked: Int
    public var failed: Int
    /// The first failing data rows (1-based, the header not counted).
    public var examples: [Int]
    /// Examples of the failing values, as text.
    public var exampleValues: [String]
    public var passed: Bool { failed == 0 }
}

/// The anomaly check's outcome.
public struct AnomalyResult: Codable, Sendable {
    public var columns: [String]
    public var contamination: Double
    public var severity: RuleSeverity
    public var flagged: Int
    public var offset: Double
    /// The most anomalous rows (1-based) with their scores (scikit-learn's score_samples).
    public var top: [AnomalousRow]
    public struct AnomalousRow: Codable, Sendable {
        public var row: Int
        public var score: Double
    }
}

/// Everything `strata validate` reports.
public struct ValidationReport: Codable, Sendable {
    public var input: String
    public var rulesFile: String
    public var rows: Int
    public var rules: [RuleResult]
    public var anomalies: AnomalyResult?
    /// Rows failing at least one error-level row rule (they go to the quarantine file).
    public var quarantinedRows: Int
    public var cleanRows: Int
    /// "passed", "warnings" (only warning-level failures) or "failed".
    public var status: String
}

/// A validation run: the report, which rows fail which rules, and the anomaly scores.
public struct ValidationOutcome: Sendable {
    public var report: ValidationReport
    /// For each quarantined row (0-based), the indices into `report.rules` it fails.
    public var quarantined: [Int: [Int]]
    /// scikit-learn score_samples per row when the rules have an anomaly check.
    public var anomalyScores: [Double]?
    /// Rows kept (0-based), in order.
    public var cleanRows: [Int]
}

/// Checks a table against a `RuleSet`.
public enum Validator {
    static let examplesKept = 5

    /// - Throws: `StrataError.columnNotFound` for a rule on a missing column (naming the rules
    ///   file and line), `.nonFiniteInput` from the anomaly check (±∞ in its columns).
    /// - Complexity: O(rows · rules), regular expressions once per distinct string.
    public static func validate(_ table: Table, rules: RuleSet, input: String, parallelism: Parallelism = .allCores) throws -> ValidationOutcome {
        let n = table.rowCount
        var results: [RuleResult] = []
        var quarantined: [Int: [Int]] = [:]
        for r in rules.columns where !table.schema.names.contains(r.column) {
            throw StrataError(.columnNotFound, "a rule names column '\(r.column)', which the input does not have (columns: \(table.schema.names.joined(separator: ", ")))",
                              file: rules.source, line: r.line)
        }
        if rules.minimumRows != nil || rules.maximumRows != nil {
            let lo = rules.minimumRows.map(String.init) ?? "0", hi = rules.maximumRows.map(String.init) ?? "∞"
            let ok = n >= (rules.minimumRows ?? 0) && n <= (rules.maximumRows ?? Int.max)
            results.append(RuleResult(rule: "table: rows [\(lo), \(hi)]", column: nil, severity: .error, rowLevel: false, checked: 1,
                                      failed: ok ? 0 : 1, examples: [], exampleValues: ok ? [] : ["\(n) rows"]))
        }
        for r in rules.columns {
            let column = try table.column(r.column)
            for check in checks(r) {
                var result = RuleResult(rule: "\(r.column): \(check.name)", column: r.column, severity: r.severity, rowLevel: check.rowLevel,
                                        checked: n, failed: 0, examples: [], exampleValues: [])
                let index = results.count
                let failing = check.evaluate(column, n)
                result.failed = failing.count
                result.examples = failing.prefix(examplesKept).map { $0 + 1 }
                result.exampleValues = failing.prefix(examplesKept).map { column.formatted(at: $0) ?? "null" }
                if check.rowLevel && r.severity == .error { for i in failing { quarantined[i, default: []].append(index) } }
                results.append(result)
            }
        }
        var anomalyResult: AnomalyResult? = nil
        var scores: [Double]? = nil
        if let a = rules.anomalies {
            for c in a.columns where !table.schema.names.contains(c) {
                throw StrataError(.columnNotFound, "the anomaly check names column '\(c)', which the input does not have", file: rules.source, line: a.line)
            }
            let (x, _) = try FeatureExtraction.extract(table, columns: a.columns, as: Float.self, missing: .impute(.constant(.nan)))
            var config = IsolationForestConfiguration()
            config.trees = a.trees
            config.seed = a.seed
            config.contamination = .fraction(a.contamination)
            config.parallelism = parallelism
            let forest = try IsolationForest.fit(x, configuration: config)
            let s = forest.scoreSamples(x, parallelism: parallelism)
            let flagged = s.indices.filter { s[$0] - forest.offset < 0 }
            let index = results.count
            results.append(RuleResult(rule: "anomalies: Isolation Forest on \(a.columns.joined(separator: ", ")) at contamination \(a.contamination)",
                                      column: nil, severity: a.severity, rowLevel: true, checked: n, failed: flagged.count,
                                      examples: Array(flagged.prefix(examplesKept).map { $0 + 1 }), exampleValues: []))
            if a.severity == .error { for i in flagged { quarantined[i, default: []].append(index) } }
            let top = s.indices.sorted { (s[$0], $0) < (s[$1], $1) }.prefix(20).map { AnomalyResult.AnomalousRow(row: $0 + 1, score: s[$0]) }
            anomalyResult = AnomalyResult(columns: a.columns, contamination: a.contamination, severity: a.severity, flagged: flagged.count,
                                          offset: forest.offset, top: top)
            scores = s
        }
        let failedErrors = results.contains { !$0.passed && $0.severity == .error }
        let failedWarnings = results.contains { !$0.passed && $0.severity == .warning }
        let clean = (0..<n).filter { quarantined[$0] == nil }
        let report = ValidationReport(input: input, rulesFile: rules.source, rows: n, rules: results, anomalies: anomalyResult,
                                      quarantinedRows: quarantined.count, cleanRows: clean.count,
                                      status: failedErrors ? "failed" : (failedWarnings ? "warnings" : "passed"))
        return ValidationOutcome(report: report, quarantined: quarantined, anomalyScores: scores, cleanRows: clean)
    }

    /// One check: a name for the report, whether it judges rows, and the failing rows.
    struct Check {
        var name: String
        var rowLevel: Bool
        var evaluate: (Column, Int) -> [Int]
    }

    static func checks(_ r: ColumnRules) -> [Check] {
        var out: [Check] = []
        if let type = r.type {
            out.append(Check(name: "type \(type.rawValue)", rowLevel: true) { c, n in failing(c, n) { !conforms(c, $0, type) } })
        }
        if r.notNull {
            out.append(Check(name: "not null", rowLevel: true) { c, n in (0..<n).filter { isNull(c, $0) } })
        }
        if r.unique {
            out.append(Check(name: "unique", rowLevel: true) { c, n in
                var seen = Set<String>()
                return failing(c, n) { !seen.insert(c.formatted(at: $0) ?? "").inserted }
            })
        }
        if r.minimum != nil || r.maximum != nil {
            let lo = r.minimum ?? -.infinity, hi = r.maximum ?? .infinity
            let name = "range [\(r.minimum.map { short($0) } ?? "−∞"), \(r.maximum.map { short($0) } ?? "∞")]"
            out.append(Check(name: name, rowLevel: true) { c, n in
                failing(c, n) { i in
                    guard let v = numeric(c, i) else { return true }
                    return !(v >= lo && v <= hi)
                }
            })
        }
        if let allowed = r.allowed {
            let set = Set(allowed)
            out.append(Check(name: "allowed \(allowed.prefix(8).joined(separator: ", "))\(allowed.count > 8 ? ", …" : "")", rowLevel: true) { c, n in
                failingText(c, n) { !set.contains($0) }
            })
        }
        if let pattern = r.pattern, let regex = try? Regex(pattern) {
            out.append(Check(name: "regex \(pattern)", rowLevel: true) { c, n in
                failingText(c, n) { (try? regex.firstMatch(in: $0)) == nil }
            })
        }
        if r.iso8601 {
            out.append(Check(name: "ISO 8601 date", rowLevel: true) { c, n in
                if c.type == .date || c.type == .timestamp { return [] }
                return failingText(c, n) { !ISO8601Value.isDateOrDateTime(Substring($0)) }
            })
        }
        if r.dateFrom != nil || r.dateTo != nil {
            let from = r.dateFrom?.daysSinceEpoch ?? Int.min, to = r.dateTo?.daysSinceEpoch ?? Int.max
            out.append(Check(name: "dates [\(r.dateFrom?.description ?? "…"), \(r.dateTo?.description ?? "…")]", rowLevel: true) { c, n in
                failing(c, n) { i in
                    guard let day = days(c, i) else { return true }
                    return day < from || day > to
                }
            })
        }
        if let f = r.maxNullFraction {
            out.append(Check(name: "at most \(short(100 * f))% null", rowLevel: false) { c, n in
                let nulls = (0..<n).filter { isNull(c, $0) }
                return Double(nulls.count) > f * Double(n) ? nulls : []
            })
        }
        return out
    }

    // MARK: - Value access (nulls are skipped by every rule but not_null)

    static func isNull(_ c: Column, _ i: Int) -> Bool {
        guard c.isValid(i) else { return true }
        if c.type == .float64 || c.type == .float32 { return c.doubleValue(at: i)?.isNaN ?? true }
        return false
    }

    /// Rows (non-null) for which `fails` holds.
    static func failing(_ c: Column, _ n: Int, _ fails: (Int) -> Bool) -> [Int] {
        var out: [Int] = []
        for i in 0..<n where !isNull(c, i) && fails(i) { out.append(i) }
        return out
    }

    /// Rows (non-null) whose text fails; string columns judge each distinct value once.
    static func failingText(_ c: Column, _ n: Int, _ fails: (String) -> Bool) -> [Int] {
        if case .string(let codes, let dictionary) = c.values {
            let bad = dictionary.values.map(fails)
            return failing(c, n) { bad[Int(codes[$0])] }
        }
        return failing(c, n) { fails(c.formatted(at: $0) ?? "") }
    }

    static func numeric(_ c: Column, _ i: Int) -> Double? {
        if c.type == .string { return c.stringValue(at: i).flatMap { Double($0) } }
        if c.type == .date || c.type == .timestamp || c.type == .bool { return nil }
        return c.doubleValue(at: i)
    }

    static func days(_ c: Column, _ i: Int) -> Int? {
        switch c.values {
        case .date(let a): return Int(a[i])
        case .timestamp(let a): return Int((Double(a[i]) / 86_400_000_000).rounded(.down))
        case .string: return c.stringValue(at: i).flatMap { ISO8601Value.date(Substring($0).prefix(10)) }?.daysSinceEpoch
        default: return nil
        }
    }

    static func conforms(_ c: Column, _ i: Int, _ t: ExpectedType) -> Bool {
        switch (t, c.type) {
        case (.string, _): return true
        case (.int, .int64), (.float, .int64), (.float, .float64), (.float, .float32), (.bool, .bool),
             (.date, .date), (.timestamp, .timestamp), (.timestamp, .date):
            return true
        case (.int, .float64), (.int, .float32):
            let v = c.doubleValue(at: i)!
            return v == v.rounded() && abs(v) < 9.2e18
        case (_, .string):
            let s = c.stringValue(at: i) ?? ""
            switch t {
            case .int: return Int64(s) != nil
            case .float: return Double(s) != nil
            case .bool: return ["true", "false"].contains(s.lowercased())
            case .date: return ISO8601Value.date(Substring(s)) != nil
            case .timestamp: return ISO8601Value.isDateOrDateTime(Substring(s))
            case .string: return true
            }
        default: return false
        }
    }
}

/// A rule's bound as people write it: 18, 0.5, 1e+06.
func short(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : ValueFormat.double(x)
}
