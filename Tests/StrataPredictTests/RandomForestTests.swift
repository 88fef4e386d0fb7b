import Foundation
import Testing
import StrataCore
import StrataIO
@testable import StrataPredict

@Suite struct RandomForestTests {
    struct Fixture: Decodable { let rows: Int; let features: [String]; let test_rows: [Int]; let sklearn_auc: [Double]; let sklearn_auc_mean: Double }

    static func data() throws -> (x: [Double], y: [Int], fixture: Fixture) {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: Bundle.module.resourcePath! + "/Fixtures/churn.json")))
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let t = try CSVReader.read(path: root.path + "/Data/customers.csv").table.slice(0..<fixture.rows)
        let cols = try fixture.features.map { try t.column($0) }
        var x: [Double] = []
        for r in 0..<t.rowCount { for c in cols { x.append(c.doubleValue(at: r)!) } }
        let churned = try t.column("churned")
        return (x, (0..<t.rowCount).map { Int(churned.doubleValue(at: $0)!) }, fixture)
    }

    /// ROC-AUC on the fixture's split within 0.01 of scikit-learn's (means over five seeds each).
    @Test func aucMatchesScikitLearn() throws {
        let (x, y, fixture) = try Self.data()
        let d = fixture.features.count
        let test = Set(fixture.test_rows)
        let train = (0..<fixture.rows).filter { !test.contains($0) }
        let xTrain = train.flatMap { r in x[(r * d)..<(r * d + d)] }, yTrain = train.map { y[$0] }
        let xTest = fixture.test_rows.flatMap { r in x[(r * d)..<(r * d + d)] }, yTest = fixture.test_rows.map { y[$0] }
        var aucs: [Double] = []
        for seed in 0..<5 {
            var config = RandomForestConfiguration()
            config.seed = UInt64(seed)
            let model = try RandomForestClassifier.fit(xTrain, rows: train.count, features: d, y: yTrain, configuration: config)
            aucs.append(ClassificationMetrics.rocAUC(labels: yTest, scores: model.predictProbability(xTest, rows: yTest.count)))
        }
        let mean = aucs.reduce(0, +) / Double(aucs.count)
        #expect(abs(mean - fixture.sklearn_auc_mean) <= 0.01, "Strata \(mean) vs scikit-learn \(fixture.sklearn_auc_mean)")
    }

    @Test func sameForestWhateverTheThreads() throws {
        let (x, y, _) = try Self.data()
        let n = 1500, d = 7
        var config = RandomForestConfiguration()
        config.trees = 20
        config.seed = 3
        config.parallelism = .serial
        let a = try RandomForestClassifier.fit(Array(x[0..<(n * d)]), rows: n, features: d, y: Array(y[0..<n]), configuration: config)
        config.parallelism = Parallelism(threads: 3)
        let b = try RandomForestClassifier.fit(Array(x[0..<(n * d)]), rows: n, features: d, y: Array(y[0..<n]), configuration: config)
        #expect(a.predictProbability(Array(x[0..<(n * d)]), rows: n) == b.predictProbability(Array(x[0..<(n * d)]), rows: n))
        #expect(a.featureImportances == b.featureImportances && abs(a.featureImportances.reduce(0, +) - 1) < 1e-12)
    }

    @Test func metricsAndErrors() throws {
        #expect(ClassificationMetrics.rocAUC(labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8]) == 0.75)
        #expect(ClassificationMetrics.rocAUC(labels: [0, 1, 0, 1], scores: [0.5, 0.5, 0.5, 0.5]) == 0.5)
        let pr = ClassificationMetrics.precisionRecall(labels: [1, 0, 1, 1], scores: [0.9, 0.8, 0.2, 0.7], threshold: 0.5)
        #expect(pr.precision == 2.0 / 3 && pr.recall == 2.0 / 3)
        let split = ClassificationMetrics.trainTestSplit(rows: 10, testFraction: 0.25, seed: 1)
        #expect(split.test.count == 3 && Set(split.train + split.test).count == 10)
        #expect(throws: StrataError.self) { try RandomForestClassifier.fit([1, 2, .nan, 4], rows: 2, features: 2, y: [0, 1]) }
        #expect(throws: StrataError.self) { try RandomForestClassifier.fit([1, 2], rows: 2, features: 1, y: [0, 2]) }
    }
}
