import Foundation
import Testing
import StrataCore
@testable import StrataIO
import StrataTestSupport

/// Replays the inputs libFuzzer found (Fixtures/fuzz/<reader>/): each must read or fail with a
/// StrataError, never crash or allocate without bound.
@Suite struct FuzzRegressionTests {
    static let root = Bundle.module.resourcePath! + "/Fixtures/fuzz"

    static func inputs(_ reader: String) -> [String] {
        TestSupport.listDirectory(root + "/" + reader).filter { !$0.hasPrefix(".") }.map { root + "/" + reader + "/" + $0 }
    }

    func outcome(_ body: () throws -> Table) {
        do { _ = try body() } catch is StrataError {} catch { Issue.record("not a StrataError: \(error)") }
    }

    @Test func parquet() {
        for path in Self.inputs("parquet") { outcome { try ParquetReader.read(bytes: TestSupport.read(path)!, name: path) } }
    }

    @Test func arrow() {
        #expect(!Self.inputs("arrow").isEmpty)
        for path in Self.inputs("arrow") { outcome { try ArrowIPCReader.read(bytes: TestSupport.read(path)!, name: path) } }
    }

    @Test func csv() {
        for path in Self.inputs("csv") { outcome { try CSVReader.read(path: path).table } }
    }
}
