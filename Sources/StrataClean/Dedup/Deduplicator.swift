import StrataCore

/// Parameters of fuzzy deduplication; each field has a documented default.
public struct DedupConfiguration: Sendable {
    /// How one field of two records is compared.
    public struct Field: Sendable {
        public enum Method: String, Sendable, CaseIterable { case jaroWinkler = "jw", levenshtein, exact }
        public var column: String
        public var method: Method
        public var weight: Double
        public var normalize: Normalize

        public init(_ column: String, _ method: Method = .jaroWinkler, weight: Double = 1, normalize: Normalize = .lower) {
            self.column = column; self.method = method; self.weight = weight; self.normalize = normalize
        }
    }

    /// A blocking key: records agreeing on every part are compared. A part is a normalized
    /// column, optionally cut to its first `prefix` characters.
    public struct Block: Sendable {
        public struct Part: Sendable {
            public var column: String
            public var normalize: Normalize
            public var prefix: Int?
            public init(_ column: String, normalize: Normalize = .lower, prefix: Int? = nil) {
                self.column = column; self.normalize = normalize; self.prefix = prefix
            }
        }
        public var parts: [Part]
        public init(_ parts: [Part]) { self.parts = parts }
    }

    public var fields: [Field] = []
    public var blocks: [Block] = []
    /// Pairs scoring at least this (weighted mean of field similarities, 0…1) are the same
    /// entity (default 0.85).
    public var threshold = 0.85
    /// Blocks larger than this are skipped (a key shared by thousands is not evidence; they are
    /// counted in the summary). Default 200.
    public var maximumBlock = 200
    /// Phone numbers without a country code are read as this region's (default US).
    public var phoneRegion = PhoneRegion.us
    public var parallelism = Parallelism.allCores

    public init() {}
}

/// What deduplication found.
public struct DedupResult: Sendable {
    /// Per input row: its entity (0…entities − 1, in order of first row).
    public let entity: [Int32]
    public let entityCount: Int
    /// Matched pairs (rows i < j) with their scores, in row order.
    public let pairs: [(Int32, Int32, Double)]
    /// Candidate pairs compared, blocks skipped for size.
    public let comparisons: Int
    public let skippedBlocks: Int
}

