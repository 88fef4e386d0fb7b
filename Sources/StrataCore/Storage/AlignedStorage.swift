import _CStrataPlatform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Alignment of every column and matrix buffer, in bytes (one cache line, one AVX-512 vector).
public let storageAlignment = 64

/// A growable, contiguous, 64-byte-aligned buffer of trivial elements.
///
/// Small buffers come from `posix_memalign`. Large ones (≥ 1 MiB) are anonymous memory maps: on
/// Linux they grow with `mremap`, which moves page tables instead of copying, and pages that are
/// never written never count towards resident memory. That keeps ingest at one copy of the data.
///
/// Storage is mutable only while a builder owns it; columns share it read-only afterwards.
public final class AlignedStorage<Element: BitwiseCopyable>: @unchecked Sendable {
    // SAFETY: `base` points to `capacity` elements owned by this object; elements below `count`
    // are initialized. After a builder finishes, nothing mutates the storage, so sharing it
    // across threads (the `@unchecked Sendable`) only ever reads.
    // Unchecked: every column read goes through `base`; the dynamic exclusivity check Swift would
    // otherwise make on each access of a class property cost more than the read (measured: 13% of
    // a segments run). Only builders mutate it, never while a reader holds it.
    @exclusivity(unchecked) public private(set) var base: UnsafeMutablePointer<Element>
    public private(set) var capacity: Int
    @exclusivity(unchecked) public var count: Int
    private var mappedBytes: Int  // 0 when the buffer came from posix_memalign, -1 when borrowed
    /// For borrowed memory: whatever releases it when the last storage using it goes.
    private let owner: AnyObject?

    private static var mapThreshold: Int { 1 << 20 }
    /// Mapped buffers from this size on ask for transparent huge pages.
    private static var hugePageThreshold: Int { 2 << 20 }

    /// Creates an empty buffer able to hold `capacity` elements without growing.
    /// - Complexity: O(1) for mapped buffers (pages are touched lazily), else O(capacity).
    public init(capacity: Int) {
        let capacity = max(capacity, 1)
        owner = nil
        count = 0
        self.capacity = capacity
        let bytes = capacity * MemoryLayout<Element>.stride
        if bytes >= Self.mapThreshold {
            let rounded = Self.pageRound(bytes)
            base = Self.map(rounded)
            mappedBytes = rounded
        } else {
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, storageAlignment, max(bytes, storageAlignment)) == 0, let raw else {
                fatalError("Strata: out of memory allocating \(bytes) bytes")
            }
            base = raw.bindMemory(to: Element.self, capacity: capacity)
            mappedBytes = 0
        }
    }

    /// Creates a buffer holding `count` copies of `value`.
    public convenience init(repeating value: Element, count: Int) {
        self.init(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    /// Creates a buffer holding a copy of `elements`.
    public convenience init<C: Collection>(_ elements: C) where C.Element == Element {
        self.init(capacity: elements.count)
        var i = 0
        for e in elements { base[i] = e; i += 1 }
        count = i
    }

    /// Wraps `count` elements of memory owned elsewhere (zero-copy import, e.g. through the
    /// Arrow C Data Interface). `owner` stays alive as long as this storage and frees the memory
    /// when it goes. Borrowed storage is read-only and never grows.
    public init(borrowing base: UnsafeMutablePointer<Element>, count: Int, owner: AnyObject) {
        self.base = base
        self.capacity = count
        self.count = count
        self.mappedBytes = -1
        self.owner = owner
    }

    deinit {
        if mappedBytes > 0 { munmap(UnsafeMutableRawPointer(base), mappedBytes) } else if mappedBytes == 0 { free(base) }
    }

    /// Makes room for at least `minimumCapacity` elements, keeping the contents.
    /// - Complexity: amortized O(1) per element appended; no copy for mapped buffers on Linux.
    public func reserve(_ minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        precondition(mappedBytes >= 0, "borrowed storage cannot grow")
        let newCapacity = max(minimumCapacity, capacity + capacity / 2)
        let newBytes = newCapacity * MemoryLayout<Element>.stride
        #if os(Linux)
        if mappedBytes > 0 {
            let rounded = Self.pageRound(newBytes)
            guard let moved = strata_remap(UnsafeMutableRawPointer(base), mappedBytes, rounded) else { fatalError("Strata: out of memory growing a buffer to \(rounded) bytes") }
            base = moved.bindMemory(to: Element.self, capacity: newCapacity)
            mappedBytes = rounded
            capacity = newCapacity
            return
        }
        #endif
        let replacement = AlignedStorage(capacity: newCapacity)
        replacement.base.update(from: base, count: count)
        swap(&base, &replacement.base)
        swap(&mappedBytes, &replacement.mappedBytes)
        swap(&capacity, &replacement.capacity)
    }

    /// Appends one element.
    @inlinable @inline(__always)
    public func append(_ value: Element) {
        if count == capacity { reserve(count + 1) }
        base[count] = value
        count += 1
    }

    /// Appends `n` elements copied from `source`.
    public func append(contentsOf source: UnsafePointer<Element>, count n: Int) {
        reserve(count + n)
        (base + count).update(from: source, count: n)
        count += n
    }

    /// Sets the element count; new elements (when growing) are left as `fill`.
    public func resize(to newCount: Int, fill: Element) {
        if newCount > count {
            reserve(newCount)
            (base + count).initialize(repeating: fill, count: newCount - count)
        }
        count = newCount
    }

    /// Gives back unused mapped capacity (ingest over-reserves virtual memory, never resident pages).
    public func shrinkToFit() {
        #if os(Linux)
        guard mappedBytes > 0 else { return }
        let needed = Self.pageRound(max(count, 1) * MemoryLayout<Element>.stride)
        if needed < mappedBytes {
            munmap(UnsafeMutableRawPointer(base) + needed, mappedBytes - needed)
            mappedBytes = needed
            capacity = needed / MemoryLayout<Element>.stride
        }
        #endif
    }

    private static func pageRound(_ bytes: Int) -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return (bytes + page - 1) / page * page
    }

    private static func map(_ bytes: Int) -> UnsafeMutablePointer<Element> {
        #if os(Linux)
        // Transparent huge pages where the system leaves them to madvise: fewer page faults when a
        // buffer is first written (each costs microseconds in a VM), and random row access over
        // a large matrix (bounded K-Means tightening rows) no longer misses the TLB on every row.
        // The mapping starts on a huge-page boundary so that all of it can use them.
        let huge = 2 << 20
        let aligned = bytes >= Self.hugePageThreshold
        #else
        let huge = 0, aligned = false
        #endif
        let span = aligned ? bytes + huge : bytes
        guard let p = mmap(nil, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            fatalError("Strata: out of memory mapping \(bytes) bytes")
        }
        var start = p
        #if os(Linux)
        if aligned {
            let head = (huge - Int(UInt(bitPattern: p) % UInt(huge))) % huge
            if head > 0 { munmap(p, head) }
            if span - head - bytes > 0 { munmap(p + head + bytes, span - head - bytes) }
            start = p + head
            _ = madvise(start, bytes, 14 /* MADV_HUGEPAGE */)
        }
        #endif
        return start.bindMemory(to: Element.self, capacity: bytes / MemoryLayout<Element>.stride)
    }
}
