/// A validity bitmap: bit `i` set means row `i` holds a value, clear means null (Arrow's layout,
/// least significant bit first). A view with a bit offset, so slicing never copies.
public struct Validity: Sendable {
    @usableFromInline let words: AlignedStorage<UInt64>
    @usableFromInline let offset: Int
    /// Number of rows the view covers.
    public let count: Int

    init(words: AlignedStorage<UInt64>, offset: Int, count: Int) {
        self.words = words
        self.offset = offset
        self.count = count
    }

    /// Whether row `i` holds a value.
    /// - Complexity: O(1)
    @inlinable @inline(__always)
    public func isValid(_ i: Int) -> Bool {
        precondition(i >= 0 && i < count, "row \(i) out of range 0..<\(count)")
        let bit = offset + i
        return words.base[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// The rows `range` of this bitmap, sharing storage.
    /// - Complexity: O(1)
    public func slice(_ range: Range<Int>) -> Validity {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return Validity(words: words, offset: offset + range.lowerBound, count: range.count)
    }

    /// Number of null rows.
    /// - Complexity: O(count / 64)
    public func nullCount() -> Int {
        var valid = 0
        var i = 0
        let base = words.base
        while i < count {
            let bit = offset + i
            let w = bit >> 6, shift = bit & 63
            let take = min(64 - shift, count - i)
            var word = base[w] >> UInt64(shift)
            if take < 64 { word &= (UInt64(1) << UInt64(take)) - 1 }
            valid += word.nonzeroBitCount
            i += take
        }
        return count - valid
    }

    /// Builds a bitmap from booleans (true = valid); nil when every row is valid.
    public static func from<C: Collection>(_ flags: C) -> Validity? where C.Element == Bool {
        let builder = ValidityBuilder()
        for f in flags { builder.append(f) }
        return builder.finish(count: flags.count)
    }
}

/// Accumulates validity bits; materializes words only once a null appears.
public final class ValidityBuilder {
    @usableFromInline var words: AlignedStorage<UInt64>?
    @usableFromInline var _count = 0
    public var count: Int { _count }
    public internal(set) var nullCount = 0

    public init() {}

    @inlinable @inline(__always)
    public func append(_ valid: Bool) {
        if valid && words == nil {
            _count += 1
            return
        }
        appendSlow(valid)
    }

    @usableFromInline
    func appendSlow(_ valid: Bool) {
        if valid {
            if let words { setBit(words, count, true) }
        } else {
            if words == nil { materialize() }
            setBit(words!, count, false)
            nullCount += 1
        }
        _count += 1
    }

    /// Appends `n` valid rows.
    /// - Complexity: O(n / 64)
    public func appendValid(_ n: Int) {
        guard n > 0 else { return }
        if let words {
            let end = count + n
            let needed = (end + 63) / 64
            if needed > words.count { words.resize(to: needed, fill: 0) }
            var i = count
            while i < end && i & 63 != 0 { setBit(words, i, true); i += 1 }
            while i + 64 <= end { words.base[i >> 6] = ~0; i += 64 }
            while i < end { setBit(words, i, true); i += 1 }
        }
        _count += n
    }

    /// Appends one row per byte of `flags` (non-zero: valid).
    /// - Complexity: O(n), with no per-row call.
    public func append(flags: UnsafeBufferPointer<UInt8>) {
        let n = flags.count
        guard flags.contains(0) else { appendValid(n); return }
        if words == nil { materialize() }
        let w = words!
        let end = _count + n
        let needed = (end + 63) / 64
        if needed > w.count { w.resize(to: needed, fill: 0) }
        let base = w.base
        var nulls = 0
        for k in 0..<n {
            let b = _count + k
            let mask = UInt64(1) << UInt64(b & 63)
            if flags[k] != 0 { base[b >> 6] |= mask } else { base[b >> 6] &= ~mask; nulls += 1 }
        }
        nullCount += nulls
        _count = end
    }

    /// Appends `n` bits of another bitmap (or `n` valid rows when it is nil).
    public func append(_ other: Validity?, _ n: Int) {
        guard let other else { appendValid(n); return }
        for i in 0..<n { append(other.isValid(i)) }
    }

    /// Drops rows past `newCount` (used to roll back a rejected row).
    public func truncate(to newCount: Int) {
        guard newCount < count else { return }
        if let words {
            for i in newCount..<count where !isSet(words, i) { nullCount -= 1 }
        }
        _count = newCount
    }

    /// The finished bitmap, or nil when no row is null.
    public func finish(count expected: Int? = nil) -> Validity? {
        if let expected { precondition(expected == count, "validity has \(count) rows, column \(expected)") }
        guard let words, nullCount > 0 else { return nil }
        return Validity(words: words, offset: 0, count: count)
    }

    private func materialize() {
        let w = AlignedStorage<UInt64>(capacity: max(64, (count + 64) / 64 * 2))
        w.resize(to: (count + 63) / 64, fill: ~0)
        if count % 64 != 0 { w.base[w.count - 1] = (UInt64(1) << UInt64(count % 64)) - 1 }
        words = w
    }

    @inline(__always)
    private func setBit(_ w: AlignedStorage<UInt64>, _ i: Int, _ valid: Bool) {
        let wi = i >> 6
        if wi >= w.count { w.resize(to: wi + 1, fill: 0) }
        let mask = UInt64(1) << UInt64(i & 63)
        if valid { w.base[wi] |= mask } else { w.base[wi] &= ~mask }
    }

    @inline(__always)
    private func isSet(_ w: AlignedStorage<UInt64>, _ i: Int) -> Bool {
        w.base[i >> 6] & (UInt64(1) << UInt64(i & 63)) != 0
    }
}
