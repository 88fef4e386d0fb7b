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
    var rows: Int

    @Option(name: .long, help: "Number of ground-truth segments.")
    var clusters: Int = 6

    @Option(name: .long, help: "Random seed; the same seed gives the same file.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Output file (.csv, .tsv, .parquet, .arrow/.feather, .arrows).")
    var output: String

    @Option(name: .long, help: "Output format (default: from the extension).")
    var format: FileFormat?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...100_000_000).contains(rows) else { throw ValidationError("--rows must be between 1 and 100,000,000") }
        guard (1...1000).contains(clusters) else { throw ValidationError("--clusters must be between 1 and 1000") }
    }

    func run() throws {
        try reportingErrors {
            var config = ProfileGeneratorConfiguration(rows: rows)
            config.clusters = clusters
            config.seed = seed
            let generator = try ProfileGenerator(config)
            let f = try FileFormat.of(path: output, override: format)
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
                k += batch
                Terminal.progress("generated \(min(k * config.chunkRows, rows)) of \(rows) rows", quiet: global.quiet)
            }
            if let writer { try writer.commit() } else {
                try writeTable(try Table.concatenate(held), to: output, format: format, parallelism: parallelism)
            }
            Terminal.endProgress(quiet: global.quiet)
            if global.json {
                print(try Terminal.json(["output": output, "rows": String(rows), "clusters": String(clusters), "seed": String(seed)]))
            } else {
                Terminal.note("wrote \(rows) profiles in \(clusters) segments to \(output) (seed \(seed))", quiet: global.quiet)
            }
        }
    }
}
