import Foundation
import Testing
import StrataCore
import StrataIO
import StrataKernels
import StrataPrep
@testable import StrataCluster
import StrataTestSupport

struct HierarchyFixture: Decodable {
    struct Cut: Decodable {
        var t: Double
        var labels: [Int32]
    }
    struct Case: Decodable {
        var Z: [Double]
        var maxclust: [String: [Int32]]
        var distance: [Cut]
        var cophenetic: Double
    }
    var n: Int
    var d: Int
    var cases: [String: Case]

    static func load() throws -> (HierarchyFixture, FeatureMatrix<Double>) {
        let dir = Bundle.module.resourcePath! + "/Fixtures"
        let fixture = try JSONDecoder().decode(HierarchyFixture.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/hclust.json")))
        let table = try CSVReader.read(path: dir + "/hclust.csv").table
        return (fixture, try FeatureExtraction.extract(table, as: Double.self).matrix)
    }
}

/// Z equal to scipy's: the same merges in the same rows, heights within `rel`.
func expectSameLinkage(_ got: Dendrogram, _ expected: [Double], rel: Double, _ label: String) {
    let z = got.linkageMatrix
    #expect(z.count == expected.count, "\(label): Z size")
    var firstDifference: Int? = nil
    for r in 0..<(expected.count / 4) {
        let same = z[4 * r] == expected[4 * r] && z[4 * r + 1] == expected[4 * r + 1] && z[4 * r + 3] == expected[4 * r + 3]
            && TestSupport.close(z[4 * r + 2], expected[4 * r + 2], rel: rel, abs: 1e-300)
        if !same { firstDifference = r; break }
    }
    #expect(firstDifference == nil, "\(label): first differing row \(firstDifference ?? -1): got \(firstDifference.map { Array(z[4 * $0..<4 * $0 + 4]) } ?? []), scipy \(firstDifference.map { Array(expected[4 * $0..<4 * $0 + 4]) } ?? [])")
}

@Suite struct HierarchicalTests {
    @Test(arguments: LinkageMethod.allCases)
    func float64LinkageEqualsScipy(method: LinkageMethod) throws {
        let (fixture, x) = try HierarchyFixture.load()
        let expected = fixture.cases[method.rawValue]!
        // Also with tiny thresholds, so that scans split over threads and live clusters compact.
        for (threads, small) in [(1, false), (2, false), (2, true), (3, true)] {
            var config = HierarchicalConfiguration(method: method)
            config.parallelism = Parallelism(threads: threads)
            if small {
                config.tuning.parallelScanPositions = 16
                config.tuning.compactionPositions = 8
            }
            let tree = try HierarchicalClustering.fit(x, configuration: config)
            expectSameLinkage(tree, expected.Z, rel: 1e-9, "\(method) float64, \(threads) threads, small thresholds \(small)")
        }
    }

    @Test(arguments: LinkageMethod.allCases)
    func cutsAndCopheneticEqualScipy(method: LinkageMethod) throws {
        let (fixture, x) = try HierarchyFixture.load()
        let expected = fixture.cases[method.rawValue]!
        let tree = try HierarchicalClustering.fit(x, configuration: HierarchicalConfiguration(method: method))
        for (k, labels) in expected.maxclust {
            let got = try tree.clusters(count: Int(k)!)
            #expect(got == labels, "\(method) maxclust \(k): \(Set(got).count) vs \(Set(labels).count) clusters")
        }
        for cut in expected.distance {
            #expect(tree.clusters(atDistance: cut.t) == cut.labels, "\(method) distance \(cut.t)")
        }
        let coph = x.withUnsafeBufferPointer { tree.copheneticCorrelation($0, columns: x.columns) }
        #expect(TestSupport.close(coph.value, expected.cophenetic, rel: 1e-9), "\(method): cophenetic \(coph.value) vs \(expected.cophenetic)")
        #expect(coph.sampledLeaves == nil)
    }

