import ContactIO
import JSONText
import Testing

struct NDJSONReaderTests {
    @Test(arguments: boundaryReadSizes)
    func objectsWithEscapesNumbersLiteralsAndNestedValues(readSize: Int) throws {
        let text = """
            {"email": "a\\u00e9\\ud83d\\ude00@x.com", "n": -1.5e3, "ok": true, "none": null, "tab": "a\\tb\\"c\\\\"}

            {"tags": ["vip", {"k": [1, 2]}], "address": {"city": "Paris", "zip": "75001"}, "empty": {}}\r
            {}
            """
        let (records, errors) = try readAll(text, readSize: readSize, name: "in.ndjson")
        #expect(errors.isEmpty)
        #expect(records.count == 3)
        let first = records[0]
        #expect(first["email"] == "aé😀@x.com")
        #expect(first.fields.map(\.kind) == [.string, .number, .bool, .null, .string])
        #expect(first["n"] == "-1.5e3")
        #expect(first["ok"] == "true")
        #expect(first["none"] == "")
        #expect(first["tab"] == "a\tb\"c\\")
        let second = records[1]
        #expect(second.fields.map(\.kind) == [.array, .object, .object])
        #expect(second["tags"] == "[\"vip\", {\"k\": [1, 2]}]")
        #expect(
            try JSONValue.parse(second["address"]!) == .object(["city": .string("Paris"), "zip": .string("75001")]))
        #expect(records.map(\.line) == [1, 3, 4])
        #expect(records.map(\.number) == [1, 2, 3])
        #expect(records[2].fields.isEmpty)
    }

    @Test(arguments: boundaryReadSizes)
    func badLinesAreRowErrorsWithLineNumbers(readSize: Int) throws {
        let text = """
            {"a": 1}
            [1, 2]
            {"a": tru}
            {"a": "x"} trailing
            not json

            {"a": "unterminated}
            {"a": 01}
            {"a": "\\ud800"}
            {"b": 2}
            """
        let (records, errors) = try readAll(text, readSize: readSize, name: "in.ndjson")
        #expect(records.map { $0.fields.first?.key } == ["a", "b"])
        #expect(records.map(\.line) == [1, 10])
        #expect(errors.map(\.line) == [2, 3, 4, 5, 7, 8, 9])
        #expect(errors.map(\.reason) == [.notAnObject] + Array(repeating: .invalidJSON, count: 6))
        #expect(errors[1].message == "invalid JSON at column 7: invalid literal")
        #expect(errors[1].description == "in.ndjson:3: record 3: invalid JSON at column 7: invalid literal")
    }

    @Test func duplicateKeysKeepTheLastForLookup() throws {
        let input = try InputOpener.open(source: MemoryByteSource("{\"a\":1,\"a\":2}\n"), name: "d")
        _ = try input.reader.next()
        let index = try #require(input.reader.current.index(ofKey: "a"))
        #expect(input.reader.current.value(index) == "2")
    }

    @Test(arguments: [1, 9, Int.max])
    func longLinesAreRowErrorsAndMemoryIsNotKept(readSize: Int) throws {
        let long = "{\"a\":\"" + String(repeating: "y", count: 3000) + "\"}"
        let text = "{\"a\":1}\n\(long)\n{\"a\":2}\n\(long)"
        let options = ReaderOptions(maxRecordBytes: 1024, bufferSize: 1024)
        let (records, errors) = try readAll(text, readSize: readSize, options: options)
        #expect(records.map { $0["a"] } == ["1", "2"])
        #expect(errors.map(\.reason) == [.recordTooLarge, .recordTooLarge])
        #expect(errors.map(\.line) == [2, 4])
    }

    @Test func invalidUTF8IsRejectedOrReplaced() throws {
        let bytes = Array("{\"a\":\"M".utf8) + [0xFC] + Array("n\"}\n".utf8)
        let rejected = try readAll(bytes)
        #expect(rejected.errors.first?.reason == .invalidUTF8)
        let replaced = try readAll(bytes, options: ReaderOptions(invalidUTF8: .replace))
        #expect(replaced.records.first?["a"] == "M\u{FFFD}n")
    }

    @Test func formatIsDetectedAfterWhitespaceAndBOM() throws {
        let input = try InputOpener.open(
            source: MemoryByteSource([0xEF, 0xBB, 0xBF] + Array("\n  {\"a\":1}".utf8)), name: "x")
        #expect(input.format == .ndjson)
        #expect(try input.reader.readAll().records.first?["a"] == "1")
    }
}
