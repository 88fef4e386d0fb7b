import _CStrataKernels

/// Count, sum, extremes and sum of squared deviations of a set of values, mergeable across
/// blocks with Chan, Golub & LeVeque's pairwise update (numerically stable, order fixed by the
/// caller, so results do not depend on the thread count).
public struct Moments: Sendable, Equatable {
    public var count: Int = 0
    public var mean: Double = 0
    /// Σ (x − mean)²
    public var m2: Double = 0
    public var min: Double = .infinity
    public var max: Double = -.infinity

    public init() {}

    /// Population variance (ddof = 0); NaN when empty.
    public var populationVariance: Double { count > 0 ? m2 / Double(count) : .nan }
    /// Sample variance (ddof = 1); NaN with fewer than two values.
    public var sampleVariance: Double { count > 1 ? m2 / Double(count - 1) : .nan }

    /// Combines two disjoint sets' moments.
    /// - Complexity: O(1)
    public func merged(with b: Moments) -> Moments {
        if b.count == 0 { return self }
        if count == 0 { return b }
        var r = Moments()
        r.count = count + b.count
        let delta = b.mean - mean
        let nA = Double(count), nB = Double(b.count), n = Double(r.count)
        r.mean = mean + delta * nB / n
        r.m2 = m2 + b.m2 + delta * delta * nA * nB / n
        r.min = Swift.min(min, b.min)
        r.max = Swift.max(max, b.max)
        return r
    }
}

/// Block moments with the AVX2 kernel: one pass for sum/min/max, a second over the same
/// (cache-resident) block for the squared deviations. Blocks of 4096 keep both in L1/L2.
public enum MomentsKernel {
    public static let blockSize = 4096

    /// Moments of `x` (no NaN allowed; callers filter them).
    /// - Complexity: O(n)
    public static func moments(_ x: UnsafeBufferPointer<Double>) -> Moments {
        reduce(x.count) { start, n in
            var out = (0.0, 0.0, 0.0)
            withUnsafeMutablePointer(to: &out) { p in
                p.withMemoryRebound(to: Double.self, capacity: 3) { strata_moments_f64(x.baseAddress! + start, n, $0) }
            }
            let mean = out.0 / Double(n)
            var m = Moments()
            m.count = n; m.mean = mean; m.min = out.1; m.max = out.2
            m.m2 = strata_sum_sq_dev_f64(x.baseAddress! + start, n, mean)
            return m
        }
    }

    /// Moments of float32 values, accumulated in double.
    public static func moments(_ x: UnsafeBufferPointer<Float>) -> Moments {
        reduce(x.count) { start, n in
            var out = (0.0, 0.0, 0.0)
            withUnsafeMutablePointer(to: &out) { p in
                p.withMemoryRebound(to: Double.self, capacity: 3) { strata_moments_f32(x.baseAddress! + start, n, $0) }
            }
            let mean = out.0 / Double(n)
            var m = Moments()
            m.count = n; m.mean = mean; m.min = out.1; m.max = out.2
            m.m2 = strata_sum_sq_dev_f32(x.baseAddress! + start, n, mean)
            return m
        }
    }

    /// Scalar reference of `moments` (same blocking, plain loops): the tests' yardstick.
    public static func referenceMoments(_ x: UnsafeBufferPointer<Double>) -> Moments {
        reduce(x.count) { start, n in
            var sum = 0.0, lo = Double.infinity, hi = -Double.infinity
            for i in start..<(start + n) { sum += x[i]; lo = Swift.min(lo, x[i]); hi = Swift.max(hi, x[i]) }
            let mean = sum / Double(n)
            var ssd = 0.0
            for i in start..<(start + n) { ssd += (x[i] - mean) * (x[i] - mean) }
            var m = Moments()
            m.count = n; m.mean = mean; m.min = lo; m.max = hi; m.m2 = ssd
            return m
        }
    }

    private static func reduce(_ count: Int, _ block: (Int, Int) -> Moments) -> Moments {
        var total = Moments()
        var start = 0
        while start < count {
            let n = Swift.min(blockSize, count - start)
            total = total.merged(with: block(start, n))
            start += n
        }
        return total
    }
}

extension MomentsKernel {
    /// Moments of every column of a row-major rows × columns matrix in one pass over memory:
    /// blocks of 1024 rows (cache-resident) get a two-pass mean and squared deviation per
    /// column, merged in block order with Chan's update.
    /// - Complexity: O(rows × columns) time, O(columns) extra memory.
    @_specialize(exported: true, where S == Float)
    @_specialize(exported: true, where S == Double)
    public static func columnMoments<S: KernelScalar>(_ x: UnsafePointer<S>, rows n: Int, columns d: Int) -> [Moments] {
        var total = [Moments](repeating: Moments(), count: d)
        var mean = [Double](repeating: 0, count: d), ssd = mean, lo = mean, hi = mean
        let block = 1024
        var start = 0
        while start < n {
            let m = Swift.min(block, n - start)
            S._columnMoments(x + start * d, m, d, &mean, &ssd, &lo, &hi)
            for j in 0..<d {
                var b = Moments()
                b.count = m; b.mean = mean[j]; b.m2 = ssd[j]; b.min = lo[j]; b.max = hi[j]
                total[j] = total[j].merged(with: b)
            }
            start += m
        }
        return total
    }
}
