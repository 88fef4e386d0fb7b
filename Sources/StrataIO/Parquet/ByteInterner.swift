#if canImport(Glibc)
import Glibc
#endif

/// Distinct byte strings numbered in first-seen order, with Swift `String`s made once per
/// distinct value at the end (not once per row): an open-addressing table over an arena of bytes.
///
/// One interner belongs to one chunk decoder, used by one thread: the dynamic exclusivity checks
/// Swift would make on every access of these properties (12% of a string-heavy read) are off.
final class ByteInterner {
    @exclusivity(unchecked) private var arena: [UInt8] = []
    @exclusivity(unchecked) private var starts: [Int] = []
    @exclusivity(unchecked) private var lengths: [Int] = []
    @exclusivity(unchecked) private var slots = [Int32](repeating: -1, count: 1024)
    @exclusivity(unchecked) private var slotHashes = [UInt64](repeating: 0, count: 1024)

    var count: Int { starts.count }

    @inline(__always)
    private static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(b.count)
        var i = 0
        while i + 8 <= b.count {
            h = (h ^ UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)) &* 0x100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        while i < b.count { h = (h ^ UInt64(b[i])) &* 0x100_0000_01b3; i += 1 }
        return h ^ (h >> 32)
    }

    /// The number of `bytes`, adding them if new.
    func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if count * 2 >= slots.count { grow() }
        let h = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[slot]
            if id < 0 {
                let j = Int32(starts.count)
                starts.append(arena.count)
                lengths.append(bytes.count)
                arena.append(contentsOf: bytes)
                slots[slot] = j
                slotHashes[slot] = h
                return j
            }
            if slotHashes[slot] == h && lengths[Int(id)] == bytes.count {
                let same = bytes.count == 0 || arena.withUnsafeBufferPointer { a in memcmp(a.baseAddress! + starts[Int(id)], bytes.baseAddress!, bytes.count) == 0 }
                if same { return id }
            }
            slot = (slot + 1) & mask
        }
    }

    private func grow() {
        let size = slots.count * 2, mask = size - 1
        var newSlots = [Int32](repeating: -1, count: size), newHashes = [UInt64](repeating: 0, count: size)
        for (s, id) in slots.enumerated() where id >= 0 {
            var slot = Int(truncatingIfNeeded: slotHashes[s]) & mask
            while newSlots[slot] >= 0 { slot = (slot + 1) & mask }
            newSlots[slot] = id
            newHashes[slot] = slotHashes[s]
        }
        slots = newSlots
        slotHashes = newHashes
    }

    /// The distinct values as text, and whether any needed UTF-8 repair (two repaired values may
    /// then read the same).
    func strings() -> (values: [String], repaired: Bool) {
        var repaired = false
        let values = arena.withUnsafeBufferPointer { a in
            (0..<count).map { k -> String in
                let b = UnsafeBufferPointer(rebasing: a[starts[k]..<(starts[k] + lengths[k])])
                if let s = String(validating: b, as: UTF8.self) { return s }
                repaired = true
                return String(decoding: b, as: UTF8.self)
            }
        }
        return (values, repaired)
    }
}
