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
}
