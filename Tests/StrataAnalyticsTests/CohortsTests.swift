import Testing
import StrataCore
import StrataIO
@testable import StrataAnalytics

@Suite struct CohortsTests {
    @Test func handComputedTriangle() throws {
        // a: Jan, Jan, Mar; b: Jan, Feb; c: Feb (amount missing → dropped under .drop).
        let t = try CSVReader.read(text: """
        customer,day,amount
        a,2024-01-05,10
        b,2024-01-20,5
        a,2024-01-30,1
        b,2024-02-02,7
        c,2024-02-10,2
        a,2024-03-31,4
        c,2024-03-01,

        """)
        let (table, tri) = try Cohorts.compute(t, customer: "customer", date: "day", amount: "amount", period: .month, amountPolicy: .drop)
        #expect(tri.cohorts.map { DatePeriod.month.label($0) } == ["2024-01", "2024-02"])
        #expect(tri.sizes == [2, 1])
        #expect(tri.active == [[2, 1, 1], [1, 0]])
        #expect(tri.revenue! == [[16, 7, 4], [2, 0]])
        #expect(tri.retention[0] == [1, 0.5, 0.5])
        #expect(table.rowCount == 5 && table.schema.names.last == "revenue")
        let (_, weekly) = try Cohorts.compute(t, customer: "customer", date: "day", period: .week)
        #expect(weekly.sizes.reduce(0, +) == 3)
        #expect(throws: StrataError.self) { try Cohorts.compute(t, customer: "customer", date: "day", amount: "amount") }
    }
}
