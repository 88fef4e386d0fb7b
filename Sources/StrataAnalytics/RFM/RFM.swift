import StrataCore

/// What to do with transactions whose amount is negative (returns) or missing.
public enum AmountPolicy: String, Sendable, CaseIterable {
    /// Stop with an error naming the first such row (default).
    case error
    /// Leave those transactions out entirely (counted in the summary).
    case drop
    /// Keep the purchase, with amount 0 (counted in the summary).
    case zero
}

/// Lifecycle stages from first purchase, last purchase and purchase count at the as-of day.
/// Checked in this order: churned, lapsed, new, loyal, active.
public struct LifecycleThresholds: Sendable, Equatable {
    /// First purchase at most this many days before as-of: `new` (default 30).
    public var newDays = 30
    /// Last purchase more than this many days before as-of: `lapsed` (default 90).
    public var lapsedDays = 90
    /// Last purchase more than this many days before as-of: `churned` (default 365).
    public var churnedDays = 365
    /// At least this many purchases (and not lapsed): `loyal` (default 5).
    public var loyalPurchases = 5

    public init() {}

    /// The stage of one customer.
    public func stage(recencyDays: Int, tenureDays: Int, purchases: Int) -> String {
        if recencyDays > churnedDays { return "churned" }
        if recencyDays > lapsedDays { return "lapsed" }
        if tenureDays <= newDays { return "new" }
        if purchases >= loyalPurchases { return "loyal" }
        return "active"
    }
}

/// Parameters of an RFM run; every field has a documented default.
public struct RFMConfiguration: Sendable {
    /// The day recency and T are measured at (days since 1970-01-01). Default: the last
    /// transaction's day, as lifetimes' `observation_period_end`. Later transactions are ignored.
    public var asOf: Int?
    /// Negative or missing amounts (default `.error`).
    public var amountPolicy = AmountPolicy.error
    public var lifecycle = LifecycleThresholds()
    public var parallelism = Parallelism.allCores

    public init() {}
}

/// Counts of what an RFM run used and left out.
public struct RFMSummary: Sendable, Equatable, Codable {
    public var customers = 0
    public var transactions = 0
    public var asOf = ""
    public var negativeAmounts = 0
    public var missingAmounts = 0
    /// Transactions left out: after the as-of day, a null customer or date, or by the amount policy.
    public var afterAsOf = 0
    public var nullKeys = 0
    public var dropped = 0
}

/// Recency, frequency and monetary value per customer, RFM scores and named segments, lifecycle
/// stages, and the buy-till-you-die summary of the `lifetimes` package.
///
/// Per customer: `recency_days` (as-of day − last purchase day), `purchases` (transactions),
/// `monetary_total`, `monetary_mean`, `first_purchase`, `last_purchase`; `r_score`, `f_score`,
/// `m_score` 1–5 and `rfm_score` ("545"); `rfm_segment` (`RFMSegments`); `lifecycle`; and
/// lifetimes' `summary_data_from_transaction_data` with daily periods: purchases on the same day
/// merged (amounts summed), `frequency` = purchase days − 1, `recency` = last − first purchase day,
/// `T` = as-of − first purchase day, `monetary_value` = mean of the repeat days' amounts (0 when
/// none).
///
/// Scores are quintiles by rank with ties sharing a score: a customer's score is
/// 1 + ⌊5 · (number of customers with a strictly worse value) / customers⌋, where worse is
/// older for recency, fewer for purchases and less for monetary_total (compared rounded to 1e-6,
/// so that the order amounts were added in cannot split a tie). Equal values always get equal
/// scores, whatever the row order.
public enum RFM {
    /// - Parameters:
    ///   - transactions: one row per purchase.
    ///   - customer, date, amount: column names (customer int64 or string; date a date or timestamp).
    /// - Throws: `StrataError` `.columnNotFound`, `.typeMismatch` (a date column that is not a
    ///   date), `.missingValue` (a bad amount under `.error`, naming the row).
    /// - Complexity: O(n + customers · log customers).
    public static func compute(_ transactions: Table, customer: String, date: String, amount: String,
                               configuration: RFMConfiguration = RFMConfiguration()) throws -> (table: Table, summary: RFMSummary) {
        let log = try TransactionLog(transactions, customer: customer, date: date, amount: amount,
                                     policy: configuration.amountPolicy, asOf: configuration.asOf)
        return try compute(log, configuration: configuration)
    }

