import JSONText

/// Decides the encoding of text from its first bytes: byte order marks, UTF-16 by its zero bytes, and UTF-8 versus
/// Windows-1252 by whether the non-ASCII bytes form valid UTF-8.
///
/// Windows-1252 is the fallback for bytes that are not UTF-8 because it is what Excel on Windows writes for "CSV" in
/// Western locales and every byte sequence decodes in it (the five bytes it leaves undefined become row errors, see
/// ``TranscodingByteSource``). Text that is valid UTF-8 is almost never Windows-1252 by accident: that would take
/// pairs like `Ã©` throughout.
enum EncodingSniffer {
    /// What the first bytes say.
    enum Verdict: Equatable {
        /// A byte order mark of `length` bytes, to skip, announcing `encoding`.
        case byteOrderMark(TextEncoding, length: Int)
        /// UTF-16 without a byte order mark, recognised by its zero bytes.
        case utf16(TextEncoding)
        /// Non-ASCII text, all valid UTF-8.
        case utf8
        /// Bytes that are not UTF-8 (the offset of the first).
        case notUTF8(offset: Int)
        /// Only ASCII bytes.
        case ascii
    }

    /// The verdict on `bytes`, the start of the text (or all of it, when `complete`).
    static func sniff(_ bytes: UnsafeBufferPointer<UInt8>, complete: Bool) -> Verdict {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return .ascii }
        let count = bytes.count
        if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            return .byteOrderMark(.utf8, length: 3)
        }
        if count >= 2 && base[0] == 0xFF && base[1] == 0xFE { return .byteOrderMark(.utf16LE, length: 2) }
        if count >= 2 && base[0] == 0xFE && base[1] == 0xFF { return .byteOrderMark(.utf16BE, length: 2) }
        if let utf16 = utf16ByZeros(base, count: count) { return .utf16(utf16) }
        return utf8Verdict(base, count: count, complete: complete)
    }

    /// Whether the non-ASCII bytes of `base[0..<count]` are UTF-8. A character cut by the end of an incomplete
    /// window does not count against it.
    static func utf8Verdict(_ base: UnsafePointer<UInt8>, count: Int, complete: Bool) -> Verdict {
        let ascii = asciiPrefix(base, count: count)
        if ascii == count { return .ascii }
        guard let bad = firstInvalidUTF8(base + ascii, count: count - ascii).map({ $0 + ascii }) else { return .utf8 }
        if !complete && bad >= count - 3 && isCutCharacter(base + bad, count: count - bad) { return .utf8 }
        return .notUTF8(offset: bad)
    }

    /// True when `count` bytes are the start of a UTF-8 character that the window's end cut.
    private static func isCutCharacter(_ start: UnsafePointer<UInt8>, count: Int) -> Bool {
        let lead = start[0]
        let length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead <= 0xDF ? 2 : 0
        guard length > count else { return false }
        return (1..<count).allSatisfy { start[$0] & 0xC0 == 0x80 }
    }

    /// UTF-16 text that is mostly ASCII has a zero in every other byte; text in an 8-bit encoding has none.
    private static func utf16ByZeros(_ base: UnsafePointer<UInt8>, count: Int) -> TextEncoding? {
        let pairs = min(count, 4096) / 2
        guard pairs >= 2 else { return nil }
        var evenZeros = 0
        var oddZeros = 0
        for pair in 0..<pairs {
            if base[2 * pair] == 0 { evenZeros += 1 }
            if base[2 * pair + 1] == 0 { oddZeros += 1 }
        }
        if oddZeros * 10 >= pairs * 3 && evenZeros * 20 < pairs { return .utf16LE }
        if evenZeros * 10 >= pairs * 3 && oddZeros * 20 < pairs { return .utf16BE }
        return nil
    }
}
