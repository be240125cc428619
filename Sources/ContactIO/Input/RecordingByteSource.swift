/// A source that keeps a copy of the bytes it hands out, so that a stream that cannot be read twice (standard input)
/// can be looked at ahead and then read from its start again (``replay()``).
public final class RecordingByteSource: ByteSource {
    private let source: ByteSource
    /// The bytes read so far, while ``recorded`` is at most the limit.
    public private(set) var recorded: [UInt8] = []
    private let limit: Int
    /// Whether more than the limit was read: the copy is incomplete and the stream cannot be replayed.
    public private(set) var overflowed = false
    /// What ended the source while looking ahead: the replay ends with it too, after the recorded bytes.
    private var failure: Error?

    /// - Parameter limit: the most bytes kept; reading more sets ``overflowed``.
    public init(_ source: ByteSource, limit: Int) {
        self.source = source
        self.limit = limit
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        // Past the limit the look ahead is over: reading stops, as at the end of the stream.
        guard !overflowed else { return 0 }
        let count: Int
        do {
            count = try source.read(into: buffer)
        } catch {
            failure = error
            throw error
        }
        guard recorded.count + count <= limit else {
            overflowed = true
            recorded.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            return 0
        }
        recorded.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        return count
    }

    public func close() {}

    /// The stream from its first byte again: what was recorded, then the rest of the source (or the failure that
    /// ended it).
    public func replay() -> ByteSource {
        PrefixedByteSource(prefix: recorded, rest: source, failure: failure)
    }
}
