import Testing
import StrataCore
import StrataIO
@testable import StrataValidate

@Suite struct ValidatorTests {
    let csv = """
        id,email,age,signup,channel,score
        1,a@x.com,34,2020-01-05,web,0.5
        2,bad-email,17,2020-02-30,store,0.7
        3,c@y.org,,2019-12-31,fax,0.1
        1,d@z.net,140,2021-07-01,app,
        5,e@w.io,45,not a date,web,0.9

        """

    func table() throws -> Table { try CSVReader.read(text: csv) }

    func result(_ outcome: ValidationOutcome, _ rule: String) -> RuleResult? {
        outcome.report.rules.first { $0.rule.hasPrefix(rule) }
    }

    @Test func everyRuleKindFindsItsRows() throws {
        let rules = try RuleSet.parse(yaml: """
            table:
              rows: {min: 10}
            columns:
              id: {type: int, unique: true}
              email: {regex: '^[^@]+@[^@]+\\.[a-z]+$'}
              age: {not_null: true, range: [18, 120], severity: warning}
              signup: {date_format: iso8601, date_range: [2020-01-01, ~]}
              channel: {allowed: [web, store, app]}
              score: {max_null_fraction: 0.1}
            """, source: "rules.yaml")
        let outcome = try Validator.validate(try table(), rules: rules, input: "in.csv")
        #expect(result(outcome, "table: rows")?.failed == 1)
        #expect(result(outcome, "id: type int")?.failed == 0)
        #expect(result(outcome, "id: unique")?.examples == [4])
        #expect(result(outcome, "email: regex")?.examples == [2])
        #expect(result(outcome, "age: not null")?.examples == [3])
        #expect(result(outcome, "age: range")?.examples == [2, 4])
        #expect(result(outcome, "signup: ISO 8601")?.examples == [2, 5])  // 2020-02-30 is no calendar day
        #expect(result(outcome, "signup: dates")?.examples == [2, 3, 5])
        #expect(result(outcome, "channel: allowed")?.exampleValues == ["fax"])
        #expect(result(outcome, "score: at most 10% null")?.failed == 1)
        // Errors quarantine rows; the warning-level age rules do not.
        #expect(outcome.quarantined.keys.sorted() == [1, 2, 3, 4])
        #expect(outcome.cleanRows == [0])
        #expect(outcome.report.status == "failed")
    }

    @Test func malformedRulesNameLineAndKey() throws {
        func parseError(_ yaml: String) -> StrataError? {
            do { _ = try RuleSet.parse(yaml: yaml, source: "r.yaml"); return nil } catch let e as StrataError { return e } catch { return nil }
        }
        let unknown = parseError("columns:\n  age:\n    rnage: [1, 2]\n")
        #expect(unknown?.line == 3 && unknown?.message.contains("unknown key 'rnage'") == true, "\(String(describing: unknown))")
        let syntax = parseError("columns:\n  age: {range: [1, 2\n")
        #expect(syntax?.kind == .parse && syntax?.file == "r.yaml")
        let type = parseError("columns:\n  age:\n    type: integer\n")
        #expect(type?.line == 3 && type?.message.contains("not a type") == true)
        let range = parseError("columns:\n  age: {range: [5, 1]}\n")
        #expect(range?.message.contains("above max") == true)
        let regex = parseError("columns:\n  e: {regex: '(unclosed'}\n")
        #expect(regex?.message.contains("regular expression") == true)
        let top = parseError("colums:\n  a: {}\n")
        #expect(top?.line == 1 && top?.message.contains("colums") == true)
        #expect(parseError("") != nil)
    }

    @Test func ruleOnMissingColumnIsAnError() throws {
        let rules = try RuleSet.parse(yaml: "columns:\n  id: {unique: true}\n  nope: {not_null: true}\n", source: "r.yaml")
        do {
            _ = try Validator.validate(try table(), rules: rules, input: "in.csv")
            Issue.record("expected an error")
        } catch let e as StrataError {
            #expect(e.kind == .columnNotFound && e.line == 3 && e.message.contains("'nope'"))
        }
    }

    @Test func anomalyCheckFlagsItsShare() throws {
        var rng = SplitMix64(seed: 1)
        var text = "a,b\n"
        for _ in 0..<2000 { text += "\(rng.nextGaussian()),\(rng.nextGaussian())\n" }
        let t = try CSVReader.read(text: text)
        let rules = try RuleSet.parse(yaml: "anomalies:\n  columns: [a, b]\n  contamination: 0.05\n  severity: error\n", source: "r.yaml")
        let outcome = try Validator.validate(t, rules: rules, input: "in.csv")
        let flagged = outcome.report.anomalies!.flagged
        #expect(abs(flagged - 100) <= 10)
        #expect(outcome.quarantined.count == flagged && outcome.anomalyScores?.count == 2000)
    }

    @Test func iso8601Forms() {
        for good in ["2024-02-29", "2024-02-29T12:30", "2024-02-29T12:30:05", "2024-02-29 12:30:05.123Z", "2024-02-29T23:59:59+05:30"] {
            #expect(ISO8601Value.isDateOrDateTime(Substring(good)), "\(good)")
        }
        for bad in ["2023-02-29", "2024-13-01", "24-01-01", "2024-01-01T25:00", "2024/01/01", "2024-01-01T10:00+5", ""] {
            #expect(!ISO8601Value.isDateOrDateTime(Substring(bad)), "\(bad)")
        }
    }
}
