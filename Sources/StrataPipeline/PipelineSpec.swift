import Foundation
import StrataCore
import StrataClean
import StrataAnalytics
import Yams

/// A declared overnight re-segmentation job (`strata segment --spec FILE.yaml`).
///
/// ```yaml
/// output: out/nightly                   # outputs and the run report go here
/// key: customer_id
/// as_of: 2026-07-31
/// sources:
///   profiles: Data/customers.csv
///   transactions: out/transactions.parquet     # optional: RFM features
///   events: out/events.parquet                 # optional: rule aggregates
/// clean: {categoricals: {region: {case: lower}}, emails: [email], phones: {phone: US}, missing: {income: median}}
/// dedup:
///   blocks: ["email:email", "phone:phone"]
///   fields: ["first_name:jw:1:name", "last_name:jw:1:name", "email:exact:2:email", "phone:exact:2:phone"]
///   threshold: 0.85
/// validate: Data/customers.rules.yaml          # rows failing error rules are quarantined
/// rfm: {date: order_time, amount: amount, bad_amounts: drop}
/// consent: email_opt_in                        # a profile column
/// segments: Data/segments.yaml                 # rule segments
/// clustering: {method: kmeans, k: 6, columns: [recency_days, frequency, monetary], standardize: zscore, seed: 42}
/// churn: {label: churned, features: [recency_days, frequency, monetary], threshold: 0.5}
/// ```
/// Relative paths are resolved against the directory the command runs in.
public struct PipelineSpec: Sendable {
    public struct Clustering: Sendable {
        /// kmeans (default) or ward (exact up to 20,000 rows, two-stage above).
        public var method = "kmeans"
        public var k: Int
        public var columns: [String]
        public var standardize = "zscore"
        public var seed: UInt64 = 0
    }
    public struct Churn: Sendable {
        public var label: String
        public var features: [String]
        public var threshold = 0.5
        public var trees = 100
    }
    public struct RFMStep: Sendable {
        public var date: String
        public var amount: String
        public var badAmounts = "error"
    }

    public var source: String
    public var output = "out/segment-run"
    public var key = "customer_id"
    public var asOf: Int?
    public var profiles = ""
    public var transactions: String?
    public var events: String?
    public var clean: CleaningSpec?
    public var dedupBlocks: [String] = []
    public var dedupFields: [String] = []
    public var dedupThreshold = 0.85
    public var validate: String?
    public var rfm: RFMStep?
    public var consent: String?
    public var segments: String?
    public var clustering: Clustering?
    public var churn: Churn?
    /// The spec's text, fingerprinting a run for `--resume`.
    public var text = ""

