import Testing
import StrataCore
import StrataIO
@testable import StrataAnalytics

@Suite struct SegmentsTests {
    static let profiles = try! CSVReader.read(text: """
    customer_id,spend,opt_in
    1,100,true
    2,5000,true
    3,7000,false
    4,20,
    5,300,true

    """)
    static let events = try! CSVReader.read(text: """
    customer_id,time,type,amount
    1,2024-05-30 10:00:00,cart_add,
    1,2024-05-29 09:00:00,purchase,50
    2,2024-05-30 08:00:00,cart_add,
    2,2024-05-30 09:30:00,purchase,80
    3,2024-05-31 12:00:00,cart_add,
    5,2024-03-15 12:00:00,purchase,30
    5,2024-06-02 12:00:00,purchase,999
    9,2024-05-30 12:00:00,cart_add,

    """)

    static let yaml = """
    key: customer_id
    as_of: 2024-05-31
    consent: {column: opt_in}
    events: {customer: customer_id, time: time, type: type}
    aggregates:
      carts_7d: {event: cart_add, window: 7d, function: count}
      last_cart: {event: cart_add, function: last_time}
      last_purchase: {event: purchase, function: last_time}
      spend_90d: {event: purchase, window: 90d, function: sum, column: amount}
    segments:
      - name: abandoners
        when: carts_7d > 0 and (last_purchase is null or last_purchase < last_cart)
      - name: big
        when: spend > 1000
      - name: recent_buyers
        when: spend_90d > 0
    """

    @Test func membershipPrimaryAndConsent() throws {
        let spec = try SegmentSpec.parse(yaml: Self.yaml, source: "rules.yaml")
        let (out, features, s) = try Segmenter.run(spec, profiles: Self.profiles, events: Self.events)
        // Customers 3 (declined) and 4 (no answer) appear nowhere in the output.
        #expect(out.rowCount == 3 && s.excludedNoConsent == 1 && s.excludedConsentMissing == 1)
        #expect(out.schema.names == ["customer_id", "abandoners", "big", "recent_buyers", "primary_segment"])
        func flags(_ name: String) throws -> [Bool] { let c = try out.column(name); return (0..<c.count).map { c.doubleValue(at: $0) == 1 } }
        #expect(try flags("abandoners") == [true, false, false])  // 1 added after buying; 2 bought after adding
        #expect(try flags("big") == [false, true, false])
        #expect(try flags("recent_buyers") == [true, true, true])  // 5: the June purchase is after as-of, the March one is inside 90 days
        let primary = try out.column("primary_segment")
        #expect((0..<3).map { primary.stringValue(at: $0) } == ["abandoners", "big", "recent_buyers"])
        #expect(s.sizes == ["abandoners": 1, "big": 1, "recent_buyers": 3] && s.primary["big"] == 1)
        #expect(try features.column("spend_90d").doubleValue(at: 4) == 30)
        #expect(try features.column("carts_7d").doubleValue(at: 3) == 0)  // no events: count 0
        #expect(try features.column("last_purchase").isValid(3) == false)
    }

    @Test func consentTablePerChannel() throws {
        let yaml = Self.yaml.replacingOccurrences(of: "consent: {column: opt_in}", with: "consent: {table: consent.csv, column: sms}")
        let spec = try SegmentSpec.parse(yaml: yaml, source: "rules.yaml")
        let consent = try CSVReader.read(text: "customer_id,sms\n1,false\n2,true\n3,true\n")
        let (out, _, s) = try Segmenter.run(spec, profiles: Self.profiles, events: Self.events, consentTable: consent)
        #expect(try (0..<out.rowCount).map { try out.column("customer_id").doubleValue(at: $0)! } == [2, 3])
        #expect(s.excludedNoConsent == 1 && s.excludedConsentMissing == 2)
    }

    @Test func specErrorsNameLineAndKey() {
        func error(_ yaml: String) -> StrataError? {
            do { _ = try SegmentSpec.parse(yaml: yaml, source: "r.yaml"); return nil } catch let e as StrataError { return e } catch { return nil }
        }
        let unknown = error("segments:\n  - name: a\n    when: x > 1\nfoo: 1\n")
        #expect(unknown?.line == 4 && unknown!.message.contains("unknown key 'foo'"))
        let syntax = error("segments:\n  - name: a\n    when: x > \n")
        #expect(syntax?.line == 3 && syntax!.message.contains("segment 'a'") && syntax!.message.contains("position"))
        #expect(error("aggregates:\n  a: {function: sum}\nsegments:\n  - {name: s, when: 'a > 1'}\n")?.message.contains("needs a column") == true)
        #expect(error("segments: []\n")?.message.contains("no segments") == true)
        #expect(error("segments:\n  - {name: s, when: 'x > 1'}\n  - {name: s, when: 'x > 2'}\n")?.message.contains("twice") == true)
    }

    @Test func ruleTypeErrorsNameTheSegment() throws {
        let spec = try SegmentSpec.parse(yaml: "segments:\n  - name: odd\n    when: spend > 'many'\n", source: "r.yaml")
        #expect { try Segmenter.run(spec, profiles: Self.profiles) } throws: { e in
            guard let e = e as? StrataError else { return false }
            return e.kind == .typeMismatch && e.line == 2 && e.message.contains("segment 'odd'")
        }
    }
}
