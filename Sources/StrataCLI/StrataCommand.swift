import ArgumentParser
import StrataCore

/// The `strata` command: a root with one subcommand per job.
public struct StrataCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "Columnar analytics for customer segmentation: ingest, profile, cluster, validate.",
        version: "0.1.0",
        subcommands: [ProfileCommand.self, GenerateCommand.self, ConvertCommand.self, KMeansCommand.self, PredictCommand.self, HClusterCommand.self, AnomaliesCommand.self, ValidateCommand.self, RFMCommand.self, CohortsCommand.self, SegmentsCommand.self, GroupByCommand.self, DedupCommand.self, CleanCommand.self, ChurnCommand.self, SegmentCommand.self, BenchCommand.self]
    )

    public init() {}
}

/// Flags every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .long, help: "Print results as JSON on stdout.")
    var json = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var parallelism: Parallelism { threads.map { Parallelism(threads: $0) } ?? .allCores }
}

/// Exit codes (sysexits.h): usage 64, bad data 65, missing input 66, I/O 74, other 1.
enum ExitStatus {
    static func code(for error: StrataError) -> Int32 {
        switch error.kind {
        case .invalidConfiguration, .columnNotFound, .unsupported: return 64
        case .parse, .typeMismatch, .missingValue, .nonFiniteInput, .shapeMismatch: return 65
        case .io: return error.message.hasPrefix("cannot open") ? 66 : 74
        case .resourceLimit: return 1
        }
    }
}

/// Runs `body`, turning a `StrataError` into one line on stderr and its exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as StrataError {
        Terminal.error("strata: error: \(error.description)")
        throw ExitCode(ExitStatus.code(for: error))
    }
}
