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
