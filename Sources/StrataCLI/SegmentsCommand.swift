import ArgumentParser
import Foundation
import StrataCore
import StrataIO
import StrataAnalytics

/// `strata segments`: rule segments over profiles and event aggregates, with consent.
struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "Rule-based segments from a YAML file: expressions over profiles and event aggregates, consent respected."
    )

    @Argument(help: "Profiles file (one row per customer).")
    var input: String

    @Option(name: .long, help: "Segment rules (YAML; see Data/segments.yaml).")
    var rules: String

    @Option(name: .long, help: "Events file the rules' aggregates read.")
    var events: String?

    @Option(name: .long, help: "Consent table, when the rules name one (consent: {table: …}).")
    var consent: String?

    @Option(name: .long, help: "As-of day YYYY-MM-DD (overrides the rules file's; default: the last event's day).")
    var asOf: String?

    @Option(name: .long, help: "Output: the key, one true/false column per segment, primary_segment (consenting customers only).")
    var output: String?

    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let asOf, CivilDate(iso: asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, got '\(asOf)'") }
    }

    func run() throws {
        try reportingErrors {
            guard let text = try? String(contentsOfFile: rules, encoding: .utf8) else {
                throw StrataError(.io, "cannot open for reading", file: rules)
            }
            let spec = try SegmentSpec.parse(yaml: text, source: rules)
            let (profiles, _) = try read.read(input, global: global)
            let eventTable = try events.map { try read.read($0, global: global).0 }
            if spec.consent?.table != nil && consent == nil {
                throw StrataError(.invalidConfiguration, "the rules name a consent table: pass it with --consent FILE", file: rules)
            }
            let consentTable = try consent.map { try read.read($0, global: global).0 }
            let result: (output: Table, features: Table, summary: SegmentSummary)
            do {
                result = try Segmenter.run(spec, profiles: profiles, events: eventTable, consentTable: consentTable,
                                           asOf: asOf.flatMap { CivilDate(iso: $0)?.daysSinceEpoch })
            } catch let e as StrataError { throw e.file == nil && e.line != nil ? e.inFile(rules) : e.inFile(input) }
            if let output { try writeTable(result.output, to: output, format: nil, parallelism: global.parallelism) }
            let s = result.summary
            if global.json {
                print(try Terminal.json(s))
                return
            }
            guard !global.quiet else { return }
            print("segments as of \(s.asOf): \(s.included) of \(s.profiles) customers")
            if let source = s.consentSource {
                print("excluded for consent (\(source)): \(s.excludedNoConsent + s.excludedConsentMissing) — \(s.excludedNoConsent) declined, \(s.excludedConsentMissing) with no consent recorded")
            }
            print("")
            print(Terminal.table(["segment", "members", "primary"], s.order.map { [$0, String(s.sizes[$0] ?? 0), String(s.primary[$0] ?? 0)] }
                                 + [["(none)", "", String(s.unsegmented)]], numericFrom: 1))
            if let output { Terminal.note("wrote \(result.output.rowCount) customers to \(output)", quiet: global.quiet) }
        }
    }
}
