/// The spellings of true and false that spreadsheets and CRMs produce.
public enum Booleans {
    /// The boolean `text` spells, in any case, or nil when it spells neither.
    public static func parse(_ text: String) -> Bool? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// The boolean the bytes spell, ASCII letters in any case (anything else spells neither).
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard bytes.count <= 9 else { return nil }
        var word = ""
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            word.unicodeScalars.append(Unicode.Scalar(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte))
        }
        switch word {
        case "true", "t", "yes", "y", "1", "on", "x", "checked": return true
        case "false", "f", "no", "n", "0", "off", "unchecked": return false
        default: return nil
        }
    }
}
