import StrataCore

/// What a segment run did: sizes, exclusions and their reasons.
public struct SegmentSummary: Sendable, Codable {
    public var profiles = 0
    /// Customers in the outputs (after the consent filter).
    public var included = 0
    /// Customers left out for lack of consent, by reason.
    public var excludedNoConsent = 0
    public var excludedConsentMissing = 0
    public var consentSource: String?
    public var asOf = ""
    /// Members per segment (customers may be in several), in priority order.
    public var sizes: [String: Int] = [:]
    public var order: [String] = []
    /// Customers per primary segment (the first match), and without any segment.
    public var primary: [String: Int] = [:]
    public var unsegmented = 0
}

/// Runs a `SegmentSpec` over profiles (and events): the consent filter, the event aggregates,
/// one membership column per segment, and the primary segment.
public enum Segmenter {
    /// - Parameters:
    ///   - profiles: one row per customer, with the spec's key column.
    ///   - events: the event log the aggregates read (needed when the spec has aggregates).
    ///   - consentTable: the consent table when the spec names one.
    ///   - asOf: overrides the spec's as-of day.
    /// - Returns: the output (`key`, one bool column per segment, `primary_segment`) holding only
    ///   customers with consent, the profiles extended with the aggregates (for inspection), and
    ///   the summary.
    /// - Throws: `StrataError` for unknown columns, type errors in rules (with their position),
    ///   key type mismatches.
    public static func run(_ spec: SegmentSpec, profiles: Table, events: Table? = nil, consentTable: Table? = nil,
                           asOf: Int? = nil) throws -> (output: Table, features: Table, summary: SegmentSummary) {
        var summary = SegmentSummary()
        summary.profiles = profiles.rowCount
        let key = try profiles.column(spec.key)

        // As-of: the override, the spec's, else the last event's day, else today's data edge.
        var day = asOf ?? spec.asOf
        if day == nil, let events, let e = spec.events {
            let t = try events.column(e.time)
            var last = Int.min
            for i in 0..<t.count { if let d = t.day(at: i) { last = max(last, d) } }
            if last != Int.min { day = last }
        }
        let asOfDay = day ?? 0
        summary.asOf = CivilDate(daysSinceEpoch: asOfDay).description

        // Event aggregates joined onto the profiles.
        var features = profiles
        if !spec.aggregates.isEmpty, let e = spec.events {
            guard let events else { throw StrataError(.invalidConfiguration, "the segment file has aggregates: give the events file (--events)") }
            for (name, column) in try aggregate(spec, e, events: events, profileKey: key, asOf: asOfDay) {
                guard profiles.schema.index(of: name) == nil else {
                    throw StrataError(.invalidConfiguration, "aggregate '\(name)' has the name of a profile column", file: spec.source)
                }
                features = try features.adding(name, column)
            }
        }

        // Consent: who may be personalized.
        var allowed = [Bool](repeating: true, count: profiles.rowCount)
        if let consent = spec.consent {
            let filter: ConsentFilter
            if let table = consent.table {
                guard let consentTable else { throw StrataError(.invalidConfiguration, "the segment file names a consent table: give it (--consent)") }
                filter = try ConsentFilter(keys: key, profiles: consentTable, key: consent.tableKey ?? spec.key, column: consent.column)
                summary.consentSource = "\(table):\(consent.column)"
            } else {
                filter = try ConsentFilter(flags: try profiles.column(consent.column), name: consent.column)
                summary.consentSource = consent.column
            }
            allowed = filter.allowed
            summary.excludedNoConsent = filter.declined
            summary.excludedConsentMissing = filter.missing
        }

        // Rules: checked first (names, types), then evaluated over the consenting rows only.
        for s in spec.segments {
            do { try s.when.check(against: features, condition: true) } catch var e as StrataError {
                e.file = spec.source
                e.line = s.line
                e.message = "segment '\(s.name)': " + e.message
                throw e
            }
        }
        let kept = allowed.indices.filter { allowed[$0] }
        let subset = features.gathering(kept)
        summary.included = kept.count
        var names = [spec.key], columns = [key.gathering(kept)]
        var primary = [String?](repeating: nil, count: kept.count)
        for s in spec.segments {
            let member = try s.when.filter(subset, asOf: asOfDay)
            names.append(s.name)
            columns.append(Column(.bool(PrimitiveArray(member.map { $0 ? UInt8(1) : 0 }))))
            summary.sizes[s.name] = member.reduce(0) { $0 + ($1 ? 1 : 0) }
            summary.order.append(s.name)
            for i in 0..<kept.count where member[i] && primary[i] == nil { primary[i] = s.name }
        }
        let p = ColumnBuilder(type: .string)
        for s in primary {
            if let s { p.append(s); summary.primary[s, default: 0] += 1 } else { p.appendNull(); summary.unsegmented += 1 }
        }
        names.append("primary_segment")
        columns.append(p.finish())
        return (try Table(names: names, columns: columns), features, summary)
    }

