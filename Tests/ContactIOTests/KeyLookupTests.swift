import Testing

@testable import ContactIO

/// `index(ofKey:)` keeps its answers while records have the same keys: on records whose keys change now and then
/// (reordered, missing, repeated, near-identical) and lookups in orders that change, it must answer what a look at
/// every key of the record answers.
struct KeyLookupTests {
    @Test func answersWhatALookAtEveryKeyAnswers() throws {
        var random = SeededRandom(seed: 7)
        let pool = ["email", "name", "phone", "e", "emails", "na\u{e9}me", "nam\u{e9}", "id", "a long key name here"]
        var layout = Array(pool.prefix(5))
        var lines: [String] = []
        for _ in 0..<3_000 {
            // Mostly the same keys as the record before; now and then another order, one key fewer or more, or a
            // repeated key.
            switch Int.random(in: 0..<10, using: &random) {
            case 0: layout.shuffle(using: &random)
            case 1 where layout.count > 1: layout.remove(at: Int.random(in: 0..<layout.count, using: &random))
            case 2: layout.append(pool.randomElement(using: &random)!)
            case 3 where layout.count > 3: layout = Array(pool.shuffled(using: &random).prefix(4))
            default: break
            }
            let members = layout.enumerated().map { "\"\($1)\":\"v\($0)\"" }
            lines.append("{" + members.joined(separator: ",") + "}")
        }
        let input = try InputOpener.open(source: MemoryByteSource(lines.joined(separator: "\n")), name: "k.ndjson")
        let reader = input.reader
        var queries = ["email", "phone", "name", "id"]
        var checked = 0
        while case .record = try reader.next() {
            let record = reader.current
            if Int.random(in: 0..<20, using: &random) == 0 { queries.shuffle(using: &random) }
            var asked = queries
            if Int.random(in: 0..<8, using: &random) == 0 { asked.append(pool.randomElement(using: &random)!) }
            if Int.random(in: 0..<8, using: &random) == 0 { asked.removeFirst() }
            for name in asked {
                #expect(record.index(ofKey: name) == record.scanIndex(ofKey: name), "\(name) in \(record.number)")
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }

    /// The reader points the keys of a record at the layout's copy when they are the layout's, written without
    /// escapes: each record's keys must still be what it says, escaped or not, whether they differ from the keys of
    /// the record before (row errors in between do not count) must be what `inspect` is told, and lookups must hold.
    @Test func keysAreTheRecordsOwnEscapedOrNot() throws {
        var random = SeededRandom(seed: 23)
        // Each key as decoded, and the ways a line may write it.
        let pool: [(key: String, spellings: [String])] = [
            ("email", ["email", "em\\u0061il", "\\u0065mail"]),
            ("name", ["name"]),
            ("na\u{e9}me", ["na\u{e9}me", "na\\u00e9me"]),
            ("a\"b", ["a\\\"b"]),
            ("tab\tkey", ["tab\\tkey"]),
            ("e", ["e"]),
            ("emails", ["emails"]),
            ("", [""]),
        ]
        var layout = [0, 1, 2, 3]
        var lines: [String] = []
        var expected: [[String]] = []
        for _ in 0..<4_000 {
            switch Int.random(in: 0..<12, using: &random) {
            case 0: layout.shuffle(using: &random)
            case 1 where layout.count > 1: layout.remove(at: Int.random(in: 0..<layout.count, using: &random))
            case 2: layout.append(Int.random(in: 0..<pool.count, using: &random))
            case 3:
                // Not a record: the layout must not move.
                lines.append(Bool.random(using: &random) ? "{\"email\": 1," : "")
                continue
            default: break
            }
            let members = layout.enumerated().map { place, key in
                "\"\(pool[key].spellings.randomElement(using: &random)!)\": \"v\(place)\""
            }
            lines.append("{" + members.joined(separator: ", ") + "}")
            expected.append(layout.map { pool[$0].key })
        }
        let input = try InputOpener.open(source: MemoryByteSource(lines.joined(separator: "\n")), name: "k.ndjson")
        let reader = input.reader
        var records = 0
        var previous: [String]?
        while let result = try reader.next() {
            guard case .record = result else { continue }
            let record = reader.current
            let keys = (0..<record.fieldCount).map { record.key($0) }
            #expect(keys == expected[records], "record \(record.number)")
            #expect(record.keysDiffer() == (keys != previous), "record \(record.number)")
            for (key, _) in pool {
                #expect(record.index(ofKey: key) == record.scanIndex(ofKey: key), "\(key) in \(record.number)")
            }
            #expect((0..<record.fieldCount).map { record.value($0) } == keys.indices.map { "v\($0)" })
            previous = keys
            records += 1
        }
        #expect(records == expected.count)
    }

    /// Keys are compared a word at a time, their last bytes as one word that overlaps: every length up to 40, equal
    /// and differing in each byte, inside larger buffers, must give what a comparison byte by byte gives.
    @Test func bytesCompareAsTheyDoByteByByte() {
        var random = SeededRandom(seed: 11)
        var compared = 0
        for length in 0...40 {
            let left = (0..<(length + 16)).map { _ in UInt8.random(in: 0...255, using: &random) }
            for shift in [0, 3] {
                var right = Array(repeating: UInt8(0xAA), count: shift) + left
                // The bytes around the compared ones differ: a load past either end would see it.
                right[shift + 1] ^= 0xFF
                right[shift + 2 + length] ^= 0xFF
                left.withUnsafeBufferPointer { lhs in
                    for position in -1..<length {
                        if position >= 0 { right[shift + 2 + position] ^= 0x20 }
                        let equal = right.withUnsafeBufferPointer { rhs in
                            memcmpEqual(lhs.baseAddress! + 2, rhs.baseAddress! + shift + 2, length)
                        }
                        let expected = (0..<length).allSatisfy { left[2 + $0] == right[shift + 2 + $0] }
                        #expect(equal == expected, "length \(length), differing at \(position)")
                        if position >= 0 { right[shift + 2 + position] ^= 0x20 }
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 1_700)
    }
}
