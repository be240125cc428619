import CPrefetch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The first line of each match key seen so far, by the key's 64-bit hash (``ContactMapper/keyHash(_:)``): how
/// `validate` finds the keys that repeat.
///
/// Written by hand instead of a `[Int: Int32]` because it is hit once for every row, at a random place in megabytes
/// (a million keys take 32 MB), and there most of a row's time for it was waiting for memory:
/// - a key and its line sit side by side in one slot, so a lookup is one memory access;
/// - ``prefetch(_:)`` lets the caller start that access while it checks the row's other fields;
/// - the slots are in huge pages where the system allows it: in 4 KB pages, a million keys span 8,000 pages, far
///   more than the processor's address cache holds, so nearly every access also waited for a page-table walk;
/// - the key is a hash already, so it is not hashed again.
///
/// A table is used by one thread at a time: the second thread of a split run hands its table over whole, after it
/// has finished (``RestPass/wait()`` orders the two).
final class KeyTable: @unchecked Sendable {
    private struct Slot {
        /// The key's hash; 0 marks an empty slot (a hash of 0 is stored as 1).
        var key: UInt64
        var line: Int32
        /// What the caller keeps beside the line (where the row starts): the slot's padding otherwise.
        var tag: UInt32
    }

    private var slots: Slots
    /// How many slots; any number, not only a power of two (a key's home is its hash scaled to it).
    private var size: Int
    /// The number of keys stored.
    private(set) var count = 0

    /// An empty table with room for `keys` keys before it grows.
    init(capacity keys: Int = 0) {
        let size = Self.size(for: keys)
        slots = Slots(count: size)
        self.size = size
    }

    /// Makes room for `keys` keys in all, so that filling the table rehashes nothing.
    func reserve(_ keys: Int) {
        let size = Self.size(for: keys)
        if size > self.size { rehash(to: size) }
    }

    /// Makes room for a key for each row of `bytes` bytes of input, judging by the first `rows` rows, which took
    /// `consumed` bytes (with 5 % to spare), so that a table sized once is not rehashed again and again as it grows.
    /// Returns that number of rows.
    @discardableResult
    func reserve(rowsIn bytes: Int, judgingBy rows: Int, in consumed: Int) -> Int {
        let expected = Int(Double(bytes) / Double(max(consumed, 1)) * Double(rows) * 1.05)
        reserve(expected)
        return expected
    }

    /// Starts fetching the slot of `hash` into the cache, ahead of ``firstLine(of:orInsert:)`` or a lookup.
    @inline(__always)
    func prefetch(_ hash: Int) {
        etl_prefetch_for_write(slots.base + home(Self.key(hash)))
    }

    /// The line stored for `hash`; when there is none, stores `line` (and `tag`) for it and returns nil.
    @inline(__always)
    func firstLine(of hash: Int, orInsert line: Int32, tag: UInt32 = 0) -> Int32? {
        let key = Self.key(hash)
        let (index, found) = probe(key)
        if found { return slots.base[index].line }
        slots.base[index] = Slot(key: key, line: line, tag: tag)
        count += 1
        if count * 3 > size * 2 { rehash(to: size * 2) }
        return nil
    }

    /// The line stored for `hash`, if any.
    subscript(hash: Int) -> Int32? {
        let (index, found) = probe(Self.key(hash))
        return found ? slots.base[index].line : nil
    }

    /// How many slots the table has (``forEach(slots:_:)`` visits a range of them).
    var slotCount: Int { size }

    /// Calls `body` with every key stored in the slots `range` (as a hash that finds it again), its line and its tag,
    /// in no order: a table's whole range gives each key once.
    func forEach(slots range: Range<Int>, _ body: (_ hash: Int, _ line: Int32, _ tag: UInt32) throws -> Void) rethrows {
        let base = slots.base
        for index in range where base[index].key != 0 {
            let slot = base[index]
            try body(Int(truncatingIfNeeded: slot.key), slot.line, slot.tag)
        }
    }

    /// The slot that holds `key`, or the empty one where it goes.
    @inline(__always)
    private func probe(_ key: UInt64) -> (index: Int, found: Bool) {
        let base = slots.base
        var index = home(key)
        while base[index].key != 0 {
            if base[index].key == key { return (index, true) }
            index = index + 1 == size ? 0 : index + 1
        }
        return (index, false)
    }

    @inline(__always)
    private static func key(_ hash: Int) -> UInt64 {
        let key = UInt64(bitPattern: Int64(hash))
        return key == 0 ? 1 : key
    }

    /// The slot where `key` goes when it is free: the key, a hash already, scaled to the size (by its high bits).
    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: key.multipliedFullWidth(by: UInt64(size)).high)
    }

    /// A size that keeps `keys` keys at most two thirds full (linear probing stays short there): just that, not the
    /// next power of two, which was up to twice the memory, and fresh memory is slow to get.
    private static func size(for keys: Int) -> Int {
        max(1024, keys + keys / 2 + 1)
    }

    private func rehash(to size: Int) {
        let old = slots
        let oldSize = self.size
        slots = Slots(count: size)
        self.size = size
        let base = slots.base
        for index in 0..<oldSize where old.base[index].key != 0 {
            var target = home(old.base[index].key)
            while base[target].key != 0 { target = target + 1 == size ? 0 : target + 1 }
            base[target] = old.base[index]
        }
    }

    /// Zeroed slots in a mapping of their own, unmapped with the last reference.
    private final class Slots {
        let base: UnsafeMutablePointer<Slot>
        private let region: UnsafeMutableRawPointer
        private let length: Int

        init(count: Int) {
            let hugePage = 2 << 20
            let bytes = count * MemoryLayout<Slot>.stride
            length = bytes + hugePage
            // An anonymous mapping is zero already (empty slots). One huge page more, to start on a huge page
            // boundary: the kernel backs only whole, aligned ones with huge pages.
            guard let region = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                region != MAP_FAILED
            else {
                fatalError("cannot map \(length) bytes for the key table")
            }
            self.region = region
            let start = (Int(bitPattern: region) + hugePage - 1) & ~(hugePage - 1)
            let aligned = region + (start - Int(bitPattern: region))
            #if os(Linux)
                _ = madvise(aligned, bytes, MADV_HUGEPAGE)
            #endif
            base = aligned.bindMemory(to: Slot.self, capacity: count)
        }

        deinit {
            munmap(region, length)
        }
    }
}
