import Testing

@testable import ContactMapping

/// The duplicate check's table must keep every key's first line, through growth and colliding slots.
struct KeyTableTests {
    /// Distinct hashes spread over all 64 bits (an odd multiplier is a bijection), a 0, and every 97th one ending in
    /// the same 16 bits (all in one slot while the table is small).
    func hashes(_ count: Int) -> [Int] {
        var hashes = (1...count).map { Int(bitPattern: UInt($0) &* 0x9E37_79B9_7F4A_7C15) }
        hashes[1] = 0
        for index in stride(from: 3, to: count, by: 97) { hashes[index] = hashes[index - 1] & ~0xFFFF | 0x1234 }
        return Array(Set(hashes))
    }

    @Test func keepsTheFirstLineOfEveryKeyWhileItGrows() {
        let keys = hashes(50_000)
        let table = KeyTable()
        for (index, key) in keys.enumerated() {
            table.prefetch(key)
            #expect(table.firstLine(of: key, orInsert: Int32(index)) == nil)
        }
        #expect(table.count == keys.count)
        for (index, key) in keys.enumerated() {
            #expect(table.firstLine(of: key, orInsert: -1) == Int32(index))
            #expect(table[key] == Int32(index))
        }
        #expect(table.count == keys.count)
    }

    @Test func answersNilForAnAbsentKeyAndZeroIsAKey() {
        let table = KeyTable(capacity: 10)
        #expect(table[0] == nil)
        #expect(table.firstLine(of: 0, orInsert: 7) == nil)
        #expect(table[0] == 7)
        #expect(table[1] == nil || table[1] == 7)  // 0 is stored as 1: the two are one key, as a hash collision
        #expect(table[12345] == nil)
    }

    @Test func reservingKeepsWhatIsStored() {
        let table = KeyTable()
        for key in 1...100 { _ = table.firstLine(of: key * 1_000_003, orInsert: Int32(key)) }
        table.reserve(1_000_000)
        for key in 1...100 { #expect(table[key * 1_000_003] == Int32(key)) }
        #expect(table[101 * 1_000_003] == nil)
    }

    /// What a split run reads back from the second thread's table: each key once, with its line and tag, whatever
    /// range of slots it is in, at sizes that are not powers of two.
    @Test func givesEveryKeyOnceWithItsLineAndTagAcrossRangesOfSlots() {
        let keys = hashes(7_000)
        let table = KeyTable(capacity: 5_000)
        #expect(table.slotCount & (table.slotCount - 1) != 0)
        for (index, key) in keys.enumerated() {
            #expect(table.firstLine(of: key, orInsert: Int32(index), tag: UInt32(index * 3)) == nil)
        }
        var seen: [Int: (line: Int32, tag: UInt32)] = [:]
        let middle = table.slotCount / 3
        for range in [0..<middle, middle..<table.slotCount] {
            table.forEach(slots: range) { hash, line, tag in
                #expect(seen[hash] == nil)
                seen[hash] = (line, tag)
                #expect(table[hash] == line)
            }
        }
        #expect(seen.count == keys.count)
        for (index, key) in keys.enumerated() {
            let found = seen[key] ?? seen[key == 0 ? 1 : key]
            #expect(found?.line == Int32(index) && found?.tag == UInt32(index * 3))
        }
    }
}
