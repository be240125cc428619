import CPrefetch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The match keys seen so far, by their 64-bit hash (``ContactMapper/keyHash(_:)``): how `validate` finds the keys
/// that repeat. A table made with `keepsLines` also keeps each key's first line.
///
/// Written by hand instead of a `Set<Int>` because it is hit once for every row, at a random place in megabytes, and
/// because it must stay small at ten million rows (a nightly job may run in a container of 256 MB):
/// - a slot is the key's hash alone, 8 bytes, and a shard is 59 to 82 % full. The first
///   line of a repeated key is needed only for the few examples a summary shows, and ``ValidationRun`` finds those
///   again by reading the start of the file (a table with `keepsLines` keeps 4 bytes more a slot, for an input that
///   cannot be read twice);
/// - the keys are spread over 16 shards by their top bits, each growing on its own by 1.4 times, one after the
///   other: a shard's growth needs a sixteenth of the memory that growing the whole table at once needs, so the
///   table's size follows the number of distinct keys (about 12 bytes each), not of rows, without a peak;
/// - ``prefetch(_:)`` lets the caller start a lookup's memory access while it checks the row's other fields;
/// - a shard of 2 MB or more is in huge pages where the system allows it: in 4 KB pages nearly every access to a
///   table of tens of megabytes also waited for a page-table walk;
/// - the key is a hash already, so it is not hashed again.
///
/// A table is used by one thread at a time: the second thread of a split run hands its table over whole, after it
/// has finished (``RestPass/wait()`` orders the two).
package final class KeyTable: @unchecked Sendable {
    /// The line ``firstLine(of:orInsert:)`` gives for a repeated key in a table that keeps no lines.
    package static let unknownLine = Int32.min

    /// `line` as a line number, or nil for ``unknownLine``.
    package static func knownLine(_ line: Int32) -> Int? {
        line == unknownLine ? nil : Int(line)
    }
    /// How many shards a table has (``forEachKey(shards:_:)`` visits a range of them).
    package static let shardCount = 1 << shardBits
    private static let shardBits = 4
    /// How much a shard grows at a time.
    private static let growth = 1.4

    private struct Shard {
        /// The keys (``identity(_:)``), the lowest bit set once marked; 0 marks an empty slot.
        var slots: UnsafeMutablePointer<UInt64>
        /// The first line of the key in the same slot, in a table that keeps lines.
        var lines: UnsafeMutablePointer<Int32>?
        /// Any number of slots, not only a power of two (a key's home is its hash scaled to it).
        var size: Int
        var count = 0
        /// The count at which the shard grows.
        var limit: Int
    }

    /// Plain values, so that reading a shard's fields retains nothing: the memory it points to is in ``memory``.
    private let shards: UnsafeMutablePointer<Shard>
    /// Each shard's mappings (its slots, and its lines).
    private var memory: [[Mapping]] = []
    /// Whether the table keeps each key's first line.
    package let keepsLines: Bool
    /// The number of keys stored.
    package private(set) var count = 0

    /// An empty table, which keeps each key's first line only with `keepsLines`.
    package init(keepsLines: Bool = false) {
        self.keepsLines = keepsLines
        shards = .allocate(capacity: Self.shardCount)
        for index in 0..<Self.shardCount {
            // Sizes spread over one step of growth, so that the shards grow one after the other, not all at once:
            // the table is then about 70 % full whatever the number of keys, never only 59 % just after they all
            // grew.
            let size = Int(1024 * pow(Self.growth, Double(index) / Double(Self.shardCount)))
            let (shard, mappings) = Self.makeShard(size: size, keepsLines: keepsLines)
            (shards + index).initialize(to: shard)
            memory.append(mappings)
        }
    }

    deinit {
        shards.deinitialize(count: Self.shardCount)
        shards.deallocate()
    }

    /// Starts fetching the slot of `hash` into the cache, ahead of ``firstLine(of:orInsert:)`` or a lookup.
    @inline(__always)
    package func prefetch(_ hash: Int) {
        let key = Self.key(hash)
        let shard = shards + Self.shard(key)
        etl_prefetch_for_write(shard.pointee.slots + Self.home(key, shard.pointee.size))
    }

    /// When `hash` is in the table: its first line, or ``unknownLine`` in a table that keeps none. Otherwise stores
    /// it, with `line` as its first line, and returns nil.
    @inline(__always)
    package func firstLine(of hash: Int, orInsert line: Int32) -> Int32? {
        let key = Self.key(hash)
        let shard = shards + Self.shard(key)
        let (index, found) = Self.probe(key, in: shard.pointee)
        if found { return shard.pointee.lines?[index] ?? Self.unknownLine }
        store(key, line: line, at: index, in: shard)
        return nil
    }

    /// Whether `hash` is in the table.
    @inline(__always)
    package func contains(_ hash: Int) -> Bool {
        let key = Self.key(hash)
        return Self.probe(key, in: shards[Self.shard(key)]).found
    }

    /// The first line of `hash`: nil when it is not in the table, ``unknownLine`` when the table keeps no lines.
    package subscript(hash: Int) -> Int32? {
        let key = Self.key(hash)
        let shard = shards[Self.shard(key)]
        let (index, found) = Self.probe(key, in: shard)
        guard found else { return nil }
        return shard.lines?[index] ?? Self.unknownLine
    }

    /// Stores `hash` when it is not in the table, or marks it as met again when it is (for the look at repeated
    /// keys before an import, which needs no lines).
    @inline(__always)
    package func insertOrMark(_ hash: Int) {
        let key = Self.key(hash)
        let shard = shards + Self.shard(key)
        let (index, found) = Self.probe(key, in: shard.pointee)
        if found {
            shard.pointee.slots[index] |= 1
            return
        }
        store(key, line: 0, at: index, in: shard)
    }

    /// Puts `key` (with `line`, where the table keeps lines) in the empty slot `index` of `shard`, which grows when
    /// it is full enough.
    @inline(__always)
    private func store(_ key: UInt64, line: Int32, at index: Int, in shard: UnsafeMutablePointer<Shard>) {
        shard.pointee.slots[index] = key
        shard.pointee.lines?[index] = line
        shard.pointee.count += 1
        count += 1
        if shard.pointee.count > shard.pointee.limit { grow(shard - shards) }
    }

    /// Calls `body` with every key stored in the shards `range` (as its ``identity(_:)``) and whether it was marked
    /// (``insertOrMark(_:)``), in no order: the whole range gives each key once.
    package func forEachKey(shards range: Range<Int>, _ body: (_ key: Int, _ marked: Bool) throws -> Void) rethrows {
        for shard in range {
            let slots = shards[shard].slots
            for index in 0..<shards[shard].size where slots[index] != 0 {
                try body(Int(truncatingIfNeeded: slots[index] & ~1), slots[index] & 1 != 0)
            }
        }
    }

    /// What stands for `hash` in a table: the hash without its lowest bit (that bit marks a key met again), so two
    /// hashes that differ only there are one key, as a hash collision would be.
    @inline(__always)
    package static func identity(_ hash: Int) -> Int {
        Int(truncatingIfNeeded: key(hash))
    }

    /// The slot that holds `key`, or the empty one where it goes.
    @inline(__always)
    private static func probe(_ key: UInt64, in shard: Shard) -> (index: Int, found: Bool) {
        let slots = shard.slots
        var index = home(key, shard.size)
        while slots[index] != 0 {
            if slots[index] & ~1 == key { return (index, true) }
            index = index + 1 == shard.size ? 0 : index + 1
        }
        return (index, false)
    }

    @inline(__always)
    private static func key(_ hash: Int) -> UInt64 {
        let key = UInt64(bitPattern: Int64(hash)) & ~1
        return key == 0 ? 2 : key
    }

    /// The shard of `key`: its top bits.
    @inline(__always)
    private static func shard(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: key >> UInt64(64 - shardBits))
    }

    /// The slot where `key` goes in a shard of `size` slots when it is free: the bits below the shard's, scaled.
    @inline(__always)
    private static func home(_ key: UInt64, _ size: Int) -> Int {
        Int(truncatingIfNeeded: (key << UInt64(shardBits)).multipliedFullWidth(by: UInt64(size)).high)
    }

    /// Moves a shard's keys into one 1.4 times its size.
    private func grow(_ shard: Int) {
        let old = shards[shard]
        var (new, mappings) = Self.makeShard(size: Int(Double(old.size) * Self.growth), keepsLines: keepsLines)
        for index in 0..<old.size where old.slots[index] != 0 {
            var target = Self.home(old.slots[index] & ~1, new.size)
            while new.slots[target] != 0 { target = target + 1 == new.size ? 0 : target + 1 }
            new.slots[target] = old.slots[index]
            if let lines = old.lines { new.lines?[target] = lines[index] }
        }
        new.count = old.count
        shards[shard] = new
        memory[shard] = mappings
    }

    private static func makeShard(size: Int, keepsLines: Bool) -> (Shard, [Mapping]) {
        let slots = Mapping(bytes: size * MemoryLayout<UInt64>.stride)
        let lines = keepsLines ? Mapping(bytes: size * MemoryLayout<Int32>.stride) : nil
        let shard = Shard(
            slots: slots.base.bindMemory(to: UInt64.self, capacity: size),
            lines: lines?.base.bindMemory(to: Int32.self, capacity: size), size: size, limit: size * 82 / 100)
        return (shard, [slots] + (lines.map { [$0] } ?? []))
    }

    /// Zeroed memory in a mapping of its own (empty slots), unmapped with the last reference: in huge pages when it
    /// is 2 MB or more.
    final class Mapping {
        let base: UnsafeMutableRawPointer
        private let region: UnsafeMutableRawPointer
        private let length: Int

        init(bytes: Int) {
            let hugePage = 2 << 20
            let huge = bytes >= hugePage
            // One huge page more, to start on a huge page boundary: the kernel backs only whole, aligned ones with
            // huge pages.
            length = huge ? bytes + hugePage : bytes
            guard let region = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                region != MAP_FAILED
            else {
                fatalError("cannot map \(length) bytes for the key table")
            }
            self.region = region
            if huge {
                let start = (Int(bitPattern: region) + hugePage - 1) & ~(hugePage - 1)
                base = region + (start - Int(bitPattern: region))
                #if os(Linux)
                    _ = madvise(base, bytes, MADV_HUGEPAGE)
                #endif
            } else {
                base = region
            }
            // Written once now, page by page: a page first read (a lookup, before its key is stored) is the shared
            // zero page, and writing it later made the kernel flush the other core's address cache, a tenth of a
            // run's time with shards that grow often.
            #if os(Linux)
                let populateWrite: Int32 = 23  // MADV_POPULATE_WRITE, Linux 5.14
                if madvise(base, bytes, populateWrite) == 0 { return }
            #endif
            for offset in stride(from: 0, to: bytes, by: 4096) {
                base.storeBytes(of: 0, toByteOffset: offset, as: UInt8.self)
            }
        }

        deinit {
            munmap(region, length)
        }
    }
}
