import ArgumentParser
import Foundation
import StrataCore
import StrataPipeline

/// `strata segment --spec FILE.yaml`: the overnight re-segmentation job.
struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Run a declared segmentation job: load, clean, deduplicate, validate, features, consent, segments, clusters, churn, report."
    )

    @Option(name: .long, help: "The job spec (YAML; see Data/segment.yaml).")
    var spec: String

    @Flag(name: .long, help: "Continue an interrupted run from its last completed step.")
    var resume = false

    @Flag(name: .long, help: "Check the spec and print the plan; run nothing.")
    var dryRun = false

    @Option(name: .long, help: .hidden)
    var stopAfter: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            guard let text = try? String(contentsOfFile: spec, encoding: .utf8) else { throw StrataError(.io, "cannot open for reading", file: spec) }
            let job = try PipelineSpec.parse(yaml: text, source: spec)
            if dryRun {
                for path in [job.profiles, job.transactions, job.events, job.validate, job.segments].compactMap({ $0 }) where !FileManager.default.fileExists(atPath: path) {
                    throw StrataError(.io, "cannot open for reading: no such file (named in \(spec))", file: path)
                }
                print("plan for \(spec) → \(job.output):")
                for (i, step) in job.steps.enumerated() { print("  \(i + 1). \(step)") }
                return
            }
            var options = PipelineOptions()
            options.resume = resume
            options.parallelism = global.parallelism
            options.stopAfter = stopAfter
            let quiet = global.quiet
            do {
                let (steps, report) = try Pipeline.run(job, options: options) { line in Terminal.note("strata segment: " + line, quiet: quiet) }
                if global.json {
                    print(try Terminal.json(["report": report, "steps": String(steps.count)]))
                } else if !quiet {
                    print("run complete: outputs in \(job.output), report \(report)")
                }
            } catch where Pipeline.isStop(error) {
                Terminal.note("strata segment: stopped after \(stopAfter ?? "?") (continue with --resume)", quiet: quiet)
                throw ExitCode(75)
            }
        }
    }
}
