import StrataCore

/// Dense group ids for the rows of a key column: `ids[row]` in 0..<`count`, numbered in order of
/// first appearance; null keys get -1.
///
/// String columns are already dictionary-encoded, so their ids come from the dictionary indices
/// (renumbered to first-seen order); int64 keys go through an open-addressing hash table with
/// the previous row's key remembered (logs sorted or clustered by customer cost one compare per
/// row). Other key types are refused.
public struct GroupKeys: Sendable {
    /// Per row: the group id, -1 for a null key.
    public let ids: [Int32]
    /// Number of groups.
    public let count: Int
    /// For each group, the first row holding its key.
    public let firstRows: [Int]

    /// - Throws: `StrataError.typeMismatch` for float, bool or date keys.
    /// - Complexity: O(rows) expected.
    public init(_ key: Column, name: String) throws {
        let n = key.count
        var ids = [Int32](repeating: -1, count: n)
        var firstRows: [Int] = []
        switch key.values {
        case .string(let idx, let dict):
            var map = [Int32](repeating: -1, count: dict.count)
            for i in 0..<n where key.isValid(i) {
                let d = Int(idx[i])
                if map[d] < 0 { map[d] = Int32(firstRows.count); firstRows.append(i) }
                ids[i] = map[d]
            }
        case .int64(let a):
            var table = Int64HashIndex(expected: min(n, 1 << 22))
            var lastKey: Int64 = 0, lastID: Int32 = -1
            a.withUnsafeBufferPointer { keys in
                for i in 0..<n where key.isValid(i) {
                    let k = keys[i]
                    if lastID >= 0 && k == lastKey { ids[i] = lastID; continue }
                    let (id, inserted) = table.insert(k, next: Int32(firstRows.count))
                    if inserted { firstRows.append(i) }
                    ids[i] = id
                    lastKey = k
                    lastID = id
                }
            }
        default:
            throw StrataError(.typeMismatch, "key column '\(name)' is \(key.type); keys must be int64 or string", column: name)
        }
        self.ids = ids
        self.count = firstRows.count
        self.firstRows = firstRows
    }
}

/// Finds, for each row of another key column, the group of the same key (a hash join's probe).
public struct KeyLookup: Sendable {
    private let int64Index: Int64HashIndex?
    private let stringIndex: [String: Int32]?
    private let keyType: DataType

    /// Indexes the keys of `keys` (built from `column`).
    public init(_ keys: GroupKeys, column: Column) {
        keyType = column.type
        switch column.values {
        case .int64(let a):
            var index = Int64HashIndex(expected: keys.count)
            for (g, row) in keys.firstRows.enumerated() { _ = index.insert(a[row], next: Int32(g)) }
            int64Index = index
            stringIndex = nil
        default:
            var index: [String: Int32] = [:]
            for (g, row) in keys.firstRows.enumerated() { index[column.stringValue(at: row) ?? ""] = Int32(g) }
            stringIndex = index
            int64Index = nil
        }
    }

    /// Per row of `probe`: the matching group, or -1 (no match or a null key).
    /// - Throws: `StrataError.typeMismatch` when the key types differ.
    public func match(_ probe: Column, name: String) throws -> [Int32] {
        guard probe.type == keyType else {
            throw StrataError(.typeMismatch, "key '\(name)' is \(probe.type) here but \(keyType) on the other side", column: name)
        }
        var out = [Int32](repeating: -1, count: probe.count)
        switch probe.values {
        case .int64(let a):
            for i in 0..<probe.count where probe.isValid(i) { out[i] = int64Index!.find(a[i]) }
        case .string(let idx, let dict):
            let perEntry = dict.values.map { stringIndex![$0] ?? -1 }
            for i in 0..<probe.count where probe.isValid(i) { out[i] = perEntry[Int(idx[i])] }
        default:
            break
        }
        return out
    }
}

