import ContactIO
import ContactMapping
import Foundation
import JSONText
import Testing

/// NDJSON mappings: dotted paths into nested objects, and keys that no record has (issue #22), which used to
/// validate as empty values and import contacts without the field.
struct NDJSONMappingTests {
    static let records = [
        #"{"email":"ann@x.com","user_fields":{"plan":"Gold","tier":{"name":"Pro \"Plus\" \u00e9"}},"#
            + #""photo":{"content_url":"https://img.example/ann.png"},"a.b":"top"}"#,
        #"{"email":"bob@x.com","user_fields":{"plan":null},"photo":null,"a":{"b":"nested"}}"#,
        #"{"email":"cy@x.com","user_fields":{"plan":"Free","plan":"Basic"},"a":{"b":"nested"}}"#,
    ]

    func mapAll(_ text: String, _ yaml: String) throws -> [MappingResult] {
        let input = try InputOpener.open(source: MemoryByteSource(text), name: "x.ndjson")
        let mapper = try ContactMapper(mapping: try MappingFile.parse(yaml, path: "m.yml"), header: nil)
        var results: [MappingResult] = []
        while let result = try input.reader.next() {
            if case .record = result { results.append(mapper.map(input.reader.current)) }
        }
        return results
    }

    func custom(_ result: MappingResult, _ name: String) -> JSONValue? {
        guard case .contact(let contact) = result else { return nil }
        return contact.payload["custom_attributes"]?[name]
    }

    @Test func dottedPathsReadNestedObjects() throws {
        let yaml = """
            role: user
            match: email
            fields:
              email: email
              avatar: photo.content_url
            custom_attributes:
              plan: {column: user_fields.plan, type: string}
              tier: {column: user_fields.tier.name, type: string}
              dotted: {column: a.b, type: string}
            """
        let results = try mapAll(Self.records.joined(separator: "\n") + "\n", yaml)
        #expect(results.count == 3)
        #expect(custom(results[0], "plan") == .string("Gold"))
        #expect(custom(results[0], "tier") == .string("Pro \"Plus\" é"))
        // A record's own key with a dot wins over the path.
        #expect(custom(results[0], "dotted") == .string("top"))
        #expect(custom(results[1], "dotted") == .string("nested"))
        if case .contact(let contact) = results[0] {
            #expect(contact.payload["avatar"] == .string("https://img.example/ann.png"))
        }
        // null and a missing object are empty values; of duplicate keys the last wins, as at the top level.
        #expect(custom(results[1], "plan") == nil)
        if case .contact(let contact) = results[1] { #expect(contact.payload["avatar"] == nil) }
        #expect(custom(results[2], "plan") == .string("Basic"))
    }

    func validate(_ text: String, _ yaml: String) throws -> ValidationSummary {
        let input = try InputOpener.open(source: MemoryByteSource(text), name: "x.ndjson")
        return try ValidationRun.run(
            input, mapping: try MappingFile.parse(yaml, path: "m.yml"), rejects: nil, maxErrors: nil)
    }

    @Test(arguments: [
        ("email: emial", "emial", "email", 4),
        ("email: Email", "Email", "email", 4),
        ("email: email\ncustom_attributes:\n  plan: {column: plan, type: string}", "plan", "user_fields.plan", 6),
        (
            "email: email\ncustom_attributes:\n  plan: {column: user_fields.plann, type: string}", "user_fields.plann",
            "user_fields.plan", 6
        ),
        ("email: email\n  avatar: photo.contenturl", "photo.contenturl", "photo.content_url", 5),
    ])
    func aKeyInNoRecordIsAMappingErrorWithASuggestion(rules: String, key: String, meant: String, line: Int) throws {
        let yaml = "role: user\nmatch: email\nfields:\n  " + rules + "\n"
        let text = Self.records.joined(separator: "\n") + "\n"
        #expect {
            _ = try validate(text, yaml)
        } throws: { error in
            guard let error = error as? MappingError else { return false }
            return error.line == line && error.message.contains("'\(key)' is in no record of x.ndjson")
                && error.message.contains("did you mean '\(meant)'?")
        }
    }

