import Testing
import StrataCore
import StrataIO
@testable import StrataAnalytics

@Suite struct GroupByTests {
    static let t = try! CSVReader.read(text: """
    customer,region,amount,day
    a,north,10,2024-01-03
    b,south,5,2024-01-01
    a,north,,2024-01-05
    a,west,30,2024-01-02
    c,south,7,2024-02-01
    b,south,5,2024-03-01
    ,north,99,2024-01-01

    """)

    @Test func aggregates() throws {
        let aggs = try ["count(*)", "count(amount)", "count_distinct(amount) as distinct", "sum(amount) as total", "mean(amount)",
                        "min(day) as first_day", "max(amount)", "first(amount)", "last(day)", "median(amount)"].map(Aggregation.init(parsing:))
        for threads in [1, 2] {
            let r = try GroupBy.aggregate(Self.t, by: ["customer"], aggs, parallelism: Parallelism(threads: threads))
            #expect(r.rowCount == 3)  // the null key is left out
            func col(_ n: String) throws -> [String] { let c = try r.column(n); return (0..<3).map { c.formatted(at: $0) ?? "null" } }
            #expect(try col("customer") == ["a", "b", "c"])
            #expect(try col("count") == ["3", "2", "1"])
            #expect(try col("count_amount") == ["2", "2", "1"])
            #expect(try col("distinct") == ["2", "1", "1"])
            #expect(try col("total") == ["40", "10", "7"])
            #expect(try col("mean_amount") == ["20.0", "5.0", "7.0"])
            #expect(try col("first_day") == ["2024-01-02", "2024-01-01", "2024-02-01"])
            #expect(try col("max_amount") == ["30", "5", "7"])
            #expect(try col("first_amount") == ["10", "5", "7"])
            #expect(try col("last_day") == ["2024-01-02", "2024-03-01", "2024-02-01"])
            #expect(try col("median_amount") == ["20.0", "5.0", "7.0"])
        }
        let two = try GroupBy.aggregate(Self.t, by: ["customer", "region"], [Aggregation(.sum, "amount", as: "s")])
        #expect(try two.rowCount == 4 && two.column("s").doubleValue(at: 2) == 30)
        #expect(throws: StrataError.self) { try Aggregation(parsing: "total(amount)") }
        #expect(throws: StrataError.self) { try GroupBy.aggregate(Self.t, by: ["customer"], [Aggregation(.sum, "region")]) }
    }

    @Test func leftJoin() throws {
        let profiles = try CSVReader.read(text: "customer,tier,region\na,gold,x\nc,silver,y\n")
        let j = try HashJoin.leftJoin(Self.t, profiles, on: "customer")
        #expect(j.schema.names == ["customer", "region", "amount", "day", "tier", "region_right"])
        let tier = try j.column("tier")
        #expect((0..<j.rowCount).map { tier.stringValue(at: $0) } == ["gold", nil, "gold", "gold", "silver", nil, nil])
        let dup = try CSVReader.read(text: "customer,tier\na,gold\na,silver\n")
        #expect(throws: StrataError.self) { try HashJoin.leftJoin(Self.t, dup, on: "customer") }
    }
}