    /// RFM from a prepared log (its amount column required); `configuration`'s as-of and amount
    /// policy were applied when the log was built.
    public static func compute(_ log: TransactionLog, configuration: RFMConfiguration = RFMConfiguration()) throws -> (table: Table, summary: RFMSummary) {
        guard let amounts = log.amounts else { throw StrataError(.invalidConfiguration, "RFM needs an amount column") }
        var summary = log.summary
        let days = log.days, grouped = log.grouped, keys = log.keys, asOf = log.asOf
        let customer = log.customerName, key = log.key

        // Per customer, in parallel over ranges of customers.
        let g = max(keys.count, 1)  // one spare slot keeps the buffers non-empty
        var recency = [Int](repeating: 0, count: g), purchases = [Int](repeating: 0, count: g)
        var total = [Double](repeating: 0, count: g), first = [Int32](repeating: 0, count: g), last = [Int32](repeating: 0, count: g)
        var frequency = [Double](repeating: 0, count: g), ltRecency = [Double](repeating: 0, count: g)
        var ltT = [Double](repeating: 0, count: g), ltMonetary = [Double](repeating: 0, count: g)
        withUnsafeOutputs(&recency, &purchases, &total, &first, &last, &frequency, &ltRecency, &ltT, &ltMonetary) { out in
            let groups = keys.count, tasks = configuration.parallelism.threads * 4
            configuration.parallelism.forEach(tasks) { task in
                let lo = groups * task / tasks, hi = groups * (task + 1) / tasks
                var scratch: [(Int32, Double)] = []
                for c in lo..<hi {
                    // The log holds days and amounts in grouped order: this customer's are contiguous.
                    let span = grouped.offsets[c]..<grouped.offsets[c + 1]
                    out.purchases[c] = span.count
                    guard !span.isEmpty else { continue }
                    scratch.removeAll(keepingCapacity: true)
                    for j in span { scratch.append((days[j], amounts[j])) }
                    scratch.sort { $0.0 < $1.0 }
                    var sum = 0.0
                    for s in scratch { sum += s.1 }
                    out.total[c] = sum
                    out.first[c] = scratch.first!.0
                    out.last[c] = scratch.last!.0
                    out.recency[c] = asOf - Int(scratch.last!.0)
                    // lifetimes: per-day sums; the first day is not a repeat.
                    var purchaseDays = 0, repeatSum = 0.0, daySum = 0.0, day: Int32 = scratch[0].0
                    for (k, s) in scratch.enumerated() {
                        if k > 0 && s.0 != day {
                            if purchaseDays > 0 { repeatSum += daySum }
                            purchaseDays += 1
                            daySum = 0
                            day = s.0
                        }
                        daySum += s.1
                    }
                    if purchaseDays > 0 { repeatSum += daySum }
                    out.frequency[c] = Double(purchaseDays)
                    out.ltRecency[c] = Double(scratch.last!.0 - scratch.first!.0)
                    out.ltT[c] = Double(asOf - Int(scratch.first!.0))
                    out.ltMonetary[c] = purchaseDays > 0 ? repeatSum / Double(purchaseDays) : 0
                }
            }
        }
        // Customers with no kept transaction are left out of the result.
        let present = (0..<keys.count).filter { purchases[$0] > 0 }
        summary.customers = present.count
        let rScore = scores(present.map { -Double(recency[$0]) })
        let fScore = scores(present.map { Double(purchases[$0]) })
        // Totals compared at 1e-6: summation order (which differs between engines) cannot split a tie.
        let mScore = scores(present.map { (total[$0] * 1e6).rounded() / 1e6 })

        let ids64 = key.gathering(present.map { keys.firstRows[$0] })
        func doubles(_ v: [Double]) -> Column { Column(.float64(PrimitiveArray(present.map { v[$0] }))) }
        func ints(_ v: [Int]) -> Column { Column(.int64(PrimitiveArray(present.map { Int64(v[$0]) }))) }
        /// Text from small codes: the dictionary holds the codes' names, distinct, in first-seen
        /// order (several codes may share a name, e.g. score pairs of one segment).
        func strings(_ codes: [Int], _ name: (Int) -> String) -> Column {
            var byCode: [Int: Int32] = [:], byName: [String: Int32] = [:], names: [String] = []
            let indices = codes.map { code -> Int32 in
                if let j = byCode[code] { return j }
                let text = name(code)
                let j = byName[text] ?? Int32(names.count)
                if j == Int32(names.count) { names.append(text); byName[text] = j }
                byCode[code] = j
                return j
            }
            return Column(.string(PrimitiveArray(indices), StringDictionary(names)))
        }
        let stages = ["new", "active", "loyal", "lapsed", "churned"]
        let stage = present.map { c in
            stages.firstIndex(of: configuration.lifecycle.stage(recencyDays: recency[c], tenureDays: asOf - Int(first[c]), purchases: purchases[c]))!
        }
        let scoreCodes = (0..<present.count).map { 100 * rScore[$0] + 10 * fScore[$0] + mScore[$0] }
        let columns: [(String, Column)] = [
            (customer, ids64),
            ("recency_days", ints(recency)),
            ("purchases", ints(purchases)),
            ("monetary_total", doubles(total.map { ($0 * 1e6).rounded() / 1e6 })),
            ("monetary_mean", Column(.float64(PrimitiveArray(present.map { total[$0] / Double(purchases[$0]) })))),
            ("first_purchase", Column(.date(PrimitiveArray(present.map { first[$0] })))),
            ("last_purchase", Column(.date(PrimitiveArray(present.map { last[$0] })))),
            ("r_score", Column(.int64(PrimitiveArray(rScore.map(Int64.init))))),
            ("f_score", Column(.int64(PrimitiveArray(fScore.map(Int64.init))))),
            ("m_score", Column(.int64(PrimitiveArray(mScore.map(Int64.init))))),
            ("rfm_score", strings(scoreCodes) { String($0) }),
            ("rfm_segment", strings(scoreCodes.map { $0 / 10 }) { RFMSegments.name(r: $0 / 10, f: $0 % 10) }),
            ("lifecycle", strings(stage) { stages[$0] }),
            ("frequency", doubles(frequency)),
            ("recency", doubles(ltRecency)),
            ("T", doubles(ltT)),
            ("monetary_value", doubles(ltMonetary)),
        ]
        return (try Table(names: columns.map(\.0), columns: columns.map(\.1)), summary)
    }

