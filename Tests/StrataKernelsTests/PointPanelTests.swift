import Testing
import StrataCore
import StrataKernels
import StrataTestSupport

@Suite struct PointPanelTests {
    @Test(arguments: [1, 2, 3, 4, 7, 8, 15, 16, 17, 33])
    func kernelsMatchScalarReferences(d: Int) {
        check(Float.self, d: d)
        check(Double.self, d: d)
    }

    func check<S: KernelScalar>(_: S.Type, d: Int) {
        for n in [1, 3, 8, 9, 31, 40] {
            let values = TestSupport.integerValues(n * d, range: 30, seed: UInt64(n * 100 + d)).map { S($0) }
            let q = TestSupport.integerValues(d, range: 30, seed: UInt64(d)).map { S($0) }
            let panel = PointPanel<S>(positions: n, d: d)
            values.withUnsafeBufferPointer { v in for i in 0..<n { panel.set(i, v.baseAddress! + i * d) } }
            let blocks = panel.blocks(covering: n)
            let dist = UnsafeMutablePointer<S>.allocate(capacity: panel.capacity)
            defer { dist.deallocate() }
            q.withUnsafeBufferPointer { qb in
                // Two block ranges, as parallel parts scan them.
                panel.squaredDistances(to: qb.baseAddress!, blocks: 0..<(blocks / 2), into: dist)
                panel.squaredDistances(to: qb.baseAddress!, blocks: (blocks / 2)..<blocks, into: dist)
                for p in 0..<n {
                    var exact: S = 0
                    for j in 0..<d { let t = values[p * d + j] - q[j]; exact += t * t }
                    #expect(dist[p] == exact && panel.squaredDistance(to: qb.baseAddress!, p) == exact, "n \(n) d \(d) p \(p)")
                }
            }
            // Sizes with skipped (NaN) positions and ties; ranges with ragged ends.
            var size = (0..<panel.capacity).map { S(1 + $0 % 3) }
            for p in stride(from: 2, to: panel.capacity, by: 5) { size[p] = .nan }
            for range in [0..<n, min(1, n)..<n, 0..<max(n - 1, 0)] {
                size.withUnsafeBufferPointer { s in
                    let fast = PanelScan.wardArgmin(dist, size: s.baseAddress!, range, querySize: 2)
                    let slow = PanelScan.referenceWardArgmin(dist, size: s.baseAddress!, range, querySize: 2)
                    #expect(fast.position == slow.position && (fast.position == nil || fast.value == slow.value), "ward n \(n) d \(d) \(range)")
                }
                var key1 = (0..<panel.capacity).map { $0 % 4 == 1 ? S.nan : S(($0 * 37) % 500) }
                var key2 = key1
                let fast = key1.withUnsafeMutableBufferPointer { PanelScan.primUpdate(dist, key: $0.baseAddress!, range) }
                let slow = key2.withUnsafeMutableBufferPointer { PanelScan.referencePrimUpdate(dist, key: $0.baseAddress!, range) }
                #expect(fast.position == slow.position && (fast.position == nil || fast.value == slow.value), "prim n \(n) d \(d) \(range)")
                #expect(zip(key1[range], key2[range]).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
            }
        }
    }
}