/// Fuzzy deduplication: blocking, field-wise similarity, a weighted score and a threshold, then
/// entities as connected components of the matched pairs (union–find).
///
/// Candidate pairs come only from records sharing a blocking key, so the work grows with the
/// block sizes, not with n²: near-linear for keys such as a normalized email or phone number.
/// Field similarity: Jaro–Winkler or normalized Levenshtein (equal to rapidfuzz's) or exact
/// equality, on normalized values; a field null on either side leaves the weighted mean.
public enum Deduplicator {
    /// - Throws: `StrataError.invalidConfiguration` (no fields or blocks, bad weights),
    ///   `.columnNotFound`.
    /// - Complexity: O(n + Σ block sizes²) comparisons.
    public static func run(_ table: Table, configuration: DedupConfiguration) throws -> DedupResult {
        guard !configuration.fields.isEmpty, !configuration.blocks.isEmpty else {
            throw StrataError(.invalidConfiguration, "deduplication needs at least one field to compare and one blocking key")
        }
        guard configuration.fields.allSatisfy({ $0.weight > 0 }), (0...1).contains(configuration.threshold) else {
            throw StrataError(.invalidConfiguration, "field weights must be positive and the threshold within 0…1")
        }
        let n = table.rowCount
        // Normalized field values, once per row.
        // (in parallel over row ranges; normalization is most of the work for unique values)
        let values: [[String?]] = try configuration.fields.map { f in
            let c = try table.column(f.column)
            return configuration.parallelism.map(ranges: n, minimumChunk: 4096) { range in
                range.map { c.formatted(at: $0).flatMap { f.normalize.apply($0, region: configuration.phoneRegion) } }
            }.flatMap { $0 }
        }
        // Candidate pairs from every blocking key, deduplicated.
        var candidates = Set<UInt64>()
        var skipped = 0
        for block in configuration.blocks {
            let parts = try block.parts.map { p -> (Column, DedupConfiguration.Block.Part) in (try table.column(p.column), p) }
            // Keys in parallel over row ranges, bucketed in row order.
            let keys: [String?] = configuration.parallelism.map(ranges: n, minimumChunk: 4096) { range in
                range.map { i -> String? in
                    var key = ""
                    for (c, p) in parts {
                        guard let raw = c.formatted(at: i), var v = p.normalize.apply(raw, region: configuration.phoneRegion), !v.isEmpty else { return nil }
                        if let k = p.prefix { v = String(v.prefix(k)) }
                        key += v + "\u{1f}"
                    }
                    return key
                }
            }.flatMap { $0 }
            var buckets: [String: [Int32]] = [:]
            for (i, key) in keys.enumerated() { if let key { buckets[key, default: []].append(Int32(i)) } }
            for rows in buckets.values where rows.count > 1 {
                guard rows.count <= configuration.maximumBlock else { skipped += 1; continue }
                for a in 0..<rows.count { for b in (a + 1)..<rows.count { candidates.insert(UInt64(rows[a]) << 32 | UInt64(rows[b])) } }
            }
        }
        let list = candidates.sorted()
        // Score the candidates in parallel (fixed chunks, merged in order).
        let totalWeight = configuration.fields.reduce(0) { $0 + $1.weight }
        let chunks = configuration.parallelism.map(ranges: list.count, minimumChunk: 2048) { range -> [(Int32, Int32, Double)] in
            var out: [(Int32, Int32, Double)] = []
            for k in range {
                let i = Int(list[k] >> 32), j = Int(list[k] & 0xffff_ffff)
                var sum = 0.0, weight = 0.0
                for (f, field) in configuration.fields.enumerated() {
                    guard let a = values[f][i], let b = values[f][j] else { continue }
                    let s: Double
                    switch field.method {
                    case .exact: s = a == b ? 1 : 0
                    case .jaroWinkler: s = StringSimilarity.jaroWinkler(a, b)
                    case .levenshtein: s = StringSimilarity.levenshteinSimilarity(a, b)
                    }
                    sum += field.weight * s
                    weight += field.weight
                }
                // Too little evidence (under half the weight present) is no match.
                guard weight * 2 >= totalWeight else { continue }
                let score = sum / weight
                if score >= configuration.threshold { out.append((Int32(i), Int32(j), score)) }
            }
            return out
        }
        let pairs = chunks.flatMap { $0 }
        // Union–find over the matched pairs; entity ids by first row.
        var parent = Array(0..<Int32(n))
        func find(_ x: Int32) -> Int32 {
            var r = x
            while parent[Int(r)] != r { r = parent[Int(r)] }
            var y = x
            while parent[Int(y)] != r { let next = parent[Int(y)]; parent[Int(y)] = r; y = next }
            return r
        }
        for (i, j, _) in pairs {
            let a = find(i), b = find(j)
            if a != b { parent[Int(max(a, b))] = min(a, b) }
        }
        var entity = [Int32](repeating: -1, count: n), next: Int32 = 0
        var rootEntity = [Int32](repeating: -1, count: n)
        for i in 0..<n {
            let r = Int(find(Int32(i)))
            if rootEntity[r] < 0 { rootEntity[r] = next; next += 1 }
            entity[i] = rootEntity[r]
        }
        return DedupResult(entity: entity, entityCount: Int(next), pairs: pairs, comparisons: list.count, skippedBlocks: skipped)
    }

    /// Pairwise precision and recall of `entity` against true duplicate links (`truth[i]` = the
    /// row i duplicates, or nil): pairs of rows in one entity versus pairs in one true entity.
    public static func evaluate(entity: [Int32], truth: [Int?]) -> (precision: Double, recall: Double, truePairs: Int, foundPairs: Int) {
        let n = entity.count
        // True entities by union–find over the links.
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int { var r = x; while parent[r] != r { r = parent[r] }; return r }
        for (i, t) in truth.enumerated() { if let t, t >= 0, t < n { let a = find(i), b = find(t); if a != b { parent[max(a, b)] = min(a, b) } } }
        let trueID = (0..<n).map { find($0) }
        func pairsWithin(_ ids: [Int]) -> [Int: [Int]] { Dictionary(grouping: 0..<n, by: { ids[$0] }).filter { $0.value.count > 1 } }
        let predicted = pairsWithin(entity.map(Int.init)), actual = pairsWithin(trueID)
        var found = 0, correct = 0, truePairs = 0
        for members in predicted.values {
            for a in 0..<members.count { for b in (a + 1)..<members.count {
                found += 1
                if trueID[members[a]] == trueID[members[b]] { correct += 1 }
            } }
        }
        for members in actual.values { truePairs += members.count * (members.count - 1) / 2 }
        return (found == 0 ? 1 : Double(correct) / Double(found), truePairs == 0 ? 1 : Double(correct) / Double(truePairs), truePairs, found)
    }
}
