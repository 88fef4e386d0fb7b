import Testing
import StrataCore
import StrataKernels
import StrataTestSupport

@Suite struct MomentsTests {
    static let sizes = [1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 100, 4095, 4096, 4097, 10_001]

    @Test(arguments: sizes)
    func simdMatchesScalarReferenceExactly(n: Int) {
        // Integer-valued inputs keep every partial sum exact, so both must agree bit for bit.
        let x = TestSupport.integerValues(n, seed: UInt64(n))
        let simd = x.withUnsafeBufferPointer { MomentsKernel.moments($0) }
        let reference = x.withUnsafeBufferPointer { MomentsKernel.referenceMoments($0) }
        #expect(simd.count == n)
        #expect(simd.min == reference.min && simd.max == reference.max)
        #expect(simd.mean == reference.mean)
        #expect(TestSupport.close(simd.m2, reference.m2, rel: 1e-14, abs: 1e-9))
        let f = x.map(Float.init)
        let simd32 = f.withUnsafeBufferPointer { MomentsKernel.moments($0) }
        #expect(simd32.mean == reference.mean && simd32.min == reference.min && simd32.max == reference.max)
    }

    /// The column kernel is the plain two-pass loop per block of 1024 rows, merged in block order,
    /// bit for bit, in both precisions; a NaN makes its column's moments non-finite.
    @Test(arguments: [1, 1023, 1024, 1025, 3000])
    func columnMomentsMatchScalarLoop(rows n: Int) {
        var rng = SplitMix64(seed: UInt64(n))
        for d in [1, 3, 32, 33] {
            let x = (0..<(n * d)).map { _ in rng.nextGaussian() * 3 + 1e4 }
            func reference(_ v: (Int) -> Double) -> [Moments] {
                (0..<d).map { j in
                    var total = Moments()
                    for start in stride(from: 0, to: n, by: 1024) {
                        let rows = start..<min(n, start + 1024)
                        var b = Moments()
                        b.count = rows.count
                        b.mean = rows.reduce(0.0) { $0 + v($1 * d + j) } / Double(rows.count)
                        b.m2 = rows.reduce(0.0) { let t = v($1 * d + j) - b.mean; return $0 + t * t }
                        b.min = rows.reduce(Double.infinity) { Swift.min($0, v($1 * d + j)) }
                        b.max = rows.reduce(-Double.infinity) { Swift.max($0, v($1 * d + j)) }
                        total = total.merged(with: b)
                    }
                    return total
                }
            }
            let got = x.withUnsafeBufferPointer { MomentsKernel.columnMoments($0.baseAddress!, rows: n, columns: d) }
            #expect(got == reference { x[$0] }, "rows \(n) columns \(d)")
            let f = x.map(Float.init)
            let got32 = f.withUnsafeBufferPointer { MomentsKernel.columnMoments($0.baseAddress!, rows: n, columns: d) }
            #expect(got32 == reference { Double(f[$0]) }, "float32, rows \(n) columns \(d)")
            var bad = x
            bad[(n / 2) * d + d - 1] = .nan
            let withNaN = bad.withUnsafeBufferPointer { MomentsKernel.columnMoments($0.baseAddress!, rows: n, columns: d) }
            #expect(!withNaN[d - 1].mean.isFinite && withNaN[0..<(d - 1)].allSatisfy { $0.mean.isFinite })
        }
    }

    @Test func mergeEqualsWhole() {
        var rng = SplitMix64(seed: 11)
        let x = (0..<9000).map { _ in rng.nextGaussian() * 3 + 1e6 }
        let whole = x.withUnsafeBufferPointer { MomentsKernel.referenceMoments($0) }
        let a = x[0..<2500].withUnsafeBufferPointer { MomentsKernel.referenceMoments($0) }
        let b = x[2500...].withUnsafeBufferPointer { MomentsKernel.referenceMoments($0) }
        let merged = a.merged(with: b)
        #expect(TestSupport.close(merged.mean, whole.mean, rel: 1e-14))
        #expect(TestSupport.close(merged.m2, whole.m2, rel: 1e-9))
        // Two-pass per block keeps the variance accurate despite the 1e6 offset.
        let naive = x.reduce(0) { $0 + $1 * $1 } / 9000 - whole.mean * whole.mean
        #expect(abs(whole.populationVariance - 9) < 0.5)
        _ = naive
    }
}

@Suite struct BLASTests {
    @Test func gemmAndEigen() throws {
        // A (2 × 3) · Bᵀ with B (2 × 3)
        let a: [Float] = [1, 2, 3, 4, 5, 6], b: [Float] = [1, 0, 1, 0, 1, 0]
        var c = [Float](repeating: 0, count: 4)
        BLAS.setThreads(1)
        BLAS.gemmABt(m: 2, n: 2, k: 3, alpha: 1, a: a, lda: 3, b: b, ldb: 3, beta: 0, c: &c, ldc: 2)
        #expect(c == [4, 2, 10, 5])
        let (values, vectors) = try BLAS.symmetricEigen([2, 1, 1, 2], n: 2)
        #expect(TestSupport.close(values[0], 1, rel: 1e-12) && TestSupport.close(values[1], 3, rel: 1e-12))
        #expect(TestSupport.close(abs(vectors[1]), 0.5.squareRoot(), rel: 1e-12))
    }
}
