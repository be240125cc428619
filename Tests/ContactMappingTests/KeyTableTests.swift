import Testing

@testable import ContactMapping

/// The duplicate check's table must know every key again, through growth and colliding slots, and keep each one's
/// first line when asked to.
struct KeyTableTests {
    /// Distinct hashes spread over all 64 bits (an odd multiplier is a bijection), a 0, and every 97th one ending in
    /// the same 16 bits; every 89th one shares the top 24 bits with the one before it (one shard, next slots).
    func hashes(_ count: Int) -> [Int] {
        var hashes = (1...count).map { Int(bitPattern: UInt($0) &* 0x9E37_79B9_7F4A_7C15) }
        hashes[1] = 0
        for index in stride(from: 3, to: count, by: 97) { hashes[index] = hashes[index - 1] & ~0xFFFF | 0x1234 }
        for index in stride(from: 5, to: count, by: 89) {
            hashes[index] = hashes[index - 1] & ~0xFF_FFFF_FFFF | hashes[index] & 0xFF_FFFF_FFFF
        }
        // Hashes that differ only in the lowest bit are one key (``KeyTable/identity(_:)``).
        return Array(Set(hashes.map { $0 & ~1 }))
    }

    @Test(arguments: [false, true])
    func knowsEveryKeyAgainWhileItGrows(keepsLines: Bool) {
        let keys = hashes(200_000)
        let table = KeyTable(keepsLines: keepsLines)
        for (index, key) in keys.enumerated() {
            table.prefetch(key)
            #expect(table.firstLine(of: key, orInsert: Int32(index)) == nil)
        }
        #expect(table.count == keys.count)
        for (index, key) in keys.enumerated() {
            let line = keepsLines ? Int32(index) : KeyTable.unknownLine
            #expect(table.firstLine(of: key, orInsert: -1) == line)
            #expect(table[key] == line)
            #expect(table.contains(key))
        }
        #expect(table.count == keys.count)
        let stored = Set(keys)
        let absent = hashes(400_000).filter { !stored.contains($0) }.prefix(1_000)
        #expect(absent.count == 1_000)
        #expect(absent.allSatisfy { !table.contains($0) && table[$0] == nil })
    }

    @Test func answersNilForAnAbsentKeyAndZeroIsAKey() {
        let table = KeyTable(keepsLines: true)
        #expect(table[0] == nil)
        #expect(table.firstLine(of: 0, orInsert: 7) == nil)
        #expect(table[0] == 7)
        #expect(table[1] == 7 && table[2] == 7 && table[3] == 7)  // 0 to 3 are one key, as a hash collision
        #expect(table[4] == nil)
        #expect(table[12345] == nil)
    }

    /// What a split run reads back from the second thread's table: each key once, whatever range of shards it is in,
    /// marked when it was met again.
    @Test func givesEveryKeyOnceAcrossRangesOfShards() {
        let keys = hashes(70_000)
        let table = KeyTable()
        for (index, key) in keys.enumerated() { #expect(table.firstLine(of: key, orInsert: Int32(index)) == nil) }
        // Met again: marked (a third of them).
        for key in keys where KeyTable.identity(key) % 3 == 0 { table.insertOrMark(key) }
        #expect(table.count == keys.count)
        var seen = Set<Int>()
        let middle = KeyTable.shardCount / 3
        for range in [0..<middle, middle..<KeyTable.shardCount] {
            table.forEachKey(shards: range) { hash, marked in
                #expect(marked == (hash % 3 == 0))
                #expect(!seen.contains(hash))
                seen.insert(hash)
                #expect(table.contains(hash))
            }
        }
        #expect(seen.count == keys.count)
        #expect(keys.allSatisfy { seen.contains(KeyTable.identity($0)) })
    }
}