    /// Quintile scores 1–5 by rank, ties sharing the lowest rank (see the type's documentation).
    public static func scores(_ values: [Double]) -> [Int] {
        let n = values.count
        guard n > 0 else { return [] }
        let order = values.indices.sorted { values[$0] < values[$1] }
        var result = [Int](repeating: 1, count: n)
        var k = 0
        while k < n {
            var j = k
            while j + 1 < n && values[order[j + 1]] == values[order[k]] { j += 1 }
            let score = 1 + (5 * k) / n  // k customers have a strictly smaller value
            for t in k...j { result[order[t]] = score }
            k = j + 1
        }
        return result
    }
}

/// Per-customer outputs written by the parallel loop (each task writes its own customers).
private struct RFMOutputs: @unchecked Sendable {
    var recency: UnsafeMutablePointer<Int>, purchases: UnsafeMutablePointer<Int>, total: UnsafeMutablePointer<Double>
    var first: UnsafeMutablePointer<Int32>, last: UnsafeMutablePointer<Int32>, frequency: UnsafeMutablePointer<Double>
    var ltRecency: UnsafeMutablePointer<Double>, ltT: UnsafeMutablePointer<Double>, ltMonetary: UnsafeMutablePointer<Double>
}

private func withUnsafeOutputs(_ a: inout [Int], _ b: inout [Int], _ c: inout [Double], _ d: inout [Int32], _ e: inout [Int32],
                               _ f: inout [Double], _ g: inout [Double], _ h: inout [Double], _ i: inout [Double],
                               _ body: (RFMOutputs) throws -> Void) rethrows {
    try a.withUnsafeMutableBufferPointer { a in try b.withUnsafeMutableBufferPointer { b in try c.withUnsafeMutableBufferPointer { c in
        try d.withUnsafeMutableBufferPointer { d in try e.withUnsafeMutableBufferPointer { e in try f.withUnsafeMutableBufferPointer { f in
            try g.withUnsafeMutableBufferPointer { g in try h.withUnsafeMutableBufferPointer { h in try i.withUnsafeMutableBufferPointer { i in
                try body(RFMOutputs(recency: a.baseAddress!, purchases: b.baseAddress!,
                                    total: c.baseAddress!, first: d.baseAddress!,
                                    last: e.baseAddress!, frequency: f.baseAddress!,
                                    ltRecency: g.baseAddress!, ltT: h.baseAddress!,
                                    ltMonetary: i.baseAddress!))
            } } }
        } } }
    } } }
}
