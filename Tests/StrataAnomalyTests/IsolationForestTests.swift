import Foundation
import Testing
import StrataCore
import StrataIO
import StrataPrep
@testable import StrataAnomaly
import StrataTestSupport

/// ROC-AUC of `scores` (higher = more anomalous) against 0/1 labels (Mann–Whitney, ties halved).
func rocAUC(_ scores: [Double], _ labels: [Int]) -> Double {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rank = [Double](repeating: 0, count: scores.count)
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
        for k in i...j { rank[order[k]] = Double(i + j) / 2 + 1 }
        i = j + 1
    }
    let positives = labels.filter { $0 == 1 }.count, negatives = labels.count - positives
    let sum = zip(rank, labels).filter { $0.1 == 1 }.reduce(0) { $0 + $1.0 }
    return (sum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
}

struct AnomalyFixture: Decodable {
    struct Case: Decodable {
        var auc_mean: Double
        var auc_std: Double
    }

    static func load() throws -> [String: [String: Case]] {
        let dir = Bundle.module.resourcePath! + "/Fixtures"
        return try JSONDecoder().decode([String: [String: Case]].self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/iforest.json")))
    }

    static func data(_ name: String) throws -> (FeatureMatrix<Float>, [Int]) {
        let table = try CSVReader.read(path: Bundle.module.resourcePath! + "/Fixtures/\(name).csv").table
        let features = table.schema.names.filter { $0 != "label" }
        let x = try FeatureExtraction.extract(table, columns: features, as: Float.self).matrix
        let label = try table.column("label")
        return (x, (0..<table.rowCount).map { Int(label.doubleValue(at: $0)!) })
    }
}

func gaussian(rows: Int, columns: Int, seed: UInt64) -> FeatureMatrix<Float> {
    var rng = SplitMix64(seed: seed)
    return FeatureMatrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in Float(rng.nextGaussian()) })
}

@Suite struct IsolationForestTests {
    @Test(arguments: ["blobs", "correlated"])
    func rocAUCMatchesScikitLearn(set: String) throws {
        let expected = try AnomalyFixture.load()[set]!
        let (x, labels) = try AnomalyFixture.data(set)
        for (name, reference) in expected {
            var aucs: [Double] = []
            for seed in 0..<10 {
                var config = IsolationForestConfiguration()
                config.seed = UInt64(seed)
                if name == "samples128_features05" { config.maxSamples = .count(128); config.maxFeatures = 0.5 }
                if name == "bootstrap" { config.bootstrap = true }
                let model = try IsolationForest.fit(x, configuration: config)
                aucs.append(rocAUC(model.scoreSamples(x).map { -$0 }, labels))
            }
            let mean = aucs.reduce(0, +) / Double(aucs.count)
            #expect(abs(mean - reference.auc_mean) <= 0.01, "\(set)/\(name): AUC \(mean) vs scikit-learn \(reference.auc_mean)")
        }
    }

    @Test func contaminationFlagsThatShare() throws {
        let x = gaussian(rows: 20_000, columns: 5, seed: 1)
        var config = IsolationForestConfiguration()
        config.contamination = .fraction(0.05)
        let model = try IsolationForest.fit(x, configuration: config)
        let flagged = Double(model.predict(x).filter { $0 == -1 }.count) / Double(x.rows)
        #expect(abs(flagged - 0.05) <= 0.005, "flagged \(flagged) of the training rows")
        let fresh = gaussian(rows: 20_000, columns: 5, seed: 2)
        let freshShare = Double(model.predict(fresh).filter { $0 == -1 }.count) / Double(fresh.rows)
        #expect(abs(freshShare - 0.05) <= 0.005, "flagged \(freshShare) of fresh rows")
        let auto = try IsolationForest.fit(x, configuration: IsolationForestConfiguration())
        #expect(auto.offset == -0.5)
        #expect(Array(auto.decisionFunction(x).prefix(10)) == auto.scoreSamples(x).prefix(10).map { $0 + 0.5 })
    }

    @Test func independentOfThreadsAndWarmStartEqualsOneFit() throws {
        let x = gaussian(rows: 9_000, columns: 4, seed: 3)
        var config = IsolationForestConfiguration()
        config.seed = 42
        config.parallelism = .serial
        let serial = try IsolationForest.fit(x, configuration: config)
        config.parallelism = Parallelism(threads: 3)
        let parallel = try IsolationForest.fit(x, configuration: config)
        #expect(serial.scoreSamples(x, parallelism: .serial) == parallel.scoreSamples(x, parallelism: Parallelism(threads: 3)))
        config.trees = 60
        let partial = try IsolationForest.fit(x, configuration: config)
        let grown = try partial.addingTrees(40, on: x)
        #expect(grown.trees == 100 && grown.scoreSamples(x) == serial.scoreSamples(x))
    }

