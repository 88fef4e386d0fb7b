import StrataCore
import Yams

/// A rule-segment file: named segments defined by expressions over profile columns and over
/// per-customer event aggregates in time windows, with a consent filter.
///
/// ```yaml
/// key: customer_id                 # the profiles' key (default customer_id)
/// as_of: 2026-07-31                # optional; --as-of overrides; default: the last event's day
/// consent:                         # optional
///   column: email_opt_in           # a profile column: true = may be personalized
///   # or: {table: consent.csv, key: customer_id, column: email}   (per channel or purpose)
/// events:                          # needed by aggregates
///   customer: customer_id
///   time: event_time
///   type: event_type
/// aggregates:                      # per customer, over the events
///   cart_adds_7d: {event: cart_add, window: 7d, function: count}
///   last_cart_add: {event: cart_add, function: last_time}
///   spend_90d: {event: purchase, window: 90d, function: sum, column: amount}
/// segments:                        # in priority order (the first match is the primary segment)
///   - name: cart_abandoners
///     when: cart_adds_7d > 0 and (last_purchase is null or last_purchase < last_cart_add)
///   - name: big_spenders
///     when: spend_90d > 500
/// ```
///
/// Aggregate functions: `count`, `sum`, `mean`, `min`, `max` (of `column`), `first_time`,
/// `last_time`. A window `Nd` or `Nw` keeps the events of the N days (or weeks) ending on the
/// as-of day; without one, every event up to the as-of day counts. Customers without events get
/// count 0, sum 0 and nulls elsewhere.
public struct SegmentSpec: Sendable {
    public struct Consent: Sendable {
        public var column: String
        /// A separate consent table (path as written in the file); nil: `column` is in the profiles.
        public var table: String?
        /// The consent table's key column (default: the profiles' key).
        public var tableKey: String?
    }

    public struct Events: Sendable {
        public var customer: String
        public var time: String
        public var type: String?
    }

    public struct Aggregate: Sendable {
        public enum Function: String, Sendable, CaseIterable { case count, sum, mean, min, max, first_time, last_time }
        public var name: String
        public var event: String?
        public var windowDays: Int?
        public var function: Function
        public var column: String?
        public var line: Int
    }

    public struct Segment: Sendable {
        public var name: String
        public var when: Expression
        public var line: Int
    }

    public var source: String
    public var key = "customer_id"
    public var asOf: Int?
    public var consent: Consent?
    public var events: Events?
    public var aggregates: [Aggregate] = []
    public var segments: [Segment] = []

