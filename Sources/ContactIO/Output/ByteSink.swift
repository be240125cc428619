/// A destination for bytes: a file, stdout, or a compressor in front of either.
public protocol ByteSink: AnyObject {
    /// Writes all of `bytes`.
    /// - Throws: ``ContactIOError`` with kind `.writeFailed`.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Flushes everything written so far and ends the stream (a compressor writes its trailer).
    func finish() throws
}

extension ByteSink {
    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}
