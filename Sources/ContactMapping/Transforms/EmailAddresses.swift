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
    /// but `@`, `;` and DEL needs no decision, and eight bytes at a time are passed while none of them does (this
    /// check runs on every row of a nightly run, where byte by byte it was a sixteenth of validating).
    public static func isPlausible(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var at = -1
        var lastDot = -1
        var index = 0
        let count = bytes.count
        while index < count {
            while index + 8 <= count {
                let stops = decisions(in: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                if stops != 0 {
                    index += stops.trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
            guard index < count else { break }
            let byte = base[index]
            if byte > UInt8(ascii: ".") && byte != UInt8(ascii: "@") && byte != UInt8(ascii: ";") && byte != 0x7F {
                index += 1
                continue
            }
            let previous = index > 0 ? base[index - 1] : 0
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
            index += 1
        }
        return count <= 254 && at > 0 && lastDot > at + 1 && lastDot < count - 1
    }

    /// The top bit of each byte of `word` (little-endian) that needs a decision: `.` or below (ASCII), `@`, `;` or
    /// DEL. A borrow can also set it in bytes above a true one, never below: the lowest set bit is the first.
    @inline(__always)
    private static func decisions(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        func equal(_ byte: UInt8) -> UInt64 {
            let x = word ^ (ones &* UInt64(byte))
            return (x &- ones) & ~x
        }
        let low = (word &- ones &* 0x2F) & ~word
        return (low | equal(UInt8(ascii: "@")) | equal(UInt8(ascii: ";")) | equal(0x7F)) & 0x8080_8080_8080_8080
    }
}
