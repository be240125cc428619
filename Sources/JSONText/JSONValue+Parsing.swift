extension JSONValue {
    /// Parses one JSON text (any value at the top level, surrounded by optional whitespace).
    /// - Throws: ``JSONSyntaxError`` with the byte offset, or for invalid UTF-8.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try parse(bytes, recordingRangesOf: nil).value
    }

    /// Parses one JSON text, and finds where each element of the top-level object's array `member` is in `bytes`.
    ///
    /// A page of contacts is written out as Intercom sent each one (NDJSON export): copying those bytes is a tenth of
    /// the cost of encoding the parsed values again.
    /// - Returns: the value, and the byte ranges of the elements (empty when there is no such array).
    /// - Throws: ``JSONSyntaxError`` with the byte offset, or for invalid UTF-8.
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, elementRangesOf member: String
    ) throws(JSONSyntaxError) -> (value: JSONValue, ranges: [Range<Int>]) {
        try parse(bytes, recordingRangesOf: member)
    }

    private static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, recordingRangesOf member: String?
    ) throws(JSONSyntaxError) -> (value: JSONValue, ranges: [Range<Int>]) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONSyntaxError(offset: 0, message: "empty input, expected a value")
        }
        if let bad = firstInvalidUTF8(base, count: bytes.count) {
            throw JSONSyntaxError(offset: bad, message: "invalid UTF-8")
        }
        var parser = JSONValueParser(scanner: JSONScanner(base: base, count: bytes.count))
        parser.rangesOf = member
        parser.scanner.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.scanner.skipWhitespace()
        guard parser.scanner.atEnd else { throw parser.scanner.error("unexpected text after the value") }
        return (value, parser.ranges)
    }

    /// Parses one JSON text from a string.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        return try text.withUTF8 { bytes in Result { () throws(JSONSyntaxError) in try parse(bytes) } }.get()
    }

    /// Parses one JSON text from bytes.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in Result { () throws(JSONSyntaxError) in try parse(buffer) } }.get()
    }
}

/// Builds ``JSONValue`` trees on top of ``JSONScanner``, decoding strings through one scratch buffer.
private struct JSONValueParser {
    var scanner: JSONScanner
    let scratch = JSONScratch()
    /// The member of the top-level object whose array elements' byte ranges go to `ranges`.
    var rangesOf: String?
    var ranges: [Range<Int>] = []

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard !scanner.atEnd else { throw scanner.error("unexpected end of input, expected a value") }
        switch scanner.peek {
        case 0x22:
            return .string(try parseString())
        case UInt8(ascii: "{"):
            return .object(try parseObject(depth: depth))
        case UInt8(ascii: "["):
            return .array(try parseArray(depth: depth))
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return try scanner.skipLiteral().map(JSONValue.bool) ?? .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = scanner.position
            try scanner.skipNumber()
            return .number(
                String(
                    decoding: UnsafeBufferPointer(start: scanner.base + start, count: scanner.position - start),
                    as: UTF8.self))
        default:
            throw scanner.error("expected a value")
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        scratch.reset()
        _ = try scanner.decodeString(into: scratch)
        return scratch.text
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONObject {
        guard depth < JSONScanner.maxDepth else {
            throw scanner.error("nesting deeper than \(JSONScanner.maxDepth) levels")
        }
        scanner.position += 1
        scanner.skipWhitespace()
        var members: [JSONObject.Member] = []
        if !scanner.atEnd && scanner.peek == UInt8(ascii: "}") {
            scanner.position += 1
            return JSONObject(members)
        }
        while true {
            guard !scanner.atEnd, scanner.peek == 0x22 else { throw scanner.error("expected a string key") }
            let key = try parseString()
            scanner.skipWhitespace()
            try scanner.expect(UInt8(ascii: ":"), "':' after the key")
            scanner.skipWhitespace()
            if depth == 0, key == rangesOf, !scanner.atEnd, scanner.peek == UInt8(ascii: "[") {
                members.append(JSONObject.Member(key: key, value: .array(try parseArray(depth: 1, recording: true))))
            } else {
                members.append(JSONObject.Member(key: key, value: try parseValue(depth: depth + 1)))
            }
            scanner.skipWhitespace()
            guard !scanner.atEnd else { throw scanner.error("unexpected end of input, expected ',' or '}'") }
            let byte = scanner.peek
            scanner.position += 1
            if byte == UInt8(ascii: "}") { return JSONObject(members) }
            guard byte == UInt8(ascii: ",") else {
                scanner.position -= 1
                throw scanner.error("expected ',' or '}'")
            }
            scanner.skipWhitespace()
        }
    }

    private mutating func parseArray(depth: Int, recording: Bool = false) throws(JSONSyntaxError) -> [JSONValue] {
        guard depth < JSONScanner.maxDepth else {
            throw scanner.error("nesting deeper than \(JSONScanner.maxDepth) levels")
        }
        scanner.position += 1
        scanner.skipWhitespace()
        var elements: [JSONValue] = []
        if !scanner.atEnd && scanner.peek == UInt8(ascii: "]") {
            scanner.position += 1
            return elements
        }
        while true {
            let start = scanner.position
            elements.append(try parseValue(depth: depth + 1))
            if recording { ranges.append(start..<scanner.position) }
            scanner.skipWhitespace()
            guard !scanner.atEnd else { throw scanner.error("unexpected end of input, expected ',' or ']'") }
            let byte = scanner.peek
            scanner.position += 1
            if byte == UInt8(ascii: "]") { return elements }
            guard byte == UInt8(ascii: ",") else {
                scanner.position -= 1
                throw scanner.error("expected ',' or ']'")
            }
            scanner.skipWhitespace()
        }
    }
}