    @Test(arguments: LinkageMethod.allCases)
    func float32AgreesWithScipy(method: LinkageMethod) throws {
        let (fixture, x) = try HierarchyFixture.load()
        let expected = fixture.cases[method.rawValue]!
        let xf = FeatureMatrix<Float>(rows: x.rows, columns: x.columns, values: x.array.map { Float($0) })
        let tree = try HierarchicalClustering.fit(xf, configuration: HierarchicalConfiguration(method: method))
        expectSameLinkage(tree, expected.Z, rel: 1e-4, "\(method) float32")
    }
}

@Suite struct HierarchicalPropertyTests {
    /// Ward on size-weighted centroids is Ward on the rows they stand for: rows repeated m times
    /// merge among themselves at height 0 first, then exactly as the weighted leaves do.
    @Test(arguments: [LinkageMethod.ward, .centroid])
    func weightedLeavesEqualRepeatedRows(method: LinkageMethod) throws {
        var rng = SplitMix64(seed: 5)
        let unique = 60, d = 3
        let points = (0..<(unique * d)).map { _ in Double(rng.nextGaussian()) }
        let repeats = (0..<unique).map { 1 + Int($0 % 4) }
        var rows: [Double] = []
        for i in 0..<unique { for _ in 0..<repeats[i] { rows += points[(i * d)..<((i + 1) * d)] } }
        let config = HierarchicalConfiguration(method: method)
        let weighted = try points.withUnsafeBufferPointer {
            try HierarchicalClustering.fit($0, rows: unique, columns: d, configuration: config, leafSizes: repeats.map(Double.init))
        }
        let full = try rows.withUnsafeBufferPointer {
            try HierarchicalClustering.fit($0, rows: rows.count / d, columns: d, configuration: config)
        }
        let zeroMerges = rows.count / d - unique
        let top = full.merges.suffix(unique - 1)
        #expect(full.merges.prefix(zeroMerges).allSatisfy { $0.distance < 1e-12 })  // 0 up to rounding of the means
        for (w, f) in zip(weighted.merges, top) {
            #expect(TestSupport.close(w.distance, f.distance, rel: 1e-12) && w.size == f.size, "\(w) vs \(f)")
        }
    }

    /// Past the parallel-scan and compaction thresholds, the tree does not depend on threads.
    @Test(arguments: [LinkageMethod.ward, .single, .centroid])
    func largeInputsIndependentOfThreads(method: LinkageMethod) throws {
        var rng = SplitMix64(seed: 9)
        let n = 5000, d = 6
        let x = (0..<(n * d)).map { _ in Float(rng.nextGaussian()) }
        var trees: [Dendrogram] = []
        for threads in [1, 2] {
            var config = HierarchicalConfiguration(method: method)
            config.parallelism = Parallelism(threads: threads)
            trees.append(try x.withUnsafeBufferPointer { try HierarchicalClustering.fit($0, rows: n, columns: d, configuration: config) })
        }
        #expect(trees[0] == trees[1])
        #expect(method == .centroid || trees[0].isMonotonic)
        let labels = try trees[0].clusters(count: 7)
        #expect(Set(labels).count == 7)
    }

    @Test func rejectsWhatItCannotDo() throws {
        let x: [Double] = [1, 2, 3, 4]
        #expect(throws: StrataError.self) {
            try x.withUnsafeBufferPointer { try HierarchicalClustering.fit($0, rows: 1, columns: 4, configuration: .init(method: .ward)) }
        }
        #expect(throws: StrataError.self) {
            try x.withUnsafeBufferPointer {
                try HierarchicalClustering.fit($0, rows: 2, columns: 2, configuration: .init(method: .average), leafSizes: [1, 2])
            }
        }
        let nan: [Double] = [1, 2, .nan, 4]
        #expect(throws: StrataError.self) {
            try nan.withUnsafeBufferPointer { try HierarchicalClustering.fit($0, rows: 2, columns: 2, configuration: .init(method: .single)) }
        }
        var config = HierarchicalConfiguration(method: .complete)
        config.memoryLimit = 8
        do {
            _ = try x.withUnsafeBufferPointer { try HierarchicalClustering.fit($0, rows: 4, columns: 1, configuration: config) }
            Issue.record("expected a resource-limit error")
        } catch let e as StrataError {
            #expect(e.kind == .resourceLimit && e.message.contains("48 bytes"), "\(e.message)")
        }
    }
}
