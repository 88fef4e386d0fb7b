import ArgumentParser
import _CStrataPlatform
import StrataAnomaly
import StrataCluster
import StrataCore
import StrataIO
import StrataKernels
import StrataPrep
#if canImport(Glibc)
import Glibc
#endif

/// `strata bench …`: timed single operations for `make compare` (one per process, so the peak
/// resident memory it reports belongs to that operation alone).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time one operation and print JSON (used by make compare).",
        subcommands: [Read.self, KMeansBench.self, IsolationForestBench.self, SgemmBench.self, AnalyticsBench.self]
    )

    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read a file into the column store.")

        @Argument(help: "Input file.")
        var input: String

        @OptionGroup var read: ReadOptions
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try reportingErrors {
                let start = monotonicSeconds()
                let (table, _) = try read.read(input, global: global)
                let seconds = monotonicSeconds() - start
                let bytes = table.columns.reduce(0) { $0 + $1.byteCount }
                // Per numeric column, the sum of its values: lets the caller check both sides read the same numbers.
                let sums = table.columns.filter { $0.type.isNumeric }.map { c in
                    (0..<c.count).reduce(0.0) { $0 + (c.doubleValue(at: $1) ?? 0) }
                }
                print(try Terminal.json(BenchResult(seconds: seconds, rows: table.rowCount, columns: table.columnCount,
                                                    columnBytes: bytes, peakRSSBytes: Int(strata_peak_rss_bytes()), sums: sums)))
            }
        }
    }

    /// K-Means on a raw little-endian float32 matrix (rows × dims), as the anchors get it.
    struct KMeansBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "kmeans", abstract: "Fit K-Means on a raw float32 matrix.")

        @Argument(help: "Raw float32 file, rows × dims, row-major.")
        var data: String
        @Option(name: .long) var dims: Int
        @Option(name: .long) var k: Int
        @Option(name: .long, help: "Raw float32 file of k × dims initial centers (default: k-means++).")
        var initCenters: String?
        @Option(name: .customLong("max-iter")) var maxIter: Int = 300
        @Option(name: .long) var tol: Double = 1e-4
        @Option(name: .long) var seed: UInt64 = 0
        @Option(name: .long, help: "Write the labels (int32) here.")
        var labelsOut: String?
        @Option(name: .long, help: "auto, lloyd, hamerly, yinyang or minibatch.")
        var algorithm: String = "auto"
        @Option(name: .long, help: "Lloyd's assignment: auto, direct or gemm.")
        var assignment: String = "auto"
        @Flag(name: .long, help: "Only run k-means++ seeding and report its time.")
        var initOnly = false
        @Option(name: .long, help: "With --init-only: write the k × dims seeds (float32) here.")
        var centersOut: String?
        @Flag(name: .long, help: "Print each iteration's time, inertia, shift and changed labels on stderr.")
        var trace = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try reportingErrors {
                let storage = try readRawFloatStorage(data)
                let values = UnsafeBufferPointer(start: storage.base, count: storage.count)
                let n = values.count / dims
                var config = KMeansConfiguration(k: k)
                config.maxIterations = maxIter
                config.tolerance = tol
                config.seed = seed
                config.algorithm = KMeansAlgorithm(rawValue: algorithm) ?? .auto
                config.assignment = KMeansAssignment(rawValue: assignment) ?? .auto
                config.parallelism = global.parallelism
                if let initCenters { config.initialization = .centers(try readFloats(initCenters).map(Double.init)) }
                let start = monotonicSeconds()
                if initOnly {
                    let centers = KMeans.seedKMeansPlusPlus(values.baseAddress!, rows: n, columns: dims, k: k, seed: seed,
                                                            parallelism: global.parallelism)
                    let seconds = monotonicSeconds() - start
                    if let centersOut {
                        try writeBytes(centers.withUnsafeBytes { Array($0) }, to: centersOut)
                    }
                    print(try Terminal.json(["seconds": seconds, "centers": Double(centers.count / dims),
                                              "peakRSSBytes": Double(strata_peak_rss_bytes())]))
                    return
                }
                let model: KMeansModel<Float>
                if algorithm == "minibatch" {
                    var mb = MiniBatchKMeans<Float>.Configuration(k: k)
                    mb.seed = seed
                    mb.parallelism = global.parallelism
                    model = try MiniBatchKMeans<Float>.fit(values, rows: n, columns: dims, configuration: mb)
                } else {
                    var last = start
                    let trace = self.trace
                    let owned = UnsafeMutableBufferPointer(start: storage.base, count: storage.count)
                    model = try KMeans.fit(centeringInPlace: owned, rows: n, columns: dims, restoring: false, configuration: config) { _, s in
                        guard trace else { return }
                        let now = monotonicSeconds()
                        Terminal.note(String(format: "iteration %3d  %7.1f ms  inertia %.8g  shift %.3g  changed %d",
                                             s.iteration, (now - last) * 1000, s.inertia, s.centerShift, s.labelsChanged), quiet: false)
                        last = now
                    }
                }
                let seconds = monotonicSeconds() - start
                if let labelsOut {
                    try writeBytes(model.labels.withUnsafeBytes { Array($0) }, to: labelsOut)
                }
                print(try Terminal.json(KMeansBenchResult(seconds: seconds, iterations: model.iterations, inertia: model.inertia,
                                                          peakRSSBytes: Int(strata_peak_rss_bytes()), matrixBytes: values.count * 4)))
            }
        }

        func readFloats(_ path: String) throws -> [Float] { try readRawFloats(path) }
    }

    /// Isolation Forest fit and score on a raw little-endian float32 matrix (rows × dims).
    struct IsolationForestBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "iforest", abstract: "Fit and score an Isolation Forest on a raw float32 matrix.")

        @Argument(help: "Raw float32 file, rows × dims, row-major.")
        var data: String
        @Option(name: .long) var dims: Int
        @Option(name: .long) var trees: Int = 100
        @Option(name: .long) var seed: UInt64 = 0
        @Option(name: .long, help: "Write score_samples (float64) here.")
        var scoresOut: String?
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try reportingErrors {
                let values = try readRawFloats(data)
                let x = FeatureMatrix(rows: values.count / dims, columns: dims, values: values)
                var config = IsolationForestConfiguration()
                config.trees = trees
                config.seed = seed
                config.parallelism = global.parallelism
                let start = monotonicSeconds()
                let model = try IsolationForest.fit(x, configuration: config)
                let fitted = monotonicSeconds()
                let scores = model.scoreSamples(x, parallelism: global.parallelism)
                let end = monotonicSeconds()
                if let scoresOut { try writeBytes(scores.withUnsafeBytes { Array($0) }, to: scoresOut) }
                print(try Terminal.json(["seconds": end - start, "fitSeconds": fitted - start, "scoreSeconds": end - fitted,
                                         "peakRSSBytes": Double(strata_peak_rss_bytes())]))
            }
        }
    }

    /// This machine's OpenBLAS sgemm rate on a large square product: the yardstick of the
    /// physical-limit column (how fast any K-Means iteration could be).
    struct SgemmBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sgemm", abstract: "Measure OpenBLAS sgemm GFLOP/s on an N × N product.")

        @Option(name: .long) var size: Int = 4096
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let n = size
            var rng = SplitMix64(seed: 1)
            let a = (0..<(n * n)).map { _ in Float(rng.nextUnit()) }, b = a
            var c = [Float](repeating: 0, count: n * n)
            BLAS.setThreads(global.parallelism.threads)
            var best = Double.infinity
            for _ in 0..<3 {
                let start = monotonicSeconds()
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { c in
                            BLAS.gemmABt(m: n, n: n, k: n, alpha: 1, a: a.baseAddress!, lda: n, b: b.baseAddress!, ldb: n, beta: 0,
                                         c: c.baseAddress!, ldc: n)
                        }
                    }
                }
                best = min(best, monotonicSeconds() - start)
            }
            print(try Terminal.json(["seconds": best, "gflops": 2 * pow(Double(n), 3) / best / 1e9]))
        }
    }

    struct KMeansBenchResult: Encodable {
        var seconds: Double
        var iterations: Int
        var inertia: Double
        var peakRSSBytes: Int
        var matrixBytes: Int
    }

    struct BenchResult: Encodable {
        var seconds: Double
        var rows: Int
        var columns: Int
        var columnBytes: Int
        var peakRSSBytes: Int
        var sums: [Double]
    }
}

/// A raw little-endian float32 file, whole.
func readRawFloats(_ path: String) throws -> [Float] {
    let storage = try readRawFloatStorage(path)
    return Array(UnsafeBufferPointer(start: storage.base, count: storage.count))
}

/// A raw little-endian float32 file, whole, in aligned storage (huge pages when large, as the
/// CLI's feature matrices get).
func readRawFloatStorage(_ path: String) throws -> AlignedStorage<Float> {
    guard let f = fopen(path, "rb") else { throw StrataError(.io, "cannot open for reading", file: path) }
    defer { fclose(f) }
    fseek(f, 0, SEEK_END)
    let bytes = ftell(f)
    fseek(f, 0, SEEK_SET)
    let out = AlignedStorage<Float>(repeating: 0, count: bytes / 4)
    guard fread(out.base, 1, bytes, f) == bytes else { throw StrataError(.io, "short read", file: path) }
    return out
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
