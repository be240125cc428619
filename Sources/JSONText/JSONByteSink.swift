/// Where ``JSONScanner`` writes the bytes of the strings it decodes.
///
/// A protocol, not a buffer type of this module, so that the NDJSON reader decodes straight into its own record
/// buffer, without a copy through a second buffer.
public protocol JSONByteSink {
    /// The number of bytes written so far.
    var byteCount: Int { get }
    /// Appends one byte.
    func append(_ byte: UInt8)
    /// Appends `count` bytes from `start`.
    func append(_ start: UnsafePointer<UInt8>, count: Int)
    /// Appends the first `count` (0 to 8) bytes of `word`, in memory order (little-endian).
    func appendWord(_ word: UInt64, count: Int)
}

extension JSONByteSink {
    /// Byte by byte; a sink with room to spare writes the whole word at once instead.
    @inlinable
    public func appendWord(_ word: UInt64, count: Int) {
        var word = word.littleEndian
        withUnsafeBytes(of: &word) { append($0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count) }
    }
}