    @Test func kernelMatchesTreeWalk() throws {
        let (x, _) = try AnomalyFixture.data("correlated")
        let model = try IsolationForest.fit(x, configuration: IsolationForestConfiguration())
        let fast = model.scoreSamples(x)
        let normalizer = averagePathLength(Double(model.samples)) * Double(model.trees)
        x.withUnsafeBufferPointer { xb in
            for i in stride(from: 0, to: x.rows, by: 97) {
                var sum = 0.0
                for t in 0..<model.trees { sum += model.pathLength(xb.baseAddress! + i * x.columns, node: Int(model.roots[t]), depth: 0) }
                #expect(TestSupport.close(fast[i], -pow(2, -sum / normalizer), rel: 1e-12))
            }
        }
    }

    @Test func missingValuesAreScoredWithoutImputation() throws {
        let x = gaussian(rows: 3_000, columns: 3, seed: 4)
        let model = try IsolationForest.fit(x, configuration: IsolationForestConfiguration())
        let rows: [Float] = [0, 0, .nan, 0, 0, 0, 9, .nan, 9, .nan, .nan, .nan]
        let scores = model.scoreSamples(FeatureMatrix(rows: 4, columns: 3, values: rows))
        #expect(scores.allSatisfy { $0.isFinite && $0 < 0 && $0 >= -1 })
        #expect(scores[2] < scores[1])  // an outlier stays an outlier with one value missing
        let center = model.scoreSamples(FeatureMatrix(rows: 1, columns: 3, values: [0, 0, 0]))[0]
        #expect(abs(scores[0] - center) < 0.05)
    }

    @Test func extendedForestFindsCorrelationBreaks() throws {
        let (x, labels) = try AnomalyFixture.data("correlated")
        for level in [0, 2, 5] {
            var config = IsolationForestConfiguration()
            config.extensionLevel = level
            let model = try IsolationForest.fit(x, configuration: config)
            let auc = rocAUC(model.scoreSamples(x).map { -$0 }, labels)
            #expect(auc > 0.88, "extension level \(level): AUC \(auc)")
        }
    }

    @Test func savesAndLoads() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let x = gaussian(rows: 2_000, columns: 3, seed: 5)
        for level in [nil, 1] as [Int?] {
            var config = IsolationForestConfiguration()
            config.extensionLevel = level
            config.contamination = .fraction(0.1)
            let model = try IsolationForest.fit(x, configuration: config)
            try IsolationForestDocument(columns: ["a", "b", "c"], model: model).save(to: dir + "/m.json")
            let loaded = try IsolationForestDocument.load(from: dir + "/m.json")
            #expect(loaded.columns == ["a", "b", "c"] && loaded.model.offset == model.offset)
            #expect(loaded.model.scoreSamples(x) == model.scoreSamples(x))
        }
        let text = TestSupport.readText(dir + "/m.json")!.replacingOccurrences(of: "\"roots\" : [\n", with: "\"roots\" : [\n    999999,\n")
        TestSupport.write(text, to: dir + "/bad.json")
        #expect(throws: StrataError.self) { try IsolationForestDocument.load(from: dir + "/bad.json") }
    }

    @Test func rejectsBadParametersAndData() throws {
        let x = gaussian(rows: 100, columns: 2, seed: 6)
        var config = IsolationForestConfiguration()
        config.contamination = .fraction(0.6)
        #expect(throws: StrataError.self) { try IsolationForest.fit(x, configuration: config) }
        config = IsolationForestConfiguration()
        config.trees = 0
        #expect(throws: StrataError.self) { try IsolationForest.fit(x, configuration: config) }
        // One row (ψ = 1, c(ψ) = 0): scikit-learn scores −0.5, not NaN.
        let one = try IsolationForest.fit(FeatureMatrix<Float>(rows: 1, columns: 2, values: [1, 2]), configuration: IsolationForestConfiguration())
        #expect(one.scoreSamples(FeatureMatrix<Float>(rows: 2, columns: 2, values: [1, 2, 5, 5])) == [-0.5, -0.5])
        let inf = FeatureMatrix<Float>(rows: 2, columns: 1, values: [1, .infinity])
        #expect(throws: StrataError.self) { try IsolationForest.fit(inf, configuration: IsolationForestConfiguration()) }
    }
}
