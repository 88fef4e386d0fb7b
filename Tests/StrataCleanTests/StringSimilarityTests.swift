import Foundation
import Testing
@testable import StrataClean

@Suite struct StringSimilarityTests {
    struct Case: Decodable { let a: String; let b: String; let levenshtein: Int; let levenshtein_similarity: Double; let jaro_winkler: Double }

    /// Equal to rapidfuzz on every pair of the fixture (scripts/make_fixtures.py similarity).
    @Test func equalsRapidfuzz() throws {
        let url = URL(fileURLWithPath: Bundle.module.resourcePath! + "/Fixtures/similarity.json")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
        #expect(cases.count > 500)
        for c in cases {
            #expect(StringSimilarity.levenshtein(c.a, c.b) == c.levenshtein, "'\(c.a)' '\(c.b)'")
            #expect(abs(StringSimilarity.levenshteinSimilarity(c.a, c.b) - c.levenshtein_similarity) < 1e-12, "'\(c.a)' '\(c.b)'")
            #expect(abs(StringSimilarity.jaroWinkler(c.a, c.b) - c.jaro_winkler) < 1e-12, "'\(c.a)' '\(c.b)' \(StringSimilarity.jaroWinkler(c.a, c.b)) vs \(c.jaro_winkler)")
        }
    }
}
