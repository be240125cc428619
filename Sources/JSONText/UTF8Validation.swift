/// How many bytes at `start` are ASCII before the first that is not (all `count` when all are), checked eight bytes
/// at a time.
///
/// Hand-written, with ``firstInvalidUTF8(_:count:)``, because they run on every record and ASCII is the common case.
/// They live here because JSON text must be UTF-8 and the CSV reader needs the same check: one implementation. Public
/// and inlinable so that the readers in `ContactIO` get them inlined (see ``JSONScanner``).
@inlinable @inline(__always)
public func asciiPrefix(_ start: UnsafePointer<UInt8>, count: Int) -> Int {
    var index = 0
    let raw = UnsafeRawPointer(start)
    while index + 8 <= count {
        if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
        index += 8
    }
    while index < count && start[index] < 0x80 { index += 1 }
    return index
}

/// The offset of the first byte of the first invalid UTF-8 sequence (RFC 3629: no overlongs, surrogates or values
/// past U+10FFFF), or nil when all is valid.
@inlinable
public func firstInvalidUTF8(_ start: UnsafePointer<UInt8>, count: Int) -> Int? {
    var index = asciiPrefix(start, count: count)
    let raw = UnsafeRawPointer(start)
    while index < count {
        let byte = start[index]
        if byte < 0x80 {
            index += 1
            if index + 8 <= count,
                raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
            }
            continue
        }
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch byte {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: return index
        }
        guard index + length <= count else { return index }
        let second = start[index + 1]
        guard second >= lower && second <= upper else { return index }
        for offset in 2..<length where start[index + offset] & 0xC0 != 0x80 {
            return index
        }
        index += length
    }
    return nil
}
