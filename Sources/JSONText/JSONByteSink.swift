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
    /// Lets `body` write up to `count` bytes in place, then keeps as many as it returns.
    func write(upTo count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int)
}

extension JSONByteSink {
    /// Through a temporary buffer; a sink with room of its own lends it instead.
    @inlinable
    public func write(upTo count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(count, 1)) { room in
            let written = body(room.baseAddress!)
            append(room.baseAddress!, count: written)
        }
    }
}
