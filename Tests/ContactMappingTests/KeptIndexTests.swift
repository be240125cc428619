import ContactIO
import ContactMapping
import SandboxTestSupport
import Testing

/// A compiled mapping keeps the field index of each NDJSON key in the record buffer while the records keep their
/// keys: on records whose keys change now and then (reordered, missing, null, repeated, row errors between them),
/// with two mappings taking turns on one reader, every result must be what a mapping that kept nothing gives.
struct KeptIndexTests {
    static let first = """
        role: user
        match: email
        fields:
          email: {column: email, transforms: [trim, lower]}
          name: {concat: [first, last]}
          phone: {column: phone, phone: US}
        custom_attributes:
          plan: {column: plan, type: string}
          note: {coalesce: [note, plan]}
        """
    static let second = """
        role: lead
        match: external_id
        fields:
          external_id: {column: last, type: string}
          email: {column: alt, invalid: skip}
        custom_attributes:
          first: {column: first, type: string}
          nested: {column: deep.plan, type: string}
        """

    @Test func resultsAreThoseOfAMappingThatKeptNothing() throws {
        var random = SplitMix(seed: 11)
        let keys = ["email", "first", "last", "phone", "plan", "note", "alt", "deep"]
        func value(_ key: String, _ row: Int) -> String {
            switch (key, random.next() % 9) {
            case (_, 0): return "null"
            case ("deep", _): return #"{"plan": "p\#(row)"}"#
            case ("email", _), ("alt", _): return "\"  User\(row)@Example.com \""
            case ("phone", _): return "\"+1 415 555 \(1000 + row % 9000)\""
            default: return "\"\(key)-\(row)\""
            }
        }
        var layout = keys
        var lines: [String] = []
        for row in 0..<3_000 {
            switch random.next() % 12 {
            case 0: layout.shuffle(using: &random)
            case 1 where layout.count > 2: layout.remove(at: Int(random.next() % UInt64(layout.count)))
            case 2: layout.append(keys[Int(random.next() % UInt64(keys.count))])
            case 3: layout = keys.shuffled(using: &random)
            case 4:
                lines.append(#"{"email": "#)
                continue
            default: break
            }
            lines.append("{" + layout.map { "\"\($0)\": \(value($0, row))" }.joined(separator: ", ") + "}")
        }
        let text = lines.joined(separator: "\n")
        let mappings = [
            try MappingFile.parse(Self.first, path: "first.yml"),
            try MappingFile.parse(Self.second, path: "second.yml"),
        ]
        let kept = try mappings.map { try ContactMapper(mapping: $0, header: nil) }
        let input = try InputOpener.open(source: MemoryByteSource(text), name: "kept.ndjson")
        var turn = 0
        var compared = 0
        while let result = try input.reader.next() {
            guard case .record = result else { continue }
            if random.next() % 10 == 0 { turn = 1 - turn }
            let record = input.reader.current
            // The same line read alone, and mapped by a new mapper: nothing kept.
            let alone = try InputOpener.open(source: MemoryByteSource(lines[record.line - 1]), name: "line.ndjson")
            _ = try alone.reader.next()
            let fresh = try ContactMapper(mapping: mappings[turn], header: nil)
            #expect(kept[turn].map(record) == fresh.map(alone.reader.current), "record \(record.number)")
            #expect(kept[turn].check(record) == fresh.check(alone.reader.current), "record \(record.number)")
            compared += 1
        }
        #expect(compared > 2_500)
    }
}
