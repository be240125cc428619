/// A byte-level JSON scanner: validates and decodes JSON text straight from a buffer.
///
/// Hand-written because NDJSON import must run several times faster than Foundation's parser one line at a time:
/// it decodes strings (every escape, surrogate pairs) into a reused ``JSONByteSink`` and keeps nested values as
/// their validated text instead of building objects. The input must already be valid UTF-8.
///
/// Public and inlinable, although only this package's readers use it, so that the NDJSON reader in `ContactIO` gets
/// it inlined and specialised for its record buffer: `package` declarations were not inlined across modules by the
/// toolchain here, and the NDJSON reader ran 25 % slower.
@frozen
public struct JSONScanner {
    public let base: UnsafePointer<UInt8>
    public let end: Int
    public var position: Int
    /// The words of string text the scanner read, OR-ed: no top bit set means every string it passed was ASCII, so
    /// a reader that got a valid parse needs no UTF-8 check of the line (bytes above ASCII outside strings are
    /// syntax errors). It may hold bytes past a string's end (a word is read whole), never fewer.
    public var stringBits: UInt64 = 0

    /// Nesting deeper than this is refused, so that a hostile line cannot exhaust the stack.
    public static let maxDepth = 512

    @inlinable
    public init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        end = count
        position = 0
    }

    @inlinable @inline(__always)
    public var atEnd: Bool { position >= end }

    @inlinable @inline(__always)
    public var peek: UInt8 { base[position] }

    @inlinable
    public func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, message: message)
    }

    /// The top bit of each byte of `word` (read little-endian) that ends a run inside a string: the quote, the
    /// backslash or a control character. A borrow can set it also in bytes above a true one, never below, so the
    /// lowest set bit is the first stop.
    @inlinable @inline(__always)
    static func stringStops(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let stops = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
        return stops & 0x8080_8080_8080_8080
    }

    /// Whether `byte` ends a run inside a string, as ``stringStops(in:)`` finds in words: a byte that JSON text must
    /// escape in a string.
    @inlinable @inline(__always)
    public static func isStringStop(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C
    }

    /// The eight bytes at `offset` from `base`, little-endian.
    @inlinable @inline(__always)
    static func word(_ base: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
    }

    /// Moves to the next byte that ends a run inside a string (``stringStops(in:)``), or to the end: eight bytes at a
    /// time while none of them is one.
    ///
    /// By hand because this loop is most of reading NDJSON, and byte by byte through a table (a global array, whose
    /// access went through `swift_once` on every string) it was half of the reader's time.
    @inlinable @inline(__always)
    mutating func skipToStringStop() {
        while position + 8 <= end {
            let word = Self.word(base, position)
            stringBits |= word
            let stops = Self.stringStops(in: word)
            if stops != 0 {
                position += stops.trailingZeroBitCount >> 3
                return
            }
            position += 8
        }
        while position < end {
            let byte = base[position]
            stringBits |= UInt64(byte)
            if Self.isStringStop(byte) { return }
            position += 1
        }
    }

    /// ``skipToStringStop()`` that also appends the bytes it passes to `buffer`, a word at a time as it reads them.
    ///
    /// Into room the sink lends, up to 4 KB of the line at a time, with the position, the count and ``stringBits``
    /// in locals until the stop: kept in the scanner and the sink, each was stored and loaded again for every word,
    /// as a store through the sink's pointer may change them for all the compiler knows.
    @inlinable @inline(__always)
    mutating func copyToStringStop<Sink: JSONByteSink>(into buffer: Sink) {
        let base = self.base
        let end = self.end
        var at = position
        var bits: UInt64 = 0
        var stopped = false
        while !stopped {
            let chunkEnd = at + min(end - at, 4096)
            // Eight more than the chunk: the last word is stored whole.
            buffer.write(upTo: chunkEnd - at + 8) { out in
                var written = 0
                while at + 8 <= chunkEnd {
                    let word = Self.word(base, at)
                    bits |= word
                    UnsafeMutableRawPointer(out + written).storeBytes(of: word.littleEndian, as: UInt64.self)
                    let stops = Self.stringStops(in: word)
                    if stops != 0 {
                        let count = stops.trailingZeroBitCount >> 3
                        at += count
                        stopped = true
                        return written + count
                    }
                    written += 8
                    at += 8
                }
                // The line goes on: its next chunk starts with the bytes short of a word here.
                if chunkEnd < end { return written }
                while at < end {
                    let byte = base[at]
                    bits |= UInt64(byte)
                    if Self.isStringStop(byte) { break }
                    out[written] = byte
                    written += 1
                    at += 1
                }
                stopped = true
                return written
            }
        }
        position = at
        stringBits |= bits
    }

    /// Past spaces, tabs and line breaks. Most JSON has none between its tokens: one comparison tells, where the loop's
    /// four were the cost (the NDJSON reader calls this four times a member).
    @inlinable @inline(__always)
    public mutating func skipWhitespace() {
        guard position < end, base[position] <= 0x20 else { return }
        while position < end {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    @inlinable
    public mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard position < end else { throw error("unexpected end of line, expected \(what)") }
        guard base[position] == byte else { throw error("expected \(what)") }
        position += 1
    }

    // MARK: Strings

    /// Decodes the string at the current `"` into `buffer`; returns the byte range of the decoded text.
    @inlinable
    public mutating func decodeString<Sink: JSONByteSink>(into buffer: Sink) throws(JSONSyntaxError) -> Range<Int> {
        position += 1  // the opening quote
        let start = buffer.byteCount
        while true {
            copyToStringStop(into: buffer)
            guard position < end else { throw error("unterminated string") }
            let byte = base[position]
            if byte == 0x22 {
                position += 1
                return start..<buffer.byteCount
            }
            if byte < 0x20 {
                throw error("control character in a string must be escaped")
            }
            try decodeEscape(into: buffer)
        }
    }

    @inlinable
    mutating func decodeEscape<Sink: JSONByteSink>(into buffer: Sink) throws(JSONSyntaxError) {
        position += 1  // the backslash
        guard position < end else { throw error("unterminated escape") }
        let byte = base[position]
        position += 1
        switch byte {
        case 0x22, 0x5C, 0x2F: buffer.append(byte)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = try decodeUnicodeEscape()
            appendUTF8(scalar, to: buffer)
        default:
            position -= 1
            throw error("invalid escape '\\\(Character(Unicode.Scalar(byte)))'")
        }
    }

    /// Decodes `XXXX` after `\u`, joining a surrogate pair; lone surrogates are errors (as in Foundation).
    @inlinable
    mutating func decodeUnicodeEscape() throws(JSONSyntaxError) -> UInt32 {
        let first = try hex4()
        if first >= 0xDC00 && first <= 0xDFFF {
            throw error("unpaired low surrogate in \\u escape")
        }
        guard first >= 0xD800 && first <= 0xDBFF else { return first }
        guard position + 1 < end, base[position] == 0x5C, base[position + 1] == UInt8(ascii: "u") else {
            throw error("high surrogate not followed by a low surrogate")
        }
        position += 2
        let second = try hex4()
        guard second >= 0xDC00 && second <= 0xDFFF else {
            throw error("high surrogate not followed by a low surrogate")
        }
        return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
    }

    @inlinable
    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= end else { throw error("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    @inlinable
    func appendUTF8<Sink: JSONByteSink>(_ scalar: UInt32, to buffer: Sink) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | scalar >> 6))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | scalar >> 12))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        default:
            buffer.append(UInt8(0xF0 | scalar >> 18))
            buffer.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Validates the string at the current `"` without decoding it.
    @inlinable
    public mutating func skipString() throws(JSONSyntaxError) {
        position += 1
        while true {
            skipToStringStop()
            guard position < end else { throw error("unterminated string") }
            let byte = base[position]
            if byte == 0x22 {
                position += 1
                return
            }
            if byte < 0x20 {
                throw error("control character in a string must be escaped")
            }
            position += 1
            guard position < end else { throw error("unterminated escape") }
            switch base[position] {
            case 0x22, 0x5C, 0x2F, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"),
                UInt8(ascii: "t"):
                position += 1
            case UInt8(ascii: "u"):
                position += 1
                _ = try decodeUnicodeEscape()
            default:
                throw error("invalid escape '\\\(Character(Unicode.Scalar(base[position])))'")
            }
        }
    }

    // MARK: Numbers and literals

    /// Validates the number at the current position (JSON grammar, no leading zeros or `+`).
    @inlinable
    public mutating func skipNumber() throws(JSONSyntaxError) {
        if position < end && base[position] == UInt8(ascii: "-") { position += 1 }
        guard position < end, isDigit(base[position]) else { throw error("invalid number") }
        if base[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < end && isDigit(base[position]) { position += 1 }
        }
        if position < end && base[position] == UInt8(ascii: ".") {
            position += 1
            guard position < end, isDigit(base[position]) else {
                throw error("invalid number: digit expected after '.'")
            }
            while position < end && isDigit(base[position]) { position += 1 }
        }
        if position < end && (base[position] | 0x20) == UInt8(ascii: "e") {
            position += 1
            if position < end && (base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-")) {
                position += 1
            }
            guard position < end, isDigit(base[position]) else {
                throw error("invalid number: digit expected in the exponent")
            }
            while position < end && isDigit(base[position]) { position += 1 }
        }
    }

    @inlinable @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// Consumes `true`, `false` or `null`; returns `nil` for `null`, else the boolean.
    @inlinable
    public mutating func skipLiteral() throws(JSONSyntaxError) -> Bool? {
        if matches("true") {
            position += 4
            return true
        }
        if matches("false") {
            position += 5
            return false
        }
        if matches("null") {
            position += 4
            return nil
        }
        throw error("invalid literal")
    }

    @inlinable
    func matches(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= end else { return false }
        let letters = word.utf8Start
        for index in 0..<count where base[position + index] != letters[index] {
            return false
        }
        return true
    }

    // MARK: Whole values

    /// Validates any value at the current position, nested objects and arrays included.
    @inlinable
    public mutating func skipValue(depth: Int = 0) throws(JSONSyntaxError) {
        guard position < end else { throw error("unexpected end of line, expected a value") }
        switch base[position] {
        case 0x22:
            try skipString()
        case UInt8(ascii: "{"):
            try skipContainer(close: UInt8(ascii: "}"), depth: depth, keyed: true)
        case UInt8(ascii: "["):
            try skipContainer(close: UInt8(ascii: "]"), depth: depth, keyed: false)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            _ = try skipLiteral()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
        default:
            throw error("expected a value")
        }
    }

    @inlinable
    mutating func skipContainer(close: UInt8, depth: Int, keyed: Bool) throws(JSONSyntaxError) {
        guard depth < JSONScanner.maxDepth else { throw error("nesting deeper than \(JSONScanner.maxDepth) levels") }
        position += 1
        skipWhitespace()
        if position < end && base[position] == close {
            position += 1
            return
        }
        while true {
            if keyed {
                guard position < end, base[position] == 0x22 else { throw error("expected a string key") }
                try skipString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':' after the key")
                skipWhitespace()
            }
            try skipValue(depth: depth + 1)
            skipWhitespace()
            guard position < end else { throw error("unexpected end of line inside a nested value") }
            let byte = base[position]
            position += 1
            if byte == close { return }
            guard byte == UInt8(ascii: ",") else {
                position -= 1
                throw error(keyed ? "expected ',' or '}'" : "expected ',' or ']'")
            }
            skipWhitespace()
        }
    }
}
