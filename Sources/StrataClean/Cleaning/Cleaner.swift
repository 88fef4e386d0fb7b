import Foundation
import StrataCore
import StrataAnalytics
import Yams

/// What to clean, per column (see `CleaningSpec.parse` for the YAML form).
public struct CleaningSpec: Sendable {
    public struct Categorical: Sendable {
        public var trim = true
        /// "lower", "upper" or nil (keep case).
        public var caseFold: String? = "lower"
        /// Applied after trimming and case-folding (keys compared in that form).
        public var mapping: [String: String] = [:]
    }

    public enum Missing: Sendable, Equatable {
        case median, mean, mode, drop
        case constant(String)
    }

    public var dates: [String: DateCleaner] = [:]
    public var categoricals: [String: Categorical] = [:]
    public var emails: [String] = []
    public var phones: [String: PhoneRegion] = [:]
    public var types: [String: DataType] = [:]
    /// Applied last, in column order.
    public var missing: [(String, Missing)] = []

    public init() {}

    /// Parses:
    /// ```yaml
    /// dates: {signup_date: {formats: [dmy, ymd]}, last_seen: {}}   # {} detects the format
    /// categoricals: {region: {trim: true, case: lower, map: {n: north, nth: north}}}
    /// emails: [email]
    /// phones: {phone: US}
    /// types: {age: int64}
    /// missing: {income: median, age: {constant: 40}, region: mode, email: drop}
    /// ```
    /// - Throws: `StrataError.parse` naming the file, line and key.
    public static func parse(yaml document: String, source: String) throws -> CleaningSpec {
        let top = try YAMLSpecReader(source: source).top(document, what: "the cleaning spec")
        return try parse(top, source: source)
    }

    /// Parses an already-composed mapping (a section of a larger file).
    public static func parse(_ top: Node.Mapping, source: String) throws -> CleaningSpec {
        var spec = CleaningSpec()
        let y = YAMLSpecReader(source: source)
        let fail = y.fail, text = y.text, mapping = y.mapping
        for (k, v) in top {
            switch k.string ?? "" {
            case "dates":
                for (ck, cv) in try mapping(v, "dates") {
                    let column = try text(ck, "a column name")
                    var cleaner = DateCleaner()
                    for (fk, fv) in try mapping(cv, "dates.\(column)") {
                        guard fk.string == "formats", let list = fv.sequence else { throw fail(fk, "dates.\(column) takes formats: [ymd, dmy, mdy]") }
                        cleaner.formats = try list.map { node in
                            guard let o = DateCleaner.Order(rawValue: try text(node, "a format")) else { throw fail(node, "date formats are ymd, dmy and mdy") }
                            return o
                        }
                    }
                    spec.dates[column] = cleaner
                }
            case "categoricals":
                for (ck, cv) in try mapping(v, "categoricals") {
                    let column = try text(ck, "a column name")
                    var c = Categorical()
                    for (fk, fv) in try mapping(cv, "categoricals.\(column)") {
                        switch fk.string ?? "" {
                        case "trim": c.trim = fv.bool ?? true
                        case "case":
                            let t = try text(fv, "case")
                            guard ["lower", "upper", "keep"].contains(t) else { throw fail(fv, "case must be lower, upper or keep") }
                            c.caseFold = t == "keep" ? nil : t
                        case "map":
                            for (mk, mv) in try mapping(fv, "map") { c.mapping[try text(mk, "a mapped value")] = try text(mv, "a mapped value") }
                        default: throw fail(fk, "unknown key '\(fk.string ?? "?")' in categoricals.\(column) (known: trim, case, map)")
                        }
                    }
                    spec.categoricals[column] = c
                }
            case "emails":
                guard let list = v.sequence else { throw fail(v, "emails must be a list of columns") }
                spec.emails = try list.map { try text($0, "a column name") }
            case "phones":
                for (ck, cv) in try mapping(v, "phones") {
                    guard let region = PhoneRegion(iso: try text(cv, "a region")) else { throw fail(cv, "unknown phone region '\(cv.string ?? "")'") }
                    spec.phones[try text(ck, "a column name")] = region
                }
            case "types":
                for (ck, cv) in try mapping(v, "types") {
                    guard let t = DataType(userName: try text(cv, "a type")) else { throw fail(cv, "unknown type '\(cv.string ?? "")'") }
                    spec.types[try text(ck, "a column name")] = t
                }
            case "missing":
                for (ck, cv) in try mapping(v, "missing") {
                    let column = try text(ck, "a column name")
                    if let m = cv.mapping {
                        guard m.count == 1, let first = m.first, first.key.string == "constant" else { throw fail(cv, "missing.\(column) takes median, mean, mode, drop or {constant: value}") }
                        spec.missing.append((column, .constant(try text(first.value, "the constant"))))
                    } else {
                        switch try text(cv, "missing.\(column)") {
                        case "median": spec.missing.append((column, .median))
                        case "mean": spec.missing.append((column, .mean))
                        case "mode": spec.missing.append((column, .mode))
                        case "drop": spec.missing.append((column, .drop))
                        default: throw fail(cv, "missing.\(column) takes median, mean, mode, drop or {constant: value}")
                        }
                    }
                }
            default:
                throw fail(k, "unknown key '\(k.string ?? "?")' in the cleaning spec (known: dates, categoricals, emails, phones, types, missing)")
            }
        }
        return spec
    }
}

