import Testing
import StrataCore
import StrataIO
@testable import StrataAnalytics

@Suite struct ExpressionTests {
    static let table = try! CSVReader.read(text: """
    id,name,email,spend,visits,last_seen,vip
    1, Ann ,ann@example.com,120.5,3,2024-05-01,true
    2,Bob,BOB@Example.com,,0,2024-01-15,false
    3,cy,,40,7,,true
    4,Dee,dee@test.org,999,1,2024-05-20,

    """)
    static let asOf = CivilDate(year: 2024, month: 5, day: 31).daysSinceEpoch

    func rows(_ text: String) throws -> [Int] {
        let mask = try Expression(text).filter(Self.table, asOf: Self.asOf)
        return mask.indices.filter { mask[$0] }.map { $0 + 1 }
    }

    @Test func comparisonsLogicAndNulls() throws {
        #expect(try rows("spend > 100") == [1, 4])
        #expect(try rows("spend > 100 and visits >= 1") == [1, 4])
        #expect(try rows("spend > 100 or spend is null") == [1, 2, 4])
        #expect(try rows("not (spend > 100)") == [3])  // null stays null under not
        #expect(try rows("visits in (0, 7)") == [2, 3])
        #expect(try rows("visits not in (0, 7)") == [1, 4])
        #expect(try rows("spend between 40 and 200") == [1, 3])
        #expect(try rows("vip") == [1, 3])
        #expect(try rows("vip is null") == [4])
        #expect(try rows("coalesce(spend, 0) * 2 + 1 >= 81") == [1, 3, 4])
        #expect(try rows("spend / visits > 40") == [1, 4])  // division by zero is null
    }

    @Test func textFunctions() throws {
        #expect(try rows("trim(name) = 'Ann'") == [1])
        #expect(try rows("lower(email) = 'bob@example.com'") == [2])
        #expect(try rows("ends_with(lower(email), '.com')") == [1, 2])
        #expect(try rows("contains(email, '@') and starts_with(name, 'D')") == [4])
        #expect(try rows("matches(email, '^[a-z]+@test\\.org$')") == [4])
        #expect(try rows("length(trim(name)) = 2") == [3])
        #expect(try rows("name in ('Bob', 'cy')") == [2, 3])
    }

    @Test func dates() throws {
        #expect(try rows("days_since(last_seen) <= 30") == [1, 4])
        #expect(try rows("last_seen >= '2024-05-01'") == [1, 4])
        #expect(try rows("last_seen < date '2024-02-01'") == [2])
        #expect(try rows("months_between(last_seen, as_of()) >= 4") == [2])
        #expect(try rows("last_seen + 30 >= as_of()") == [1, 4])
        #expect(try rows("month(last_seen) = 5 and year(last_seen) = 2024") == [1, 4])
        let derived = try Expression("days_since(last_seen)").evaluate(on: Self.table, asOf: Self.asOf)
        #expect(derived.doubleValue(at: 0) == 30 && derived.doubleValue(at: 2) == nil)
    }

    @Test func errorsPointAtThePosition() {
        func error(_ text: String) -> StrataError? {
            do { _ = try Expression(text).filter(Self.table, asOf: Self.asOf); return nil } catch let e as StrataError { return e } catch { return nil }
        }
        let syntax = error("spend > and visits")
        #expect(syntax?.kind == .parse && syntax!.message.contains("position 9"), "\(String(describing: syntax))")
        let type = error("name > 3")
        #expect(type?.kind == .typeMismatch && type!.message.contains("cannot compare a text with a number") && type!.message.contains("position 6"))
        #expect(error("nope = 1")?.kind == .columnNotFound)
        #expect(error("spend + 1")?.kind == .typeMismatch)  // not a condition
        #expect(error("lower(spend) = 'x'")?.message.contains("argument 1 of lower") == true)
        #expect(error("'unterminated")?.kind == .parse)
        #expect(error("spend > 1)")?.message.contains("unexpected") == true)
        #expect(error("frobnicate(spend)")?.message.contains("unknown function") == true)
        #expect(error("last_seen > 'soon'")?.message.contains("not a date") == true)
    }
}

/// Random token soup: every expression parses and evaluates or fails with a StrataError — never a crash.
@Suite struct ExpressionRobustnessTests {
    @Test func randomExpressionsNeverCrash() {
        let pieces = ["spend", "visits", "name", "last_seen", "vip", "email", "nope", "1", "2.5", "0", "-", "+", "*", "/", "%",
                      "(", ")", ",", "=", "!=", "<", "<=", ">", ">=", "and", "or", "not", "in", "between", "is", "null", "true",
                      "false", "'x'", "'2024-05-01'", "date", "lower(", "trim(", "days_since(", "coalesce(", "matches(", "'[a-z'",
                      "months_between(", "as_of()", "length(", "round(", "least(", "`odd name`", "'", "\"", "1e", ".5", "@"]
        var rng = SplitMix64(seed: 17)
        for _ in 0..<3_000 {
            let count = 1 + Int(rng.next() % 9)
            let text = (0..<count).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined(separator: " ")
            do {
                let e = try Expression(text)
                _ = try? e.evaluate(on: ExpressionTests.table, asOf: ExpressionTests.asOf)
                _ = try? e.filter(ExpressionTests.table, asOf: ExpressionTests.asOf)
            } catch is StrataError {
            } catch {
                Issue.record("\(text): not a StrataError: \(error)")
            }
        }
    }
}
