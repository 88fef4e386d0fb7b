import Testing
import _CStrataKernels
import StrataCore
import StrataTestSupport

/// Bounded K-Means stores each bound as a key rounded outward to a float that is a multiple of the
/// quantum. An upper bound's key u − C[a] is usually negative, and beyond 2²⁴ quanta floats no
/// longer hold every multiple, so the rounding must go the right way on both signs.
@Suite struct BoundKeyTests {
    @Test(arguments: [0x1p-24, 0x1p-10, 1.0])
    func keysRoundOutwardToMultiplesOfTheQuantum(quantum q: Double) {
        var rng = SplitMix64(seed: 11)
        for trial in 0..<40_000 {
            let magnitude = Double(1 << (trial % 40)) * q  // from one quantum to 2³⁹ of them
            let v = (Double(rng.next() % 2_000_001) / 1_000_000 - 1) * magnitude
            let up = Double(strata_bounds_key_up(v, q)), down = Double(strata_bounds_key_down(v, q))
            #expect(up >= v + q, "key_up(\(v))")
            #expect(down <= v - q, "key_down(\(v))")
            #expect((up / q).rounded(.towardZero) == up / q && (down / q).rounded(.towardZero) == down / q)
            // Not looser than two quanta and one float spacing.
            let upSlack: Double = 2 * q + Double(Float(up).ulp), downSlack: Double = 2 * q + Double(Float(down).ulp)
            #expect(up - v <= upSlack && v - down <= downSlack, "\(v)")
        }
    }
}
