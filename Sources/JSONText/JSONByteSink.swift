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
}
