import JSONText
import Testing

@testable import ContactIO

/// The NDJSON reader decodes strings into the record a word at a time (``RecordBuffer/write(upTo:_:)``): any
/// string, of any length, escapes anywhere, must come out as it went in, also while the record's storage grows.
struct StringDecodingTests {
    /// `text` as a JSON string literal: quote, backslash and control characters escaped, the rest as it is.
    func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test func decodesEveryStringAsItWentIn() throws {
        var random = SeededRandom(seed: 11)
        let pieces = ["a", "bc", "defghijk", "\"", "\\", "\n", "\u{1}", "é", "€", "🚀", " ", "]", "0123456789"]
        let runs = ["defghijk", "0123456789", "é", "🚀", "a"]
        let buffer = RecordBuffer(byteCapacity: 4)
        let sink = RecordBufferSink(buffer: buffer)
        var checked = 0
        for round in 0..<5_000 {
            // Now and then a string of several kilobytes: the copy lends room 4 KB of the line at a time.
            let count =
                round % 50 == 0 ? Int.random(in: 500...3_000, using: &random) : Int.random(in: 0...12, using: &random)
            let text = (0..<count).map { _ in
                // Long strings are mostly runs without escapes, which are copied without a stop.
                count > 12 && Int.random(in: 0..<400, using: &random) > 0
                    ? runs.randomElement(using: &random)! : pieces.randomElement(using: &random)!
            }.joined()
            // Something after the literal, as in a record: the scan must stop at the closing quote.
            let json = Array((literal(text) + ",\"next\":1}").utf8)
            buffer.reset()
            let before = Int.random(in: 0...3, using: &random)
            for _ in 0..<before { sink.append(UInt8(ascii: "x")) }
            let range = try json.withUnsafeBufferPointer { bytes in
                var scanner = JSONScanner(base: bytes.baseAddress!, count: bytes.count)
                let range = try scanner.decodeString(into: sink)
                #expect(bytes[scanner.position] == UInt8(ascii: ","))
                return range
            }
            #expect(range.lowerBound == before)
            let decoded = String(
                decoding: UnsafeBufferPointer(start: buffer.bytes + range.lowerBound, count: range.count), as: UTF8.self
            )
            #expect(decoded == text)
            if count > 12 {
                // The value parser decodes into a sink of its own.
                #expect(try JSONValue.parse(literal(text)) == .string(text))
            }
            checked += 1
        }
        #expect(checked == 5_000)
    }
}