/// Counts and choices of a cleaning run, per column: what changed and why, which values
/// imputation used (reusable on new data through `Cleaner.clean(imputation:)`).
public struct CleaningReport: Sendable, Codable {
    public struct ColumnReport: Sendable, Codable {
        public var column: String
        public var step: String
        /// Values rewritten (standardized), set null (invalid or ambiguous), and rows dropped.
        public var changed = 0
        public var invalid = 0
        public var ambiguous = 0
        public var dropped = 0
        public var imputed = 0
        public var value: String?
        public var detail: String?
        /// Up to five rows (1-based data rows) with problems, for the report.
        public var examples: [String] = []
    }
    public var rowsIn = 0
    public var rowsOut = 0
    public var columns: [ColumnReport] = []

    /// The imputation values used, by column (feed them to the next run to prepare new data the same way).
    public var imputation: [String: String] {
        Dictionary(columns.compactMap { c in c.step.hasPrefix("impute") ? c.value.map { (c.column, $0) } : nil }, uniquingKeysWith: { a, _ in a })
    }
}

/// Applies a `CleaningSpec` to a table.
public enum Cleaner {
    /// - Parameter imputation: values to impute with instead of computing them (from a previous report).
    /// - Throws: `StrataError.columnNotFound`, `.typeMismatch` (a statistic of a text column).
    public static func clean(_ table: Table, spec: CleaningSpec, imputation: [String: String] = [:]) throws -> (table: Table, report: CleaningReport) {
        var t = table
        var report = CleaningReport(rowsIn: table.rowCount)
        func examples(_ rows: [Int], _ column: Column) -> [String] {
            rows.prefix(5).map { "row \($0 + 1): '\(column.formatted(at: $0) ?? "")'" }
        }
        for (name, cleaner) in spec.dates.sorted(by: { $0.key < $1.key }) {
            let c = try t.column(name)
            let outcome = cleaner.clean(c)
            let b = ColumnBuilder(type: .date)
            var changed = 0
            for (i, d) in outcome.days.enumerated() {
                if let d {
                    b.appendDate(d)
                    if c.formatted(at: i) != CivilDate(daysSinceEpoch: Int(d)).description { changed += 1 }
                } else { b.appendNull() }
            }
            t = try t.adding(name, b.finish())
            var r = CleaningReport.ColumnReport(column: name, step: "dates")
            r.changed = changed
            r.invalid = outcome.unparseable.count
            r.ambiguous = outcome.ambiguous.count
            r.detail = outcome.detected.map { "numeric dates read as \($0.rawValue) from the column's unambiguous values" }
                ?? (outcome.ambiguous.isEmpty ? nil : "day/month order undecidable: ambiguous values left null (list formats to decide)")
            r.examples = examples(outcome.ambiguous, c) + examples(outcome.unparseable, c)
            report.columns.append(r)
        }
        for (name, cat) in spec.categoricals.sorted(by: { $0.key < $1.key }) {
            let c = try t.column(name)
            guard case .string = c.values else { throw StrataError(.typeMismatch, "categorical '\(name)' holds \(c.type) values, not text", column: name) }
            var r = CleaningReport.ColumnReport(column: name, step: "categorical")
            let b = ColumnBuilder(type: .string)
            for i in 0..<c.count {
                guard var s = c.stringValue(at: i) else { b.appendNull(); continue }
                let original = s
                if cat.trim { s = s.trimmingCharacters(in: .whitespacesAndNewlines) }
                if cat.caseFold == "lower" { s = s.lowercased() } else if cat.caseFold == "upper" { s = s.uppercased() }
                if let m = cat.mapping[s] { s = m }
                if s != original { r.changed += 1 }
                if s.isEmpty { b.appendNull(); r.invalid += 1 } else { b.append(s) }
            }
            t = try t.adding(name, b.finish())
            report.columns.append(r)
        }
        let textual: [(String, Normalize, PhoneRegion)] = spec.emails.map { ($0, .email, .us) } + spec.phones.sorted { $0.key < $1.key }.map { ($0.key, .phone, $0.value) }
        for (name, normalize, region) in textual {
            let c = try t.column(name)
            var r = CleaningReport.ColumnReport(column: name, step: normalize == .email ? "email" : "phone (E.164)")
            let b = ColumnBuilder(type: .string)
            var bad: [Int] = []
            for i in 0..<c.count {
                guard let s = c.formatted(at: i) else { b.appendNull(); continue }
                if let v = normalize.apply(s, region: region) {
                    if v != s { r.changed += 1 }
                    b.append(v)
                } else {
                    b.appendNull(); r.invalid += 1; bad.append(i)
                }
            }
            r.examples = examples(bad, c)
            t = try t.adding(name, b.finish())
            report.columns.append(r)
        }
        for (name, type) in spec.types.sorted(by: { $0.key < $1.key }) {
            let c = try t.column(name)
            guard c.type != type else { continue }
            var r = CleaningReport.ColumnReport(column: name, step: "type \(type.rawValue)")
            let b = ColumnBuilder(type: type)
            var bad: [Int] = []
            for i in 0..<c.count {
                guard let s = c.formatted(at: i)?.trimmingCharacters(in: .whitespaces) else { b.appendNull(); continue }
                r.changed += 1
                switch type {
                case .int64: if let v = Int64(s) ?? Double(s).flatMap({ $0 == $0.rounded() ? Int64(exactly: $0) : nil }) { b.append(v) } else { b.appendNull(); bad.append(i) }
                case .float64: if let v = Double(s) { b.append(v) } else { b.appendNull(); bad.append(i) }
                case .float32: if let v = Float(s) { b.append(v) } else { b.appendNull(); bad.append(i) }
                case .bool:
                    switch s.lowercased() {
                    case "true", "t", "yes", "y", "1": b.append(true)
                    case "false", "f", "no", "n", "0": b.append(false)
                    default: b.appendNull(); bad.append(i)
                    }
                case .date: if let d = CivilDate(iso: String(s.prefix(10))) { b.appendDate(Int32(d.daysSinceEpoch)) } else { b.appendNull(); bad.append(i) }
                case .string: b.append(s)
                case .timestamp: b.appendNull(); bad.append(i)
                }
            }
            r.invalid = bad.count
            r.changed -= bad.count
            r.examples = examples(bad, c)
            t = try t.adding(name, b.finish())
            report.columns.append(r)
        }
        for (name, policy) in spec.missing {
            let c = try t.column(name)
            var r = CleaningReport.ColumnReport(column: name, step: "impute")
            let nulls = (0..<c.count).filter { !c.isValid($0) }
            if policy == .drop {
                r.step = "drop missing"
                r.dropped = nulls.count
                let keep = Set(nulls)
                t = t.gathering((0..<t.rowCount).filter { !keep.contains($0) })
                report.columns.append(r)
                continue
            }
            let value: String
            if let given = imputation[name] {
                value = given
                r.detail = "value from the previous run's report"
            } else {
                switch policy {
                case .constant(let v): value = v
                case .mode:
                    var counts: [String: Int] = [:]
                    for i in 0..<c.count { if let s = c.formatted(at: i) { counts[s, default: 0] += 1 } }
                    guard let best = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else { continue }
                    value = best.key
                case .median, .mean:
                    guard c.type.isNumeric else { throw StrataError(.typeMismatch, "\(policy == .median ? "median" : "mean") of '\(name)', a \(c.type) column", column: name) }
                    let xs = (0..<c.count).compactMap { c.doubleValue(at: $0) }.filter { !$0.isNaN }.sorted()
                    guard !xs.isEmpty else { continue }
                    let v = policy == .mean ? xs.reduce(0, +) / Double(xs.count) : (xs.count % 2 == 1 ? xs[xs.count / 2] : (xs[xs.count / 2 - 1] + xs[xs.count / 2]) / 2)
                    value = c.type == .int64 && v == v.rounded() ? String(Int64(v)) : String(v)
                case .drop: continue
                }
            }
            r.step = "impute \(policy)"
            r.value = value
            r.imputed = nulls.count
            guard !nulls.isEmpty else { report.columns.append(r); continue }
            let b = ColumnBuilder(type: c.type == .int64 && Double(value).map({ $0 != $0.rounded() }) == true ? .float64 : c.type)
            let isNull = Set(nulls)
            for i in 0..<c.count {
                let s = isNull.contains(i) ? value : c.formatted(at: i)!
                switch b.type {
                case .float64: b.append(Double(s) ?? .nan)
                case .float32: b.append(Float(s) ?? .nan)
                case .int64: if let v = Int64(s) { b.append(v) } else { b.appendNull() }
                case .bool: b.append(s == "true")
                case .date: if let d = CivilDate(iso: s) { b.appendDate(Int32(d.daysSinceEpoch)) } else { b.appendNull() }
                case .string: b.append(s)
                case .timestamp: b.appendNull()
                }
            }
            t = try t.adding(name, b.finish())
            report.columns.append(r)
        }
        report.rowsOut = t.rowCount
        return (t, report)
    }
}

extension CleaningSpec.Missing: CustomStringConvertible {
    public var description: String {
        switch self {
        case .median: return "median"
        case .mean: return "mean"
        case .mode: return "mode"
        case .drop: return "drop"
        case .constant: return "constant"
        }
    }
}