    @Test func keysSeenOnlyLaterOrOnlyAsNullAreFine() throws {
        var lines = (0..<50).map { #"{"email":"p\#($0)@x.com"}"# }
        lines.append(#"{"email":"late@x.com","late":"yes","nullable":null}"#)
        let yaml = """
            role: user
            match: email
            fields:
              email: email
            custom_attributes:
              late: {column: late, type: string}
              nullable: {column: nullable, type: string}
            """
        let summary = try validate(lines.joined(separator: "\n") + "\n", yaml)
        #expect(summary.valid == 51)
    }

    /// `import -` reads standard input ahead until every key was seen, then reads it again from its first byte: the
    /// records come out whole, a key in no record stops it before any call, and so does one not seen in the look
    /// ahead (a stream cannot be read twice).
    @Test(arguments: [false, true])
    func aStreamIsCheckedAheadThenReadWhole(gzipped: Bool) throws {
        var lines = (0..<3_000).map { #"{"email":"p\#($0)@x.com","name":"P \#($0)"}"# }
        lines.append(#"{"email":"late@x.com","late":"yes"}"#)
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        let bytes = gzipped ? try Self.gzip(text) : text
        func run(_ extra: String, lookahead: Int = 1 << 20) throws -> [String] {
            let mapping = try MappingFile.parse(
                "role: user\nmatch: email\nfields:\n  email: email\n  name: name\n" + extra, path: "m.yml")
            let input = try NDJSONKeyCheck.verifyStream(
                mapping, source: MemoryByteSource(bytes, readSize: 4_096), name: "<stdin>", lookahead: lookahead)
            return try input.reader.readAll().records.map { $0.values.first ?? "" }
        }
        let whole = try run("custom_attributes:\n  late: {column: late, type: string}\n")
        #expect(whole.count == 3_001 && whole.first == "p0@x.com" && whole.last == "late@x.com")
        #expect {
            _ = try run("custom_attributes:\n  late: {column: lat, type: string}\n")
        } throws: { error in
            (error as? MappingError)?.message.contains("'lat' is in no record of <stdin>") == true
        }
        #expect {
            _ = try run("custom_attributes:\n  late: {column: late, type: string}\n", lookahead: 8_192)
        } throws: { error in
            (error as? MappingError)?.message.contains("the first 8192 bytes of <stdin> have no record with 'late'")
                == true
        }
        // A CSV stream is not looked at: it is read whole.
        let csv = try NDJSONKeyCheck.verifyStream(
            try MappingFile.parse("role: user\nmatch: email\nfields:\n  email: email\n", path: "m.yml"),
            source: MemoryByteSource(Array("email\na@x.com\n".utf8)), name: "<stdin>")
        #expect(try csv.reader.readAll().records.map(\.values) == [["a@x.com"]])
    }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        final class Collected: ByteSink {
            var bytes: [UInt8] = []
            func write(_ more: UnsafeRawBufferPointer) { bytes += more }
            func finish() {}
        }
        let collected = Collected()
        let gzip = try GzipSink(next: collected, name: "memory")
        try gzip.write(bytes)
        try gzip.finish()
        return collected.bytes
    }

    @Test func aSplitRunSeesTheKeysOfBothHalves() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ndjson-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("x.ndjson").path
        // `second` appears only after the middle, `first` only before it, `never` nowhere.
        var lines = (0..<2_000).map { #"{"email":"a\#($0)@x.com","first":"1"}"# }
        lines += (0..<2_000).map { #"{"email":"b\#($0)@x.com","second":"2"}"# }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        func run(_ yaml: String) throws -> ValidationSummary {
            let input = try InputOpener.open(path)
            let split = InputSplit.make(input, path: path, options: ReaderOptions(), minimumSize: 0)
            #expect(split != nil)
            return try ValidationRun.run(
                input, mapping: try MappingFile.parse(yaml, path: "m.yml"), rejects: nil, maxErrors: nil, split: split)
        }
        let both = """
            role: user
            match: email
            fields:
              email: email
            custom_attributes:
              first: {column: first, type: string}
              second: {column: second, type: string}
            """
        let summary = try run(both)
        #expect(summary.usedSecondThread && summary.valid == 4_000)
        #expect(throws: MappingError.self) { try run(both + "\n  never: {column: nevr, type: string}") }
        // The file-level check that `import` makes before any call agrees.
        let mapping = try MappingFile.parse(both, path: "m.yml")
        try NDJSONKeyCheck.verify(mapping, path: path)
        #expect(throws: MappingError.self) {
            try NDJSONKeyCheck.verify(
                try MappingFile.parse(
                    both.replacingOccurrences(of: "column: second", with: "column: secnd"), path: "m"),
                path: path)
        }
    }
}