    /// - Throws: `StrataError.parse` naming the file, line and key.
    public static func parse(yaml document: String, source: String) throws -> PipelineSpec {
        let y = YAMLSpecReader(source: source)
        let top = try y.top(document, what: "the spec")
        var spec = PipelineSpec(source: source)
        spec.text = document
        let fail = y.fail, text = y.text, list = y.list, mapping = y.mapping
        func unknown(_ key: Node, _ place: String, _ known: [String]) -> StrataError { y.unknown(key, place, known) }
        for (k, v) in top {
            switch k.string ?? "" {
            case "output": spec.output = try text(v, "output")
            case "key": spec.key = try text(v, "key")
            case "as_of":
                guard let d = CivilDate(iso: try text(v, "as_of")) else { throw fail(v, "as_of must be a date YYYY-MM-DD") }
                spec.asOf = d.daysSinceEpoch
            case "sources":
                for (sk, sv) in try mapping(v, "sources") {
                    switch sk.string ?? "" {
                    case "profiles": spec.profiles = try text(sv, "sources.profiles")
                    case "transactions": spec.transactions = try text(sv, "sources.transactions")
                    case "events": spec.events = try text(sv, "sources.events")
                    default: throw unknown(sk, "sources", ["profiles", "transactions", "events"])
                    }
                }
            case "clean": spec.clean = try CleaningSpec.parse(try mapping(v, "clean"), source: source)
            case "dedup":
                for (dk, dv) in try mapping(v, "dedup") {
                    switch dk.string ?? "" {
                    case "blocks": spec.dedupBlocks = try list(dv, "dedup.blocks")
                    case "fields": spec.dedupFields = try list(dv, "dedup.fields")
                    case "threshold":
                        guard let t = Double(try text(dv, "dedup.threshold")), (0...1).contains(t) else { throw fail(dv, "dedup.threshold must be within 0…1") }
                        spec.dedupThreshold = t
                    default: throw unknown(dk, "dedup", ["blocks", "fields", "threshold"])
                    }
                }
                if spec.dedupBlocks.isEmpty || spec.dedupFields.isEmpty { throw fail(v, "dedup needs blocks and fields") }
            case "validate": spec.validate = try text(v, "validate")
            case "rfm":
                var date: String?, amount: String?, bad = "error"
                for (rk, rv) in try mapping(v, "rfm") {
                    switch rk.string ?? "" {
                    case "date": date = try text(rv, "rfm.date")
                    case "amount": amount = try text(rv, "rfm.amount")
                    case "bad_amounts":
                        bad = try text(rv, "rfm.bad_amounts")
                        guard ["error", "drop", "zero"].contains(bad) else { throw fail(rv, "rfm.bad_amounts must be error, drop or zero") }
                    default: throw unknown(rk, "rfm", ["date", "amount", "bad_amounts"])
                    }
                }
                guard let date, let amount else { throw fail(v, "rfm needs date and amount") }
                spec.rfm = RFMStep(date: date, amount: amount, badAmounts: bad)
            case "consent": spec.consent = try text(v, "consent")
            case "segments": spec.segments = try text(v, "segments")
            case "clustering":
                var k: Int?, columns: [String] = [], standardize = "zscore", seed: UInt64 = 0, method = "kmeans"
                for (ck, cv) in try mapping(v, "clustering") {
                    switch ck.string ?? "" {
                    case "k": k = Int(try text(cv, "clustering.k"))
                    case "columns": columns = try list(cv, "clustering.columns")
                    case "standardize": standardize = try text(cv, "clustering.standardize")
                    case "seed": seed = UInt64(try text(cv, "clustering.seed")) ?? 0
                    case "method":
                        method = try text(cv, "clustering.method")
                        guard ["kmeans", "ward"].contains(method) else { throw fail(cv, "clustering.method must be kmeans or ward") }
                    default: throw unknown(ck, "clustering", ["method", "k", "columns", "standardize", "seed"])
                    }
                }
                guard let k, k >= 1, !columns.isEmpty else { throw fail(v, "clustering needs k ≥ 1 and columns") }
                spec.clustering = Clustering(method: method, k: k, columns: columns, standardize: standardize, seed: seed)
            case "churn":
                var label: String?, features: [String] = [], threshold = 0.5, trees = 100
                for (ck, cv) in try mapping(v, "churn") {
                    switch ck.string ?? "" {
                    case "label": label = try text(cv, "churn.label")
                    case "features": features = try list(cv, "churn.features")
                    case "threshold": threshold = Double(try text(cv, "churn.threshold")) ?? -1
                    case "trees": trees = Int(try text(cv, "churn.trees")) ?? 0
                    default: throw unknown(ck, "churn", ["label", "features", "threshold", "trees"])
                    }
                }
                guard let label, !features.isEmpty, (0...1).contains(threshold), trees >= 1 else {
                    throw fail(v, "churn needs a label, features, a threshold within 0…1 and trees ≥ 1")
                }
                spec.churn = Churn(label: label, features: features, threshold: threshold, trees: trees)
            default:
                throw unknown(k, "the spec", ["output", "key", "as_of", "sources", "clean", "dedup", "validate", "rfm", "consent", "segments", "clustering", "churn"])
            }
        }
        guard !spec.profiles.isEmpty else { throw StrataError(.parse, "the spec needs sources.profiles", file: source) }
        if spec.rfm != nil && spec.transactions == nil { throw StrataError(.parse, "rfm needs sources.transactions", file: source) }
        return spec
    }

    /// The steps this spec runs, in order.
    public var steps: [String] {
        var s = ["load"]
        if clean != nil { s.append("clean") }
        if !dedupBlocks.isEmpty { s.append("dedup") }
        if validate != nil { s.append("validate") }
        if rfm != nil { s.append("features") }
        if consent != nil { s.append("consent") }
        if segments != nil { s.append("segments") }
        if clustering != nil { s.append("clustering") }
        if churn != nil { s.append("churn") }
        s.append("outputs")
        return s
    }
}
