import ArgumentParser
import StrataCore
import StrataIO
import StrataSynth

/// `strata generate`: synthetic customer profiles.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic customer profiles with ground-truth segments, anomalies, near-duplicates and nulls."
    )

    @Option(name: .long, help: "Number of customers (1 to 100,000,000).")
    var rows: Int?

    @Option(name: .long, help: "Number of ground-truth segments.")
    var clusters: Int = 6

    @Option(name: .long, help: "Random seed; the same seed gives the same file.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Output file for the profiles (.csv, .tsv, .parquet, .arrow/.feather, .arrows).")
    var output: String?

    @Option(name: .long, help: "Existing profiles (from strata generate) to write transactions or events for, instead of new profiles.")
    var profiles: String?

    @Option(name: .long, help: "Also write the customers' purchases: customer_id, order_time, amount.")
    var transactions: String?

    @Option(name: .long, help: "Also write the customers' events: customer_id, event_time, event_type (purchase, cart_add, page_view), amount.")
    var events: String?

    @Option(name: .long, help: "The day recency is measured from, for transactions and events (default 2026-07-31).")
    var asOf: String?


    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if profiles == nil {
            guard let rows, output != nil else { throw ValidationError("give --rows and --output (new profiles), or --profiles FILE with --transactions or --events") }
            guard (1...100_000_000).contains(rows) else { throw ValidationError("--rows must be between 1 and 100,000,000") }
        } else {
            guard rows == nil, output == nil else { throw ValidationError("--profiles reads existing profiles: drop --rows and --output") }
            guard transactions != nil || events != nil else { throw ValidationError("--profiles needs --transactions FILE or --events FILE") }
        }
        guard (1...1000).contains(clusters) else { throw ValidationError("--clusters must be between 1 and 1000") }
    }

    func run() throws {
        try reportingErrors {
            var eventConfig = EventGeneratorConfiguration()
            eventConfig.seed = seed
            if let asOf {
                guard let day = CivilDate(iso: asOf) else { throw StrataError(.invalidConfiguration, "--as-of must be a date YYYY-MM-DD, got '\(asOf)'") }
                eventConfig.asOf = day
            }
            if let profiles {
                let (table, _) = try read.read(profiles, global: global)
                try writeEvents(for: [table], config: eventConfig)
                return
            }
            let rows = self.rows!, output = self.output!
            var config = ProfileGeneratorConfiguration(rows: rows)
            config.clusters = clusters
            config.seed = seed
            let generator = try ProfileGenerator(config)
            let f = try FileFormat.of(path: output, override: nil)
            var o = CSVWriteOptions()
            o.parallelism = global.parallelism
            if f == .tsv { o.delimiter = UInt8(ascii: "\t") }
            // Text streams out chunk by chunk; binary formats are written whole at the end.
            let writer = f.isText ? try CSVWriter(path: output, options: o) : nil
            var held: [Table] = []
            let parallelism = global.parallelism
            var k = 0
            while k < generator.chunkCount {
                let batch = min(parallelism.threads, generator.chunkCount - k)
                let first = k
                let tables = parallelism.map(ranges: batch, minimumChunk: 1) { r in r.map { generator.chunk(first + $0) } }.flatMap { $0 }
                for t in tables { if let writer { try writer.append(t) } else { held.append(t) } }
                if writer != nil && (transactions != nil || events != nil) { held += tables }
                k += batch
                Terminal.progress("generated \(min(k * config.chunkRows, rows)) of \(rows) rows", quiet: global.quiet)
            }
            if let writer { try writer.commit() } else {
                try writeTable(try Table.concatenate(held), to: output, format: nil, parallelism: parallelism)
            }
            try writeEvents(for: held, config: eventConfig)
            Terminal.endProgress(quiet: global.quiet)
            if global.json {
                print(try Terminal.json(["output": output, "rows": String(rows), "clusters": String(clusters), "seed": String(seed)]))
            } else {
                Terminal.note("wrote \(rows) profiles in \(clusters) segments to \(output) (seed \(seed))", quiet: global.quiet)
            }
        }
    }

    /// Writes `--transactions` and `--events` for the profile tables (in order).
    private func writeEvents(for profiles: [Table], config: EventGeneratorConfiguration) throws {
        guard transactions != nil || events != nil else { return }
        let generator = EventGenerator(config)
        let table = try Table.concatenate(profiles)
        for (path, purchasesOnly) in [(transactions, true), (events, false)] {
            guard let path else { continue }
            let parts = global.parallelism.map(ranges: table.rowCount, minimumChunk: 4096, oversplit: 4) { range in
                Result { try generator.events(for: table, rows: range, purchasesOnly: purchasesOnly) }
            }
            let result = try Table.concatenate(try parts.map { try $0.get() })
            try writeTable(result, to: path, format: nil, parallelism: global.parallelism)
            Terminal.note("wrote \(result.rowCount) \(purchasesOnly ? "purchases" : "events") of \(table.rowCount) customers to \(path) (as of \(config.asOf))", quiet: global.quiet)
        }
    }
}
