/// String similarity measures over Unicode scalars, equal to rapidfuzz's on the same strings
/// (`rapidfuzz.distance.Levenshtein`, `rapidfuzz.distance.JaroWinkler` with prefix weight 0.1).
public enum StringSimilarity {
    /// Levenshtein distance: insertions, deletions and substitutions of one scalar, each cost 1.
    /// - Complexity: O(|a| · |b|) time, O(min) memory.
    public static func levenshtein(_ a: String, _ b: String) -> Int {
        levenshtein(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        let (s, t) = a.count < b.count ? (a, b) : (b, a)  // s the shorter: one row of |s| + 1
        if s.isEmpty { return t.count }
        var row = Array(0...s.count)
        for (j, tc) in t.enumerated() {
            var diagonal = row[0]
            row[0] = j + 1
            for i in 0..<s.count {
                let above = row[i + 1]
                row[i + 1] = Swift.min(above + 1, row[i] + 1, diagonal + (s[i] == tc ? 0 : 1))
                diagonal = above
            }
        }
        return row[s.count]
    }

    /// 1 − distance / max(|a|, |b|) (1 for two empty strings), rapidfuzz's normalized similarity.
    public static func levenshteinSimilarity(_ a: String, _ b: String) -> Double {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        let longest = Swift.max(x.count, y.count)
        guard longest > 0 else { return 1 }
        return 1 - Double(levenshtein(x, y)) / Double(longest)
    }

    /// Jaro similarity: matching scalars within ⌊max(|a|, |b|) / 2⌋ − 1 positions, and half the
    /// transpositions among them. 1 for two empty strings, 0 when only one is empty.
    public static func jaro(_ a: String, _ b: String) -> Double {
        jaro(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    static func jaro(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        if a.isEmpty || b.isEmpty { return 0 }
        let window = Swift.max(0, Swift.max(a.count, b.count) / 2 - 1)
        var aMatched = [Bool](repeating: false, count: a.count), bMatched = [Bool](repeating: false, count: b.count)
        var matches = 0
        for i in 0..<a.count {
            let lo = Swift.max(0, i - window), hi = Swift.min(b.count - 1, i + window)
            guard lo <= hi else { continue }
            for j in lo...hi where !bMatched[j] && a[i] == b[j] {
                aMatched[i] = true
                bMatched[j] = true
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0, k = 0
        for i in 0..<a.count where aMatched[i] {
            while !bMatched[k] { k += 1 }
            if a[i] != b[k] { transpositions += 1 }
            k += 1
        }
        let m = Double(matches)
        return (m / Double(a.count) + m / Double(b.count) + (m - Double(transpositions / 2)) / m) / 3
    }

    /// Jaro–Winkler: Jaro boosted by the common prefix (up to 4 scalars) when Jaro exceeds 0.7.
    public static func jaroWinkler(_ a: String, _ b: String, prefixWeight: Double = 0.1) -> Double {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        let j = jaro(x, y)
        guard j > 0.7 else { return j }
        var prefix = 0
        while prefix < Swift.min(4, x.count, y.count) && x[prefix] == y[prefix] { prefix += 1 }
        return j + Double(prefix) * prefixWeight * (1 - j)
    }
}
