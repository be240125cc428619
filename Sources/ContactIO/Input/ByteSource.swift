/// A stream of bytes that a reader pulls from: a file, stdin, or a decompressor in front of either.
///
/// Sources are used by one reader on one thread; they are classes so that wrappers can share and close them.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer` and returns how many; 0 only at the end of the stream.
    /// - Throws: ``ContactIOError`` when the stream cannot be read or is corrupt; every byte before the
    ///   problem has been returned by earlier calls.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int

    /// Releases the underlying file or thread early; reading after `close()` returns 0.
    func close()
}