    /// The aggregate columns, one value per profile row.
    ///
    /// One pass over the events per aggregate, reading the columns in place: times as stored
    /// (timestamps in µs), the event type as its dictionary index, values through their own buffer
    /// and validity — no per-event arrays are allocated.
    static func aggregate(_ spec: SegmentSpec, _ e: SegmentSpec.Events, events: Table, profileKey: Column,
                          asOf: Int) throws -> [(String, Column)] {
        let customer = try events.column(e.customer), time = try events.column(e.time)
        let type = try e.type.map { try events.column($0) }
        let keys = try GroupKeys(customer, name: e.customer)
        let match = try KeyLookup(keys, column: customer).match(profileKey, name: spec.key)
        let n = events.rowCount, g = keys.count
        let perDay: Int64 = 86_400_000_000
        // Event times in µs: timestamps as they are, dates at midnight.
        let micros: PrimitiveArray<Int64>
        switch time.values {
        case .timestamp(let a): micros = a
        case .date(let a): micros = PrimitiveArray(a.map { Int64($0) * perDay })
        default:
            throw StrataError(.typeMismatch, "event time '\(e.time)' holds \(time.type) values, not dates or timestamps", column: e.time)
        }
        var out: [(String, Column)] = []
        for agg in spec.aggregates {
            // The event type as a dictionary index (-2: no such type in the data, nothing matches).
            var wantedType: Int32?
            if let event = agg.event {
                guard let type else { throw StrataError(.invalidConfiguration, "aggregate '\(agg.name)' filters on an event type: name the type column in events", file: spec.source, line: agg.line) }
                guard case .string(_, let dict) = type.values else { throw StrataError(.typeMismatch, "event type column must hold text", column: e.type) }
                wantedType = dict.values.firstIndex(of: event).map(Int32.init) ?? -2
            }
            var value: Column?
            if let name = agg.column {
                let c = try events.column(name)
                guard c.type.isNumeric else { throw StrataError(.typeMismatch, "aggregate '\(agg.name)': column '\(name)' is not numeric", file: spec.source, line: agg.line) }
                value = c
            }
            let upper = Int64(asOf + 1) * perDay
            let lower = agg.windowDays.map { Int64(asOf + 1 - $0) * perDay } ?? Int64.min
            var count = [Int](repeating: 0, count: g), sum = [Double](repeating: 0, count: g)
            var seen = [Int](repeating: 0, count: g)
            var best = [Double](repeating: .nan, count: g)
            let function = agg.function
            let typeIndices: PrimitiveArray<Int32>? = { if case .string(let idx, _)? = type?.values { return idx } else { return nil } }()
            let doubles: PrimitiveArray<Double>? = { if case .float64(let a)? = value?.values { return a } else { return nil } }()
            keys.ids.withUnsafeBufferPointer { ids in
            micros.withUnsafeBufferPointer { t in
            count.withUnsafeMutableBufferPointer { count in
            sum.withUnsafeMutableBufferPointer { sum in
            seen.withUnsafeMutableBufferPointer { seen in
            best.withUnsafeMutableBufferPointer { best in
                let typeBase = typeIndices?.withUnsafeBufferPointer { $0.baseAddress }
                let doubleBase = doubles?.withUnsafeBufferPointer { $0.baseAddress }
                for i in 0..<n {
                    let c = ids[i], ti = t[i]
                    guard c >= 0, ti >= lower, ti < upper else { continue }
                    if let wantedType {
                        guard let typeBase, typeBase[i] == wantedType, type!.nullCount == 0 || type!.isValid(i) else { continue }
                    }
                    if time.nullCount > 0 && !time.isValid(i) { continue }
                    let cg = Int(c)
                    count[cg] += 1
                    switch function {
                    case .count: break
                    case .first_time: if best[cg].isNaN || Double(ti) < best[cg] { best[cg] = Double(ti) }
                    case .last_time: if best[cg].isNaN || Double(ti) > best[cg] { best[cg] = Double(ti) }
                    case .sum, .mean, .min, .max:
                        let v = value!
                        guard v.nullCount == 0 || v.isValid(i) else { continue }
                        let x = doubleBase.map { $0[i] } ?? (v.doubleValue(at: i) ?? .nan)
                        guard !x.isNaN else { continue }
                        seen[cg] += 1
                        sum[cg] += x
                        if function == .min && (best[cg].isNaN || x < best[cg]) { best[cg] = x }
                        if function == .max && (best[cg].isNaN || x > best[cg]) { best[cg] = x }
                    }
                }
            } } } } } }
            let column: Column
            switch agg.function {
            case .count:
                column = Column(.int64(PrimitiveArray(match.map { $0 < 0 ? 0 : Int64(count[Int($0)]) })))
            case .sum:
                column = Column(.float64(PrimitiveArray(match.map { $0 < 0 ? 0 : sum[Int($0)] })))
            case .mean, .min, .max:
                let b = ColumnBuilder(type: .float64)
                for m in match {
                    guard m >= 0, seen[Int(m)] > 0 else { b.appendNull(); continue }
                    b.append(agg.function == .mean ? sum[Int(m)] / Double(seen[Int(m)]) : best[Int(m)])
                }
                column = b.finish()
            case .first_time, .last_time:
                let b = ColumnBuilder(type: .timestamp)
                for m in match {
                    guard m >= 0, !best[Int(m)].isNaN else { b.appendNull(); continue }
                    b.append(Int64(best[Int(m)]))
                }
                column = b.finish()
            }
            out.append((agg.name, column))
        }
        return out
    }
}

/// `body` with the array's elements, or nil when there is no array (no placeholder allocated).
private func withOptionalBuffer<T, R>(_ array: [T]?, _ body: (UnsafePointer<T>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
