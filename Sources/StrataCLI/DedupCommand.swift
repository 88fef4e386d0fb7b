import ArgumentParser
import Foundation
import StrataCore
import StrataIO
import StrataClean

/// `strata dedup`: fuzzy deduplication into golden records with lineage.
struct DedupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Find duplicate records (blocking, Jaro-Winkler/Levenshtein/exact scores), merge them into golden records with lineage.",
        discussion: """
        --block KEY: records sharing a key are compared; a key is parts joined by '+', each COLUMN[:NORMALIZE[:PREFIX]] \
        (normalize: none, lower, email, phone, name, digits), e.g. --block email:email --block last_name:name:3+postcode.
        --field COLUMN:METHOD[:WEIGHT[:NORMALIZE]] (method: jw, levenshtein, exact), e.g. --field first_name:jw:1:name.
        --survive COLUMN=most_frequent|most_recent:DATE_COLUMN|priority:SOURCE_COLUMN:a,b,c picks golden values.
        """
    )

    @Argument(help: "Input file.")
    var input: String

    @Option(name: .long, help: "Record id column.")
    var id: String

    @Option(name: .long, help: "A blocking key (repeatable).")
    var block: [String] = []

    @Option(name: .long, help: "A field comparison (repeatable).")
    var field: [String] = []

    @Option(name: .long, help: "Match threshold on the weighted score, 0…1 (default 0.85).")
    var threshold = 0.85

    @Option(name: .long, help: "Skip blocks larger than this (default 200).")
    var maxBlock = 200

    @Option(name: .long, help: "Region of phone numbers without a country code (ISO code, default US).")
    var phoneRegion = "US"

    @Option(name: .long, help: "Survivorship rule for a column (repeatable).")
    var survive: [String] = []

    @Option(name: .long, help: "Golden records: one row per entity.")
    var output: String?

    @Option(name: .long, help: "Lineage: per input row, its entity, golden id, best match and score.")
    var lineage: String?

    @Option(name: .long, help: "Ground-truth column naming the id each row duplicates: report precision and recall.")
    var truth: String?

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            var config = DedupConfiguration()
            config.threshold = threshold
            config.maximumBlock = maxBlock
            config.parallelism = global.parallelism
            guard let region = PhoneRegion(iso: phoneRegion) else { throw StrataError(.invalidConfiguration, "--phone-region '\(phoneRegion)' is not a known ISO region") }
            config.phoneRegion = region
            config.blocks = try block.map { try DedupSpecs.block($0) }
            config.fields = try field.map { try DedupSpecs.field($0) }
            var rules: [String: Survivorship] = [:]
            for spec in survive {
                let kv = spec.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2 else { throw StrataError(.invalidConfiguration, "--survive '\(spec)' must be COLUMN=RULE") }
                let r = kv[1].split(separator: ":").map(String.init)
                switch r.first {
                case "most_frequent": rules[kv[0]] = .mostFrequent
                case "most_recent" where r.count == 2: rules[kv[0]] = .mostRecent(by: r[1])
                case "priority" where r.count == 3: rules[kv[0]] = .sourcePriority(column: r[1], order: r[2].split(separator: ",").map(String.init))
                default: throw StrataError(.invalidConfiguration, "--survive '\(spec)': use most_frequent, most_recent:DATE_COLUMN or priority:SOURCE_COLUMN:a,b,c")
                }
            }
            let (table, _) = try read.read(input, global: global)
            let start = Date()
            let result: DedupResult
            let records: (golden: Table, lineage: Table)
            do {
                result = try Deduplicator.run(table, configuration: config)
                records = try GoldenRecords.build(table, result: result, id: id, rules: rules)
            } catch let e as StrataError { throw e.inFile(input) }
            let seconds = Date().timeIntervalSince(start)
            if let output { try writeTable(records.golden, to: output, format: nil, parallelism: global.parallelism) }
            if let lineage { try writeTable(records.lineage, to: lineage, format: nil, parallelism: global.parallelism) }
            var quality: (precision: Double, recall: Double, truePairs: Int, foundPairs: Int)?
            if let truth {
                let t = try table.column(truth), ids = try table.column(id)
                var row: [String: Int] = [:]
                for i in 0..<ids.count { if let k = ids.formatted(at: i) { row[k] = i } }
                quality = Deduplicator.evaluate(entity: result.entity, truth: (0..<t.count).map { t.formatted(at: $0).flatMap { row[$0] } })
            }
            struct Report: Encodable {
                let records: Int, entities: Int, merged: Int, comparisons: Int, matchedPairs: Int, skippedBlocks: Int, seconds: Double
                let precision: Double?, recall: Double?
            }
            let report = Report(records: table.rowCount, entities: result.entityCount, merged: table.rowCount - result.entityCount,
                                comparisons: result.comparisons, matchedPairs: result.pairs.count, skippedBlocks: result.skippedBlocks,
                                seconds: seconds, precision: quality?.precision, recall: quality?.recall)
            if global.json { print(try Terminal.json(report)); return }
            guard !global.quiet else { return }
            print("\(table.rowCount) records → \(result.entityCount) entities (\(table.rowCount - result.entityCount) merged); \(result.comparisons) candidate pairs compared, \(result.pairs.count) matched, \(result.skippedBlocks) oversized blocks skipped; \(String(format: "%.2f", seconds)) s")
            if let quality {
                print(String(format: "against %@: precision %.4f, recall %.4f (%d true duplicate pairs, %d found)", truth!, quality.precision, quality.recall, quality.truePairs, quality.foundPairs))
            }
        }
    }
}
