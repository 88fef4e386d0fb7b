import StrataCore

/// Parameters of the synthetic event log; each field has the default `strata generate` uses.
public struct EventGeneratorConfiguration: Sendable {
    /// The day the profiles' recency is measured from (default 2026-07-31, after the last signup).
    public var asOf = CivilDate(year: 2026, month: 7, day: 31)
    public var seed: UInt64 = 42
    /// At most this many purchases per customer (anomalous frequencies are capped).
    public var maxPurchases = 200
    /// Share of purchases with a negative amount (returns) and with no amount.
    public var returnRate = 0.002
    public var missingAmountRate = 0.001

    public init() {}
}

/// Generates the events of existing customer profiles, consistent with them: each customer's
/// purchases number `frequency`, the last falls `recency_days` before the as-of day and the
/// first on or after `signup_date`, and the amounts add up to `monetary`; `cart_adds_30d` cart
/// adds and about twice `sessions_30d` page views fall in the last 30 days, with a few older ones.
///
/// Event columns: `customer_id` (int64), `event_time` (timestamp, UTC), `event_type` (string:
/// purchase, cart_add, page_view), `amount` (float64; null except on purchases). Deterministic
/// by seed: profile row r draws from `SplitMix64(seed).derived(r)`.
public struct EventGenerator: Sendable {
    public let configuration: EventGeneratorConfiguration

    public init(_ configuration: EventGeneratorConfiguration = EventGeneratorConfiguration()) {
        self.configuration = configuration
    }

    /// Events of `profiles` (rows `rows`, a chunk of the profile table), in customer order, each
    /// customer's in time order. `purchasesOnly` gives the transactions table instead.
    /// - Throws: `StrataError.columnNotFound` when a profile column is missing.
    public func events(for profiles: Table, rows: Range<Int>, purchasesOnly: Bool = false) throws -> Table {
        let id = try profiles.column("customer_id"), signup = try profiles.column("signup_date")
        let recency = try profiles.column("recency_days"), frequency = try profiles.column("frequency")
        let monetary = try profiles.column("monetary"), sessions = try profiles.column("sessions_30d")
        let carts = try profiles.column("cart_adds_30d")
        let asOf = configuration.asOf.daysSinceEpoch
        let ids = ColumnBuilder(type: .int64), times = ColumnBuilder(type: .timestamp)
        let types = ColumnBuilder(type: .string), amounts = ColumnBuilder(type: .float64)
        let dayMicros: Int64 = 86_400_000_000
        var event: [(time: Int64, type: Int, amount: Double?)] = []
        for r in rows {
            var rng = SplitMix64(seed: configuration.seed).derived(UInt64(r))
            guard let customer = id.doubleValue(at: r) else { continue }
            event.removeAll(keepingCapacity: true)
            let first = Int(signup.doubleValue(at: r) ?? Double(asOf - 365))
            let last = max(first, asOf - max(0, Int(recency.doubleValue(at: r) ?? 30)))
            let n = max(1, min(configuration.maxPurchases, Int(frequency.doubleValue(at: r) ?? 1)))
            let total = max(0.01, monetary.doubleValue(at: r) ?? 50)
            // Purchase days: the last one fixed, the others uniform over [first, last].
            var days = [last]
            for _ in 1..<n { days.append(first + Int(rng.next() % UInt64(last - first + 1))) }
            days.sort()
            var weights = (0..<n).map { _ in 0.5 + rng.nextUnit() }
            let sum = weights.reduce(0, +)
            weights = weights.map { $0 / sum }
            for (k, day) in days.enumerated() {
                var amount: Double? = (total * weights[k] * 100).rounded() / 100
                let u = rng.nextUnit()
                if u < configuration.returnRate { amount = -(amount ?? 0) } else if u < configuration.returnRate + configuration.missingAmountRate { amount = nil }
                let second = Int64(rng.next() % 86_400)
                event.append((Int64(day) * dayMicros + second * 1_000_000, 0, amount))
            }
            if !purchasesOnly {
                let cartCount = Int(carts.doubleValue(at: r) ?? 0) + Int(rng.next() % 3)
                let views = min(60, 2 * Int(sessions.doubleValue(at: r) ?? 0) + Int(rng.next() % 4))
                for (type, count) in [(1, cartCount), (2, views)] {
                    for _ in 0..<count {
                        // Mostly the last 30 days; one in five up to a year back (not before signup).
                        let back = rng.next() % 5 == 0 ? 30 + Int(rng.next() % 335) : Int(rng.next() % 30)
                        let day = max(first, asOf - back)
                        event.append((Int64(day) * dayMicros + Int64(rng.next() % 86_400) * 1_000_000, type, nil))
                    }
                }
                event.sort { $0.time < $1.time || ($0.time == $1.time && $0.type < $1.type) }
            }
            for e in event {
                ids.append(Int64(customer))
                times.append(e.time)
                types.append(["purchase", "cart_add", "page_view"][e.type])
                if let a = e.amount { amounts.append(a) } else { amounts.appendNull() }
            }
        }
        if purchasesOnly {
            return try Table(names: ["customer_id", "order_time", "amount"], columns: [ids.finish(), times.finish(), amounts.finish()])
        }
        return try Table(names: ["customer_id", "event_time", "event_type", "amount"],
                         columns: [ids.finish(), times.finish(), types.finish(), amounts.finish()])
    }
}
