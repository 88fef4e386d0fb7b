import StrataAnomaly
import StrataCore

/// How much a failing rule matters: an error quarantines the failing rows, a warning reports them.
public enum RuleSeverity: String, Sendable, Codable, Comparable {
    case warning, error
    public static func < (a: RuleSeverity, b: RuleSeverity) -> Bool { a == .warning && b == .error }
}

/// The declared type of a column's values.
public enum ExpectedType: String, Sendable, Codable, CaseIterable {
    case int, float, string, bool, date, timestamp
}

/// Expectations on one column. Every field is optional; nil = not checked.
public struct ColumnRules: Sendable {
    public var column: String
    /// Line of the column's entry in the rules file (for errors).
    public var line: Int
    public var severity: RuleSeverity = .error
    /// Every non-null value is of this type (a value that does not parse as it fails).
    public var type: ExpectedType?
    public var notNull = false
    /// No value occurs twice (nulls ignored); the second and later occurrences fail.
    public var unique = false
    /// Numeric values within [min, max] (either bound optional, inclusive).
    public var minimum: Double?
    public var maximum: Double?
    /// Values (as text) among these.
    public var allowed: [String]?
    /// Values (as text) in which this regular expression finds a match (anchor it with ^…$ for
    /// a whole-value match).
    public var pattern: String?
    /// Values are ISO 8601 dates (YYYY-MM-DD) or date-times (YYYY-MM-DDTHH:MM[:SS[.f]][Z|±HH:MM]).
    public var iso8601 = false
    /// Dates within [from, to] (inclusive), ISO 8601.
    public var dateFrom: CivilDate?
    public var dateTo: CivilDate?
    /// At most this share of the rows is null (a column-level rule).
    public var maxNullFraction: Double?

    public init(column: String, line: Int) {
        self.column = column
        self.line = line
    }
}

/// The data-set-level anomaly check: an Isolation Forest on chosen columns.
public struct AnomalyRule: Sendable {
    public var columns: [String]
    public var line: Int
    public var contamination = 0.01
    public var trees = 100
    public var seed: UInt64 = 0
    public var severity: RuleSeverity = .warning

    public init(columns: [String], line: Int) {
        self.columns = columns
        self.line = line
    }
}

/// A declarative set of expectations on a table (the `--rules` file of `strata validate`).
public struct RuleSet: Sendable {
    /// Table-level row-count bounds.
    public var minimumRows: Int?
    public var maximumRows: Int?
    public var columns: [ColumnRules] = []
    public var anomalies: AnomalyRule?
    /// The rules file (for errors).
    public var source: String

    public init(source: String) { self.source = source }
}
