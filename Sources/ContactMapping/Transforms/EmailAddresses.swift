/// A practical email check (not a full RFC 5322 parser): one `@`, a local part, a dotted domain, no spaces.
public enum EmailAddresses {
    /// Whether `email` looks like an address a mail server would take.
    public static func isPlausible(_ email: String) -> Bool {
        isPlausible(bytes: email.utf8)
    }

    /// The same check on bytes (case does not matter to it).
    public static func isPlausible(bytes: some Sequence<UInt8>) -> Bool {
        if let verdict = bytes.withContiguousStorageIfAvailable({ isPlausible(bytes: $0) }) { return verdict }
        return Array(bytes).withUnsafeBufferPointer { isPlausible(bytes: $0) }
    }

    /// The same check on a buffer, with a fast path for the bytes most addresses are made of: every byte above `.`
    /// but `@`, `;` and DEL needs no decision (this check runs up to four times on every row of a nightly run).
    public static func isPlausible(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var at = -1
        var lastDot = -1
        var previous: UInt8 = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte > UInt8(ascii: ".") && byte != UInt8(ascii: "@") && byte != UInt8(ascii: ";") && byte != 0x7F {
                previous = byte
                index += 1
                continue
            }
            switch byte {
            case 0...0x20, UInt8(ascii: ","):
                return false
            case UInt8(ascii: ";"), 0x7F:
                return false
            case UInt8(ascii: "@"):
                guard at < 0 else { return false }
                at = index
            case UInt8(ascii: "."):
                if previous == UInt8(ascii: ".") { return false }
                if at >= 0 {
                    if previous == UInt8(ascii: "@") { return false }
                    lastDot = index
                }
            default:
                break
            }
            previous = byte
            index += 1
        }
        return count <= 254 && at > 0 && lastDot > at + 1 && lastDot < count - 1
    }
}
