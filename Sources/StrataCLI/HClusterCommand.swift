import ArgumentParser
import Foundation
import StrataCluster
import StrataCore
import StrataIO
import StrataKernels
import StrataPlot
import StrataPrep
import _CStrataPlatform

extension LinkageMethod: ExpressibleByArgument {}

/// `strata hcluster`: hierarchical clustering with scipy's linkage matrix.
struct HClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hcluster",
        abstract: "Cluster rows hierarchically (scipy's linkages and Z), cut the tree, and print each cluster's profile.",
        discussion: """
            Ward, single, centroid and median run on the vectors in O(n·d) memory; complete, average and \
            weighted need a condensed distance matrix of n(n−1)/2 values, checked against the memory \
            available before anything runs. For millions of rows use --micro-clusters M (ward or centroid): \
            K-Means micro-clusters first, then the linkage on their size-weighted centroids, which is exact \
            Ward over unions of micro-clusters.
            """
    )

    @Argument(help: "Input file (.csv, .tsv, .parquet, .arrow, .arrows).")
    var input: String

    @Option(name: .long, help: "Linkage: ward, single, complete, average, weighted, centroid, median.")
    var linkage: LinkageMethod = .ward

    @Option(name: .long, help: "Cut into at most K clusters (scipy fcluster 'maxclust').")
    var k: Int?

    @Option(name: .long, help: "Cut at height D: no cluster spans a merge above it (scipy fcluster 'distance').")
    var distance: Double?

    @Option(name: .customLong("micro-clusters"), help: "Two-stage mode: K-Means micro-clusters first (a few thousand), then the linkage on their centroids (ward or centroid).")
    var microClusters: Int?

    @Option(name: .long, help: "Random seed (micro-clusters, cophenetic sample).")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Output file of id, cluster (1...K, scipy's labels) per row.")
    var output: String?

    @Option(name: .customLong("linkage-out"), help: "Write Z, scipy's linkage matrix: left, right, distance, size per merge (CSV).")
    var linkageOut: String?

    @Option(name: .long, help: "Write the dendrogram (SVG, truncated to the top merges for large trees).")
    var dendrogram: String?

    @Option(name: .customLong("memory-limit"), help: "Memory the condensed matrix may use, e.g. 8GiB (default: what is available).")
    var memoryLimit: String?

    @OptionGroup var features: FeatureOptions
    @OptionGroup var read: ReadOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (k == nil) != (distance == nil) else { throw ValidationError("give exactly one of --k K or --distance D") }
        if let k, k < 1 { throw ValidationError("--k must be at least 1") }
        if let distance, !(distance >= 0 && distance.isFinite) { throw ValidationError("--distance must be a finite height ≥ 0") }
        if let microClusters {
            guard microClusters >= 2 else { throw ValidationError("--micro-clusters must be at least 2") }
            guard linkage.isExactOnCentroids else {
                throw ValidationError("--micro-clusters needs --linkage ward or centroid (exact on weighted centroids), not \(linkage.rawValue)")
            }
        }
        if let memoryLimit, Self.bytes(memoryLimit) == nil { throw ValidationError("--memory-limit must be a size such as 512MiB or 8GiB") }
    }

    /// "8GiB", "512MiB", "1.5GB", "1000000": bytes.
    static func bytes(_ text: String) -> Int? {
        let units: [(String, Double)] = [("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776),
                                         ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1)]
        let t = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            return Double(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 ? Int($0 * scale) : nil }
        }
        return Double(t).flatMap { $0 >= 0 ? Int($0) : nil }
    }

    func run() throws {
        try reportingErrors {
            switch features.precision {
            case .float32: try cluster(Float.self)
            case .float64: try cluster(Double.self)
            }
        }
    }

    struct ClusterSummary: Encodable {
        var cluster: Int32
        var size: Int
        var means: [Double]
    }

    struct Summary: Encodable {
        var rows: Int
        var leaves: Int
        var linkage: String
        var microClusters: Int?
        var clusters: Int
        var cutHeight: Double
        var copheneticCorrelation: Double
        var copheneticSampledLeaves: Int?
        var seconds: Double
        var columns: [String]
        var profiles: [ClusterSummary]
        var peakRSSBytes: Int
    }

    private func cluster<S: KernelScalar>(_: S.Type) throws {
        let quiet = global.quiet
        Terminal.progress("reading \(input)…", quiet: quiet)
        let (table, _) = try read.read(input, global: global)
        guard table.rowCount > 0 else { throw StrataError(.invalidConfiguration, "no rows to cluster: the input has a header only", file: input) }
        let columns = try features.featureColumns(table)
        let (raw, _) = try FeatureExtraction.extract(table, columns: columns, as: S.self, missing: features.missingPolicy())
        guard raw.rows >= 2 else {
            throw StrataError(.invalidConfiguration, "hierarchical clustering needs at least 2 rows, the input has \(raw.rows)", file: input)
        }
        let scaler = Standardizer.fit(raw, method: features.standardize)
        for c in scaler.constantColumns {
            Terminal.note("strata: warning: column '\(c)' is constant; it cannot separate clusters (scaled to 0)", quiet: quiet)
        }
        let x = try scaler.transform(raw)
        var config = HierarchicalConfiguration(method: linkage)
        config.parallelism = global.parallelism
        config.memoryLimit = memoryLimit.flatMap(Self.bytes)
        if microClusters == nil && linkage.runsOnVectors && x.rows > 100_000 {
            Terminal.note("strata: note: \(linkage.rawValue) linkage on \(x.rows) rows takes O(n²) time; --micro-clusters 2000 runs the two-stage mode in seconds", quiet: quiet)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let tree: Dendrogram
        var twoStage: TwoStageHierarchy<S>? = nil
        if let microClusters {
            Terminal.progress("K-Means micro-clusters (k = \(microClusters)), then \(linkage.rawValue) linkage…", quiet: quiet)
            let t = try x.withUnsafeBufferPointer {
                try HierarchicalClustering.fitTwoStage($0, rows: x.rows, columns: x.columns, microClusters: microClusters,
                                                       configuration: config, seed: seed)
            }
            tree = t.dendrogram
            twoStage = t
        } else {
            Terminal.progress("\(linkage.rawValue) linkage on \(x.rows) rows…", quiet: quiet)
            tree = try HierarchicalClustering.fit(x, configuration: config)
        }
        let seconds = Double((clock.now - start).components.attoseconds) * 1e-18 + Double((clock.now - start).components.seconds)
        let cutHeight = distance ?? tree.threshold(forClusters: k!)
        let leafLabels = try k.map { try tree.clusters(count: $0) } ?? tree.clusters(atDistance: distance!)
        let labels = twoStage?.rowLabels(leafLabels) ?? leafLabels
        let clusterCount = Int(labels.max() ?? 0)
        let coph: (value: Double, sampledLeaves: Int?)
        if let twoStage {
            coph = twoStage.centroids.withUnsafeBufferPointer { tree.copheneticCorrelation($0, columns: x.columns, seed: seed) }
        } else {
            coph = x.withUnsafeBufferPointer { tree.copheneticCorrelation($0, columns: x.columns, seed: seed) }
        }
        Terminal.endProgress(quiet: quiet)

        if let output { try writeClusters(table: table, sourceRows: x.sourceRows, labels: labels, micro: twoStage?.microClusterOfRow, to: output) }
        if let linkageOut { try writeLinkage(tree, to: linkageOut) }
        if let dendrogram {
            var chart = DendrogramChart(
                title: "\(linkage.rawValue.capitalized) linkage, \(x.rows) rows" + (twoStage != nil ? " (\(tree.leaves) micro-clusters)" : ""),
                leaves: tree.leaves,
                merges: tree.merges.map { .init(left: $0.left, right: $0.right, height: $0.distance, size: $0.size) },
                leafSizes: tree.leafSizes, cut: drawnCut(tree, at: cutHeight))
            chart.cutClusters = clusterCount
            try writeBytes(Array(chart.svg().utf8), to: dendrogram)
        }
        // Profiles in original units.
        var sums = [Double](repeating: 0, count: clusterCount * raw.columns), sizes = [Int](repeating: 0, count: clusterCount)
        raw.withUnsafeBufferPointer { r in
            for i in 0..<raw.rows {
                let c = Int(labels[i]) - 1
                sizes[c] += 1
                for j in 0..<raw.columns { sums[c * raw.columns + j] += Double(r[i * raw.columns + j]) }
            }
        }
        let width = raw.columns
        var profiles: [ClusterSummary] = []
        for c in 0..<clusterCount {
            let count = Double(max(sizes[c], 1))
            let means = (0..<width).map { (j: Int) -> Double in sums[c * width + j] / count }
            profiles.append(ClusterSummary(cluster: Int32(c + 1), size: sizes[c], means: means))
        }
        let summary = Summary(rows: x.rows, leaves: tree.leaves, linkage: linkage.rawValue, microClusters: twoStage.map { _ in tree.leaves },
                              clusters: clusterCount, cutHeight: cutHeight, copheneticCorrelation: coph.value,
                              copheneticSampledLeaves: coph.sampledLeaves, seconds: seconds, columns: columns, profiles: profiles,
                              peakRSSBytes: Int(strata_peak_rss_bytes()))
        try printSummary(summary, dropped: table.rowCount - x.rows)
    }

    /// Where to draw the cut: between the highest merge kept and the lowest merge cut, so the
    /// line does not sit on a merge.
    private func drawnCut(_ tree: Dendrogram, at height: Double) -> Double? {
        guard height.isFinite else { return nil }
        guard let above = tree.maxHeights.filter({ $0 > height }).min() else { return height }
        return (height + above) / 2
    }

    private func writeClusters(table: Table, sourceRows: [Int]?, labels: [Int32], micro: [Int32]?, to path: String) throws {
        let n = labels.count
        let (idName, idColumn) = try idColumn(table: table, sourceRows: sourceRows, id: features.id, rows: n)
        let cluster = ColumnBuilder(type: .int64, capacity: n)
        for l in labels { cluster.append(Int64(l)) }
        var names = [idName, "cluster"], cols = [idColumn, cluster.finish()]
        if let micro {
            let m = ColumnBuilder(type: .int64, capacity: n)
            for l in micro { m.append(Int64(l)) }
            names.append("micro_cluster")
            cols.append(m.finish())
        }
        try writeTable(try Table(names: names, columns: cols), to: path, format: nil, parallelism: global.parallelism)
    }

    private func writeLinkage(_ tree: Dendrogram, to path: String) throws {
        let m = tree.merges.count
        let left = ColumnBuilder(type: .int64, capacity: m), right = ColumnBuilder(type: .int64, capacity: m)
        let height = ColumnBuilder(type: .float64, capacity: m), size = ColumnBuilder(type: .float64, capacity: m)
        for z in tree.merges {
            left.append(Int64(z.left)); right.append(Int64(z.right)); height.append(z.distance); size.append(z.size)
        }
        let t = try Table(names: ["left", "right", "distance", "size"], columns: [left.finish(), right.finish(), height.finish(), size.finish()])
        try writeTable(t, to: path, format: nil, parallelism: global.parallelism)
    }

    private func printSummary(_ s: Summary, dropped: Int) throws {
        if global.json {
            print(try Terminal.json(s))
            return
        }
        guard !global.quiet else { return }
        let what = s.microClusters.map { "\(s.rows) rows in \($0) micro-clusters" } ?? "\(s.rows) rows"
        print("Hierarchical clustering (\(s.linkage) linkage): \(what), \(s.columns.count) features, \(Terminal.number(s.seconds)) s")
        if dropped > 0 { print("\(dropped) rows with missing values were left out (--missing drop)") }
        print("cut at height \(Terminal.number(s.cutHeight)): \(s.clusters) clusters; cophenetic correlation \(Terminal.number(s.copheneticCorrelation))"
              + (s.copheneticSampledLeaves.map { " (over a sample of \($0) leaves)" } ?? ""))
        print("")
        let shown = s.profiles.prefix(50)
        print("Cluster profiles (means in original units)\(s.profiles.count > 50 ? ", the first 50 of \(s.profiles.count)" : ""):")
        print(Terminal.table(["cluster", "size", "share"] + s.columns, shown.map { p in
            [String(p.cluster), String(p.size), String(format: "%.1f%%", 100 * Double(p.size) / Double(max(s.rows, 1)))] + p.means.map { Terminal.number($0) }
        }, numericFrom: 1))
    }
}

/// The id column of an output: the named column (rows as clustered), or 1-based row numbers.
func idColumn(table: Table, sourceRows: [Int]?, id: String?, rows n: Int) throws -> (String, Column) {
    if let id {
        let c = try table.column(id)
        return (id, sourceRows.map { c.gathering($0) } ?? c)
    }
    let b = ColumnBuilder(type: .int64, capacity: n)
    for i in 0..<n { b.append(Int64((sourceRows?[i] ?? i) + 1)) }
    return ("row", b.finish())
}
