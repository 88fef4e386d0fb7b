import Benchmark
import StrataAnomaly
import StrataCore
import StrataIO
import StrataKernels
import StrataPrep

/// Kernel microbenchmarks: each case names its shape, runs on fixed seeded data, and checks
/// its own result so that a broken kernel cannot look fast.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(2))

    // Distance tiles: the direct nearest-centroid kernel, 16,384 rows × 32 against 64 centroids.
    let rows = 16_384, d = 32, k = 64
    let x = seeded(rows * d, seed: 1), c = seeded(k * d, seed: 2)
    let nearest = c.withUnsafeBufferPointer { NearestCentroid(centroids: $0, k: k, d: d) }
    Benchmark("assign tile 16384×32, k=64 (float32)") { benchmark in
        var labels = [Int32](repeating: 0, count: rows), best = [Float](repeating: 0, count: rows)
        for _ in benchmark.scaledIterations {
            x.withUnsafeBufferPointer { nearest.assign($0.baseAddress!, rows: rows, labels: &labels, best: &best) }
            blackHole(labels[rows - 1])
        }
        var refLabels = [Int32](repeating: 0, count: 64), refBest = [Float](repeating: 0, count: 64)
        x.withUnsafeBufferPointer { nearest.referenceAssign($0.baseAddress!, rows: 64, labels: &refLabels, best: &refBest) }
        precondition(Array(labels.prefix(64)) == refLabels, "assign kernel disagrees with its scalar reference")
    }

    // One query against a panel of 65,536 points, then the first-minimum scans.
    let points = 65_536
    let panel = PointPanel<Float>(positions: points, d: d)
    let p = seeded(points * d, seed: 3)
    p.withUnsafeBufferPointer { for i in 0..<points { panel.set(i, $0.baseAddress! + i * d) } }
    let query = seeded(d, seed: 4)
    let sizes = [Float](repeating: 1, count: panel.capacity)
    Benchmark("panel distances + Ward argmin, 65536×32 (float32)") { benchmark in
        let dist = UnsafeMutablePointer<Float>.allocate(capacity: panel.capacity)
        defer { dist.deallocate() }
        var found: Int? = nil
        for _ in benchmark.scaledIterations {
            query.withUnsafeBufferPointer { panel.squaredDistances(to: $0.baseAddress!, blocks: 0..<panel.blocks(covering: points), into: dist) }
            found = sizes.withUnsafeBufferPointer { PanelScan.wardArgmin(dist, size: $0.baseAddress!, 0..<points, querySize: 1).position }
            blackHole(found)
        }
        let reference = sizes.withUnsafeBufferPointer { PanelScan.referenceWardArgmin(dist, size: $0.baseAddress!, 0..<points, querySize: 1) }
        precondition(found == reference.position, "Ward scan disagrees with its scalar reference")
    }

    // CSV field parsing: 20,000 rows × 8 numeric fields from memory.
    var text = "a,b,c,d,e,f,g,h\n"
    var rng = SplitMix64(seed: 5)
    for _ in 0..<20_000 { text += (0..<8).map { _ in String(format: "%.6f", rng.nextGaussian() * 100) }.joined(separator: ",") + "\n" }
    let csv = text
    Benchmark("CSV parse 20000×8 numeric (\(csv.utf8.count / 1024) KiB)", configuration: .init(scalingFactor: .one)) { benchmark in
        var table: Table? = nil
        for _ in benchmark.scaledIterations {
            table = try CSVReader.read(text: csv)
            blackHole(table)
        }
        precondition(table?.rowCount == 20_000 && table?.columnCount == 8, "CSV parse lost rows")
    }

    // Isolation Forest scoring: 65,536 rows × 32, 100 trees of 256 rows.
    let features = FeatureMatrix(rows: points, columns: d, values: p)
    let forest = try! IsolationForest.fit(features, configuration: IsolationForestConfiguration())
    Benchmark("Isolation Forest score 65536×32, 100 trees") { benchmark in
        var scores: [Double] = []
        for _ in benchmark.scaledIterations {
            scores = forest.scoreSamples(features, parallelism: .serial)
            blackHole(scores)
        }
        precondition(scores.allSatisfy { $0 < 0 && $0 >= -1 }, "scores out of range")
    }
}

func seeded(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in Float(rng.nextGaussian()) }
}