/// Open addressing (linear probing) from Int64 keys to dense Int32 ids. Key and id share one
/// 16-byte slot, so a probe costs one cache miss.
struct Int64HashIndex: Sendable {
    private struct Slot { var key: Int64; var id: Int64 }  // id < 0: empty
    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    init(expected: Int) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, id: -1), count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    private static func hash(_ k: Int64) -> Int {
        var x = UInt64(bitPattern: k)
        x ^= x >> 33; x &*= 0xff51afd7ed558ccd; x ^= x >> 33
        return Int(truncatingIfNeeded: x)
    }

    /// The id of `key`, inserting it with id `next` when absent.
    @inline(__always)
    mutating func insert(_ key: Int64, next: Int32) -> (Int32, Bool) {
        if count * 2 >= slots.count { grow() }
        let m = mask
        return slots.withUnsafeMutableBufferPointer { s in
            var slot = Self.hash(key) & m
            while true {
                let id = s[slot].id
                if id < 0 {
                    s[slot] = Slot(key: key, id: Int64(next))
                    count += 1
                    return (next, true)
                }
                if s[slot].key == key { return (Int32(truncatingIfNeeded: id), false) }
                slot = (slot + 1) & m
            }
        }
    }

    /// The id of `key`, or -1.
    func find(_ key: Int64) -> Int32 {
        var slot = Self.hash(key) & mask
        while true {
            let id = slots[slot].id
            if id < 0 { return -1 }
            if slots[slot].key == key { return Int32(truncatingIfNeeded: id) }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: 0, id: -1), count: old.count * 2)
        mask = slots.count - 1
        for s in old where s.id >= 0 {
            var slot = Self.hash(s.key) & mask
            while slots[slot].id >= 0 { slot = (slot + 1) & mask }
            slots[slot] = s
        }
    }
}

/// Rows grouped by id: `rows[offsets[g] ..< offsets[g + 1]]` are group g's rows in table order.
/// A counting sort: O(rows + groups).
public struct GroupedRows: Sendable {
    public let offsets: [Int]
    public let rows: [Int32]

    public init(_ keys: GroupKeys) { self.init(ids: keys.ids, groups: keys.count) }

    /// Rows by `ids` (-1: left out), `groups` ids in all.
    public init(ids: [Int32], groups: Int) {
        var none: [Int32] = [], noAmounts: [Double]? = nil
        self.init(ids: ids, groups: groups, carrying: [], into: &none, amounts: nil, into: &noAmounts)
    }

    /// Rows by `ids`, and per-row values moved into the same grouped order in the same pass
    /// (`daysOut[j]` is `days[rows[j]]`), so later per-group passes read memory in order instead
    /// of jumping around the table. `days` may be empty (not carried).
    /// With `keepRows` false, `rows` stays empty (the carried values are all the caller needs).
    public init(ids: [Int32], groups: Int, carrying days: [Int32], into daysOut: inout [Int32],
                amounts: [Double]?, into amountsOut: inout [Double]?, keepRows: Bool = true) {
        var offsets = [Int](repeating: 0, count: groups + 1)
        for id in ids where id >= 0 { offsets[Int(id) + 1] += 1 }
        for g in 0..<groups { offsets[g + 1] += offsets[g] }
        // Cursors as Int32 halve the randomly accessed memory (4 bytes a group).
        var cursor = offsets.dropLast().map { Int32(truncatingIfNeeded: $0) }
        let total = offsets[groups]
        var rows = [Int32](repeating: 0, count: keepRows ? total : 0)
        var d = [Int32](repeating: 0, count: days.isEmpty ? 0 : total)
        var a = [Double](repeating: 0, count: amounts == nil ? 0 : total)
        let carryDays = !days.isEmpty, carryAmounts = amounts != nil
        let source = amounts ?? []
        ids.withUnsafeBufferPointer { ids in
            cursor.withUnsafeMutableBufferPointer { cursor in
                rows.withUnsafeMutableBufferPointer { rows in
                    d.withUnsafeMutableBufferPointer { d in
                        a.withUnsafeMutableBufferPointer { a in
                            days.withUnsafeBufferPointer { days in
                                source.withUnsafeBufferPointer { source in
                                    for i in 0..<ids.count where ids[i] >= 0 {
                                        let id = Int(ids[i])
                                        let j = Int(cursor[id])
                                        cursor[id] = Int32(j + 1)
                                        if keepRows { rows[j] = Int32(i) }
                                        if carryDays { d[j] = days[i] }
                                        if carryAmounts { a[j] = source[i] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        daysOut = d
        amountsOut = carryAmounts ? a : nil
        self.offsets = offsets
        self.rows = rows
    }
}
