import ContactIO
import Foundation
import SandboxTestSupport
import Testing

@testable import ContactMapping

/// `check` (bytes, for validate) must reach exactly the verdict of `map` (strings, for import) on every row, and the
/// match key read from bytes (`withMatchKey`, for the sync state) must be the one `map` makes. So must the reason
/// alone that validate counts a reject by once it shows no more of them (`check(_:onKeyHash:reasonOnly:)`).
struct CheckEquivalenceTests {
    func compare(_ text: String, _ yaml: String) throws -> Int {
        let input = try InputOpener.open(
            source: MemoryByteSource(text), name: text.hasPrefix("{") ? "x.ndjson" : "x.csv")
        let mapper = try ContactMapper(
            mapping: try MappingFile.parse(yaml, path: "m.yml"), header: (input.reader as? CSVReader)?.header)
        var compared = 0
        while let result = try input.reader.next() {
            guard case .record = result else { continue }
            let record = input.reader.current
            // `validate` reads a record with `check` (or the look at repeated keys with `keyAndFields`) alone: one of
            // them goes first, before `map` has kept the NDJSON keys' field indexes of a record whose keys are new.
            let fieldsFirst = record.number % 2 == 0 ? mapper.keyAndFields(record) : nil
            let checked = mapper.check(record)
            let fromBytes = mapper.withMatchKey(record) { String(decoding: $0, as: UTF8.self) }
            #expect(fromBytes == mapper.matchKey(record), "line \(record.line)")
            #expect(mapper.matchKeyHash(record) == fromBytes.map { ContactMapper.keyHash($0) }, "line \(record.line)")
            if record.number % 2 == 0 {
                let again = mapper.keyAndFields(record)
                #expect(
                    fieldsFirst?.keyHash == again?.keyHash && fieldsFirst?.fields == again?.fields,
                    "line \(record.line)")
            }
            switch (mapper.map(record), checked) {
            case (.contact(let contact), .valid(let hash)):
                #expect(hash == ContactMapper.keyHash(contact.matchKey), "line \(record.line)")
                #expect(fromBytes == contact.matchKey, "line \(record.line)")
                let valid = mapper.keyAndFields(record)
                #expect(
                    valid?.keyHash == hash && valid?.fields == mapper.fields(of: contact.payload), "line \(record.line)"
                )
            case (.contact(let contact), .warned(let hash, let warnings)):
                #expect(hash == ContactMapper.keyHash(contact.matchKey), "line \(record.line)")
                #expect(warnings == contact.warnings && !warnings.isEmpty, "line \(record.line)")
            case (.rejected(let a), .rejected(let b)):
                #expect(a == b, "line \(record.line)")
                #expect(mapper.keyAndFields(record) == nil, "line \(record.line)")
                switch mapper.check(record, onKeyHash: { _ in }, reasonOnly: true) {
                case .refused(let reason): #expect(reason == a.reason, "line \(record.line): \(a.problemList)")
                case .checked(.rejected(let c)): #expect(c == a, "line \(record.line)")
                case .checked(let other): Issue.record("line \(record.line): map rejects, reason-only check \(other)")
                }
            case (let mapped, let checked):
                Issue.record("line \(record.line): map \(mapped) but check \(checked)")
            }
            compared += 1
        }
        return compared
    }

    @Test func randomMessyRowsGetTheSameVerdict() throws {
        var random = SplitMix(seed: 0x5EED_0021)
        let emails = ["a@x.com", " Ann@X.COM ", "bad@", "", "  ", "é@x.com", "a..b@x.com", "x@y.z", "Z@Q.IO\t"]
        let phones = ["+14155550123", "(415) 555-0123", "555", "", "+44 20 7946 0001", "call", "00 33 1 55 55 01 07"]
        let dates = ["2024-03-01", "03/01/2024", "31/31/2020", "", "2024-03-01T09:30:00Z", "yesterday", " 2024-02-29 "]
        let urls = [
            "https://img.example/a.png", "ftp://x", "", "http://é.example/long", "https://x",
            "https://img.example/a b.png",
        ]
        let names = ["Ann", "", " ", "Élodie", String(repeating: "n", count: 260), "O\"Brien"]
        var text = "email,first,last,phone,signed,avatar,plan,id\n"
        for index in 0..<3000 {
            let row = [
                emails.randomElement(using: &random)!, names.randomElement(using: &random)!,
                names.randomElement(using: &random)!, phones.randomElement(using: &random)!,
                dates.randomElement(using: &random)!, urls.randomElement(using: &random)!,
                ["Gold", "free", "", "ÉLITE"].randomElement(using: &random)!,
                [
                    "", " ", "id-\(index % 500)", " ID-\(index % 90) ", "ÏD-\(index % 40)",
                    String(repeating: "i", count: 256),
                ]
                .randomElement(using: &random)!,
            ]
            text +=
                row.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\n"
        }
        let byEmail = """
            role: user
            match: email
            fields:
              email: {column: email, transforms: [trim, lower]}
              external_id: id
              name: {concat: [first, last]}
              phone: {column: phone, phone: US}
              signed_up_at: {column: signed, date: [iso8601, MM/dd/yyyy]}
              avatar: avatar
            custom_attributes:
              plan: {column: plan, type: string, transforms: [lower]}
            """
        #expect(try compare(text, byEmail) == 3000)
        let byExternalID = byEmail.replacingOccurrences(of: "match: email", with: "match: external_id")
            .replacingOccurrences(of: "role: user", with: "role: lead")
        #expect(try compare(text, byExternalID) == 3000)
        let clearing = byEmail.replacingOccurrences(of: "match: email", with: "match: email\nempty: clear")
        #expect(try compare(text, clearing) == 3000)
        let untrimmed = byEmail.replacingOccurrences(of: "transforms: [trim, lower]}", with: "}")
        #expect(try compare(text, untrimmed) == 3000)
        let loweredID = byExternalID.replacingOccurrences(
            of: "external_id: id", with: "external_id: {column: id, transforms: [trim, lower]}")
        #expect(try compare(text, loweredID) == 3000)
        // The match rule last: a row whose key is refused may have refused values before it, and its first problem
        // (the reason it is counted by) is theirs.
        let keyLast = """
            role: user
            match: email
            fields:
              phone: {column: phone, phone: US}
              signed_up_at: {column: signed, date: [iso8601, MM/dd/yyyy]}
              avatar: {column: avatar, invalid: skip}
              email: {column: email, transforms: [trim, lower]}
              name: {concat: [first, last]}
            """
        #expect(try compare(text, keyLast) == 3000)
    }

    /// NDJSON, whose plain string rules are told from their cells (``RuleProgram/Shortcut``) once the record's keys
    /// are known, and evaluated else: keys that come and go and change places (a new layout), nulls, numbers, nested
    /// values, blanks of spaces and tabs, texts of more than 255 bytes in fewer characters, non-ASCII text that a
    /// transform re-cases.
    @Test func randomNDJSONRowsGetTheSameVerdict() throws {
        var random = SplitMix(seed: 0x5EED_0023)
        let emails = ["\"a@x.com\"", "\" Ann@X.COM \"", "\"bad@\"", "\"\"", "null", "\"Z@Q.IO\\t\""]
        let texts = [
            "\"Ann\"", "\"\"", "\" \\t \"", "null", "12", "true", "{\"a\": 1}", "[1, \"x\"]", "\"Élodie\"",
            "\"ÉLITE\"", "\"" + String(repeating: "n", count: 256) + "\"",
            "\" " + String(repeating: "n", count: 255) + "\"",
            "\"" + String(repeating: "é", count: 200) + "\"", "\"" + String(repeating: "é", count: 256) + "\"",
            "\"İSTANBUL\"", "\"\\u00e9t\\u00e9\"", "\"id-1\"", "\" ID-2 \"",
        ]
        let keys = ["id", "avatar", "plan", "notes", "first", "last"]
        var text = ""
        for _ in 0..<3000 {
            var members = ["\"email\": " + emails.randomElement(using: &random)!]
            for key in keys where random.next() % 8 != 0 {
                members.append("\"\(key)\": " + texts.randomElement(using: &random)!)
            }
            // The keys in another order now and then: a new layout, whose fields are found again by name.
            if random.next() % 5 == 0 { members.shuffle(using: &random) }
            text += "{" + members.joined(separator: ", ") + "}\n"
        }
        let mapping = """
            role: user
            match: email
            fields:
              email: {column: email, transforms: [trim, lower]}
              external_id: id
              name: {concat: [first, last]}
            custom_attributes:
              plan: {column: plan, type: string, transforms: [lower]}
              shout: {column: plan, type: string, transforms: [trim, upper]}
              notes: {column: notes, type: string}
              picture: {column: avatar, type: string, transforms: [trim]}
            """
        #expect(try compare(text, mapping) == 3000)
        let clearing = mapping.replacingOccurrences(of: "match: email", with: "match: email\nempty: clear")
        #expect(try compare(text, clearing) == 3000)
        let byExternalID = mapping.replacingOccurrences(of: "match: email", with: "match: external_id")
            .replacingOccurrences(of: "role: user", with: "role: lead")
        #expect(try compare(text, byExternalID) == 3000)
        let skipping = mapping.replacingOccurrences(
            of: "notes: {column: notes, type: string}", with: "notes: {column: notes, type: string, invalid: skip}")
        #expect(try compare(text, skipping) == 3000)
    }
}