    /// Parses a segment file.
    /// - Throws: `StrataError.parse` naming the file, line and key (YAML syntax, unknown keys,
    ///   wrong kinds, an expression's syntax error with its position).
    public static func parse(yaml document: String, source: String) throws -> SegmentSpec {
        let y = YAMLSpecReader(source: source)
        let top = try y.top(document, what: "the segment file")
        var spec = SegmentSpec(source: source)
        let fail = y.fail, text = y.text
        func unknown(_ key: Node, _ place: String, _ known: [String]) -> StrataError { y.unknown(key, place, known) }
        for (k, v) in top {
            switch k.string ?? "" {
            case "key": spec.key = try text(v, "key")
            case "as_of":
                guard let d = CivilDate(iso: try text(v, "as_of")) else { throw fail(v, "as_of must be a date YYYY-MM-DD") }
                spec.asOf = d.daysSinceEpoch
            case "consent":
                guard let m = v.mapping else { throw fail(v, "consent must be a mapping (column, and optionally table and key)") }
                var column: String?, table: String?, key: String?
                for (ck, cv) in m {
                    switch ck.string ?? "" {
                    case "column": column = try text(cv, "consent.column")
                    case "table": table = try text(cv, "consent.table")
                    case "key": key = try text(cv, "consent.key")
                    default: throw unknown(ck, "consent", ["column", "table", "key"])
                    }
                }
                guard let column else { throw fail(v, "consent needs a column") }
                spec.consent = Consent(column: column, table: table, tableKey: key)
            case "events":
                guard let m = v.mapping else { throw fail(v, "events must be a mapping (customer, time, type)") }
                var customer: String?, time: String?, type: String?
                for (ek, ev) in m {
                    switch ek.string ?? "" {
                    case "customer": customer = try text(ev, "events.customer")
                    case "time": time = try text(ev, "events.time")
                    case "type": type = try text(ev, "events.type")
                    default: throw unknown(ek, "events", ["customer", "time", "type"])
                    }
                }
                guard let customer, let time else { throw fail(v, "events needs customer and time") }
                spec.events = Events(customer: customer, time: time, type: type)
            case "aggregates":
                guard let m = v.mapping else { throw fail(v, "aggregates must map names to {event, window, function, column}") }
                for (ak, av) in m {
                    let name = try text(ak, "an aggregate's name")
                    guard let fields = av.mapping else { throw fail(av, "aggregate '\(name)' must be a mapping") }
                    var agg = Aggregate(name: name, event: nil, windowDays: nil, function: .count, column: nil, line: ak.mark?.line ?? 0)
                    for (fk, fv) in fields {
                        switch fk.string ?? "" {
                        case "event": agg.event = try text(fv, "\(name).event")
                        case "column": agg.column = try text(fv, "\(name).column")
                        case "function":
                            guard let f = Aggregate.Function(rawValue: try text(fv, "\(name).function")) else {
                                throw fail(fv, "\(name).function must be one of \(Aggregate.Function.allCases.map(\.rawValue).joined(separator: ", "))")
                            }
                            agg.function = f
                        case "window":
                            let w = try text(fv, "\(name).window")
                            guard let unit = w.last, "dw".contains(unit), let count = Int(w.dropLast()), count > 0 else {
                                throw fail(fv, "\(name).window must be days or weeks, e.g. 7d or 4w, not '\(w)'")
                            }
                            agg.windowDays = unit == "w" ? 7 * count : count
                        default: throw unknown(fk, "aggregate '\(name)'", ["event", "window", "function", "column"])
                        }
                    }
                    if [.sum, .mean, .min, .max].contains(agg.function) && agg.column == nil {
                        throw fail(ak, "aggregate '\(name)' (\(agg.function.rawValue)) needs a column")
                    }
                    spec.aggregates.append(agg)
                }
            case "segments":
                guard let list = v.sequence else { throw fail(v, "segments must be a list of {name, when}") }
                for item in list {
                    guard let m = item.mapping else { throw fail(item, "each segment must be a mapping with name and when") }
                    var name: String?, when: (String, Node)?
                    for (sk, sv) in m {
                        switch sk.string ?? "" {
                        case "name": name = try text(sv, "a segment's name")
                        case "when": when = (try text(sv, "a segment's when"), sv)
                        case "description": break
                        default: throw unknown(sk, "a segment", ["name", "when", "description"])
                        }
                    }
                    guard let name, let when else { throw fail(item, "each segment needs a name and a when") }
                    let expression: Expression
                    do { expression = try Expression(when.0) } catch var e as StrataError {
                        e.file = source
                        e.line = when.1.mark?.line
                        e.message = "segment '\(name)': " + e.message
                        throw e
                    }
                    spec.segments.append(Segment(name: name, when: expression, line: item.mark?.line ?? 0))
                }
            default:
                throw unknown(k, "the segment file", ["key", "as_of", "consent", "events", "aggregates", "segments"])
            }
        }
        guard !spec.segments.isEmpty else { throw StrataError(.parse, "the segment file defines no segments", file: source) }
        var names = Set([spec.key, "primary_segment"])
        for s in spec.segments {
            guard names.insert(s.name).inserted else { throw StrataError(.parse, "segment name '\(s.name)' is used twice (or clashes with the key)", file: source, line: s.line) }
        }
        if !spec.aggregates.isEmpty && spec.events == nil {
            throw StrataError(.parse, "aggregates need an events section (customer, time, type)", file: source, line: spec.aggregates[0].line)
        }
        return spec
    }
}
