import Foundation
import Testing
import StrataCore
import StrataIO
@testable import StrataClean

@Suite struct DedupTests {
    @Test func normalizations() {
        #expect(Normalize.email.apply("  John.Smith+news@Example.COM ") == "john.smith@example.com")
        #expect(Normalize.email.apply("not-an-email") == nil)
        #expect(Normalize.phone.apply("+1 (415) 555-2671") == "+14155552671")
        #expect(Normalize.phone.apply("415-555-2671") == "+14155552671")
        #expect(Normalize.phone.apply("020 7946 0958", region: PhoneRegion(iso: "GB")!) == "+442079460958")
        #expect(Normalize.phone.apply("0049 30 901820") == "+4930901820")
        #expect(Normalize.phone.apply("12") == nil)
        #expect(Normalize.name.apply("O'Brien-Smíth") == "obriensmith")
        #expect(Normalize.lower.apply("  MiXed ") == "mixed")
    }

    static let people = try! CSVReader.read(text: """
    id,first,last,email,phone,source,updated
    1,Martha,Jones,martha@x.com,415 555 0101,crm,2024-01-01
    2,Marhta,Jones, MARTHA@x.com ,,web,2024-03-01
    3,Bob,Smith,bob@y.com,415-555-0199,store,2023-05-01
    4,Robert,Smyth,,+1 415 555 0199,crm,2024-02-01
    5,Ann,Lee,ann@z.com,,web,2024-01-05
    6,Anne,Leigh,ann@z.org,,crm,2024-01-06

    """)

    func config() -> DedupConfiguration {
        var c = DedupConfiguration()
        c.blocks = [.init([.init("email", normalize: .email)]), .init([.init("phone", normalize: .phone)])]
        c.fields = [.init("first", .jaroWinkler, weight: 1, normalize: .name), .init("last", .jaroWinkler, weight: 1, normalize: .name),
                    .init("email", .exact, weight: 2, normalize: .email), .init("phone", .exact, weight: 2, normalize: .phone)]
        c.threshold = 0.8
        return c
    }

    @Test func findsEntitiesAndBuildsGoldenRecords() throws {
        for threads in [1, 2] {
            var c = config()
            c.parallelism = Parallelism(threads: threads)
            let r = try Deduplicator.run(Self.people, configuration: c)
            #expect(r.entity == [0, 0, 1, 1, 2, 3])  // 5 and 6 share no blocking key
            #expect(r.comparisons == 2 && r.pairs.count == 2)
            let (golden, lineage) = try GoldenRecords.build(Self.people, result: r, id: "id", rules: [
                "first": .sourcePriority(column: "source", order: ["crm", "web", "store"]),
                "email": .mostRecent(by: "updated"),
            ])
            #expect(golden.rowCount == 4)
            #expect(try golden.column("first").stringValue(at: 0) == "Martha" && golden.column("first").stringValue(at: 1) == "Robert")
            #expect(try golden.column("email").stringValue(at: 0) == " MARTHA@x.com ")  // the latest row's value
            #expect(try golden.column("members").doubleValue(at: 0) == 2)
            #expect(try lineage.column("golden_id").doubleValue(at: 3) == 3 && lineage.column("best_match").doubleValue(at: 3) == 3)
            #expect(try lineage.column("match_score").isValid(4) == false)
        }
        let q = Deduplicator.evaluate(entity: [0, 0, 1, 1, 2, 3], truth: [nil, 0, nil, 2, nil, 4])
        #expect(q.precision == 1 && q.recall == 0.6666666666666666)
    }

    @Test func recoversTheGeneratorsDuplicates() throws {
        let profiles = try CSVReader.read(path: TestData.customers).table.slice(0..<8000)
        var c = DedupConfiguration()
        c.blocks = [.init([.init("email", normalize: .email)]), .init([.init("phone", normalize: .phone)]),
                    .init([.init("last_name", normalize: .name), .init("postcode")])]
        c.fields = [.init("first_name", normalize: .name), .init("last_name", normalize: .name), .init("email", .exact, weight: 2, normalize: .email),
                    .init("phone", .exact, weight: 2, normalize: .phone), .init("postcode", .exact)]
        let r = try Deduplicator.run(profiles, configuration: c)
        let ids = try profiles.column("customer_id"), dup = try profiles.column("duplicate_of")
        let row = Dictionary(uniqueKeysWithValues: (0..<ids.count).map { (Int(ids.doubleValue(at: $0)!), $0) })
        let q = Deduplicator.evaluate(entity: r.entity, truth: (0..<dup.count).map { dup.doubleValue(at: $0).flatMap { row[Int($0)] } })
        #expect(q.truePairs > 50 && q.precision >= 0.99 && q.recall >= 0.99, "\(q)")
    }
}

enum TestData {
    static var customers: String {
        var dir = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { dir.deleteLastPathComponent() }
        return dir.path + "/Data/customers.csv"
    }
}
