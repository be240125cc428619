import Foundation
import JSONText
import Testing

/// The run-copying string encoder and the element ranges that let an export copy contacts as received.
struct JSONEncodingTests {
    func encoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendJSONString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func escapesEveryCharacterThatNeedsIt() {
        #expect(encoded("") == #""""#)
        #expect(encoded("plain") == #""plain""#)
        #expect(encoded("\"") == #""\"""#)
        #expect(encoded("a\\b") == #""a\\b""#)
        #expect(encoded("\n\r\t") == #""\n\r\t""#)
        #expect(encoded("\u{0}x\u{1F}") == #""\u0000x\u001f""#)
        #expect(encoded("é中😀\u{7F}") == "\"é中😀\u{7F}\"")
        // Escapes at the start, the end and side by side, between runs of plain bytes.
        #expect(encoded("\"a\"\"b\\") == #""\"a\"\"b\\""#)
    }

    @Test func encodedStringsParseBack() throws {
        // Every string of up to three characters from the pool: each escape beside each other and beside plain bytes.
        let pool = Array("ab \"\\\n\t\u{1}é😀".unicodeScalars)
        var texts = [""]
        var previous = [""]
        for _ in 1...3 {
            previous = previous.flatMap { prefix in pool.map { prefix + String($0) } }
            texts += previous
        }
        for text in texts {
            #expect(try JSONValue.parse(encoded(text)) == .string(text))
        }
    }

    @Test func elementRangesCoverEachElementOfTheMember() throws {
        let text = """
            {"type":"list", "data" : [ {"id":"a","n":[1,{"data":[9]}]} ,
              {"id":"b\\"}"}, 3, "x" ], "pages":{"data":[7]}}
            """
        let bytes = Array(text.utf8)
        let (value, ranges) = try bytes.withUnsafeBufferPointer { try JSONValue.parse($0, elementRangesOf: "data") }
        #expect(value == (try JSONValue.parse(text)))
        guard case .array(let elements)? = value["data"] else {
            Issue.record("no data array")
            return
        }
        #expect(ranges.count == elements.count)
        for (range, element) in zip(ranges, elements) {
            #expect(try JSONValue.parse(Array(bytes[range])) == element)
        }
        #expect(String(decoding: bytes[ranges[0]], as: UTF8.self) == #"{"id":"a","n":[1,{"data":[9]}]}"#)
    }

    @Test func noRangesWithoutTheMember() throws {
        for text in [#"{"items":[1,2]}"#, #"[{"data":[1]}]"#, #"{"data":{"a":1}}"#, #"{"data":[]}"#] {
            let bytes = Array(text.utf8)
            let parsed = try bytes.withUnsafeBufferPointer { try JSONValue.parse($0, elementRangesOf: "data") }
            #expect(parsed.ranges.isEmpty, "\(text)")
        }
    }
}
