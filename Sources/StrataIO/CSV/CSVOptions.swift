import StrataCore

/// What to do with a line that cannot be read (wrong field count, a value that does not parse
/// as its column's type, a broken quote).
public enum BadRowPolicy: Sendable, Equatable {
    /// Stop at the first bad line with an error naming file, line and column (the default).
    case fail
    /// Keep going; write each rejected line verbatim to `rejectsPath` and count it.
    case skip(rejectsPath: String)
}

/// Options of `CSVReader`; every field has the default a user gets without flags.
public struct CSVReadOptions: Sendable {
    /// Field separator; nil detects among `,` tab `;` `|` from the first lines.
    public var delimiter: UInt8? = nil
    /// Whether the first line names the columns (else `column_1`, `column_2`, …).
    public var hasHeader = true
    /// Unquoted fields equal to one of these are null. A quoted `""` is an empty string.
    public var nullTokens: [String] = ["", "NA", "NULL"]
    /// Per-column type overrides by name; other columns are inferred.
    public var types: [String: DataType] = [:]
    /// Rows sampled from the start of the file for type inference.
    public var sampleRows = 8192
    /// Bad-line handling.
    public var onBadRow: BadRowPolicy = .fail
    /// Worker threads for parsing.
    public var parallelism: Parallelism = .allCores
    /// Bytes of text each worker parses per round; memory in flight is about
    /// `2 × threads × chunkBytes` plus the columns themselves.
    public var chunkBytes = 4 << 20

    public init() {}
}

/// What a read did, for the run report.
public struct CSVReadSummary: Sendable, Equatable {
    public var rows = 0
    public var rejectedRows = 0
    public var rejectsPath: String?
    public var bytes = 0
    public var delimiter: UInt8 = UInt8(ascii: ",")

    public init(rows: Int = 0) { self.rows = rows }
}
