#if canImport(Glibc)
    import Glibc
#endif

/// Turns the bytes of a source in another encoding into UTF-8 as they are read, with glibc's iconv.
///
/// A byte sequence that is not valid in the source encoding (a byte Windows-1252 leaves undefined, a lone UTF-16
/// surrogate, a truncated character at the end) becomes the byte 0xFF, which is never valid UTF-8: the reader then
/// treats the row as it treats any invalid UTF-8 (``InvalidUTF8Policy``: a row error naming the line and field, or
/// a counted and reported U+FFFD), so that nothing is replaced silently.
final class TranscodingByteSource: ByteSource {
    private let source: ByteSource
    private let converter: iconv_t
    private let encoding: TextEncoding
    /// The bytes skipped after an invalid sequence: one code unit.
    private let unit: Int
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 64 * 1024
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceDone = false
    private var closed = false

    /// - Throws: ``ContactIOError`` when iconv cannot convert from `encoding` on this system.
    init(source: ByteSource, encoding: TextEncoding, name: String) throws {
        let converter = iconv_open("UTF-8", encoding.name)
        guard converter != iconv_t(bitPattern: -1) else {
            throw ContactIOError(
                .invalidArgument, file: name, message: "this system cannot convert from \(encoding) to UTF-8")
        }
        self.source = source
        self.converter = converter!
        self.encoding = encoding
        unit = encoding.name.hasPrefix("UTF-16") ? 2 : 1
        input = .allocate(capacity: inputCapacity)
    }

    deinit {
        iconv_close(converter)
        input.deallocate()
    }

    /// Converted bytes that did not fit the caller's buffer.
    private var pending: [UInt8] = []
    private var pendingOffset = 0

    /// Reads converted bytes; 0 only at the end, whatever the size of `buffer` (a buffer with room for less than a
    /// character is served from a small scratch).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !closed, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if pendingOffset < pending.count {
            let count = min(buffer.count, pending.count - pendingOffset)
            pending.withUnsafeBytes { base.copyMemory(from: $0.baseAddress! + pendingOffset, byteCount: count) }
            pendingOffset += count
            return count
        }
        guard buffer.count < 16 else { return try convert(into: buffer) }
        var scratch = [UInt8](repeating: 0, count: 64)
        let converted = try scratch.withUnsafeMutableBytes { try convert(into: $0) }
        pending = Array(scratch.prefix(converted))
        pendingOffset = 0
        return converted == 0 ? 0 : try read(into: buffer)
    }

    /// Converts into `buffer`, which has room for at least one character (16 bytes).
    private func convert(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var written = 0
        while written == 0 {
            if inputStart == inputEnd {
                guard try refill() else { return 0 }
            }
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(input + inputStart)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = inputEnd - inputStart
            var outPointer: UnsafeMutablePointer<CChar>? = (base + written).assumingMemoryBound(to: CChar.self)
            var outLeft = buffer.count - written
            let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
            let failure = result == -1 ? errno : 0
            inputStart = inputEnd - inLeft
            written = buffer.count - outLeft
            switch failure {
            case 0, E2BIG:
                break
            case EINVAL:
                // A character cut by the end of the bytes read so far: read more, or mark it if there is no more.
                if try !refill() {
                    base.storeBytes(of: 0xFF, toByteOffset: written, as: UInt8.self)
                    written += 1
                    inputStart = inputEnd
                }
            default:
                // EILSEQ: not a character of the source encoding. Leave a byte that is never UTF-8, skip one unit.
                guard buffer.count - written >= 1 else { return written }
                base.storeBytes(of: 0xFF, toByteOffset: written, as: UInt8.self)
                written += 1
                inputStart = min(inputEnd, inputStart + unit)
            }
        }
        return written
    }

    /// Keeps the unconverted bytes and reads more after them; false when the source has no more.
    private func refill() throws -> Bool {
        guard !sourceDone else { return false }
        let left = inputEnd - inputStart
        if left > 0 && inputStart > 0 {
            memmove(input, input + inputStart, left)
        }
        inputStart = 0
        inputEnd = left
        let count = try source.read(
            into: UnsafeMutableRawBufferPointer(start: input + inputEnd, count: inputCapacity - inputEnd))
        if count == 0 {
            sourceDone = true
            return false
        }
        inputEnd += count
        return true
    }

    func close() {
        closed = true
        source.close()
    }
}
