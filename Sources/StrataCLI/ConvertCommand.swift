import ArgumentParser
import StrataCore
import StrataIO

/// `strata convert IN OUT`: between the formats Strata reads and writes.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a table between formats (by extension: .csv, .tsv, .parquet, .arrow/.feather, .arrows)."
    )

    @Argument(help: "Input file.")
    var input: String

    @Argument(help: "Output file.")
    var output: String

    @Option(name: .long, help: "Output format (default: from the extension).")
    var outputFormat: FileFormat?

    @Option(name: .long, help: "Output compression. Parquet: none, snappy (default), gzip, zstd, lz4 (LZ4_RAW). Arrow: none (default), lz4, zstd.")
    var compression: String?

    @Option(name: .long, help: "Rows per Parquet row group or Arrow record batch (default 1048576).")
    var rowGroupSize: Int?

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            let (table, _) = try read.read(input, global: global)
            if let rowGroupSize, rowGroupSize < 1 { throw StrataError(.invalidConfiguration, "--row-group-size must be at least 1") }
            try writeTable(table, to: output, format: outputFormat, parallelism: global.parallelism,
                           settings: BinaryWriteSettings(compression: compression, groupRows: rowGroupSize))
            if global.json {
                print(try Terminal.json(["input": input, "output": output, "rows": String(table.rowCount)]))
            } else {
                Terminal.note("wrote \(table.rowCount) rows × \(table.columnCount) columns to \(output)", quiet: global.quiet)
            }
        }
    }
}
