#if canImport(Glibc)
    import Glibc
#endif

/// A window of bytes read from a ``ByteSource``, refilled in place; the readers parse straight out of it.
///
/// A read failure (corrupt gzip, I/O error) does not throw at once: it is kept in ``failure`` and shows as the end
/// of the data, so that the reader can still deliver every complete record before it and then throw.
///
/// Its hot stored properties are `@exclusivity(unchecked)`: Swift's dynamic exclusivity checks on them cost 2.5x in
/// the read loop (measured in benchmarks/RESULTS.md). That is safe because a reader and its buffers are used by one
/// thread at a time and no code here passes these properties `inout` while also reading them.
final class InputBuffer {
    let source: ByteSource
    @exclusivity(unchecked) private(set) var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var capacity: Int
    /// Unconsumed bytes are `bytes[start..<end]`.
    @exclusivity(unchecked) var start = 0
    @exclusivity(unchecked) private(set) var end = 0
    @exclusivity(unchecked) private(set) var atEnd = false
    private(set) var failure: Error?
    /// Bytes delivered by the source so far (after decompression).
    @exclusivity(unchecked) private(set) var totalRead = 0

    init(source: ByteSource, capacity: Int) {
        self.source = source
        self.capacity = capacity
        bytes = .allocate(capacity: capacity)
    }

    deinit {
        bytes.deallocate()
    }

    var available: Int { end - start }

    /// Moves the unconsumed bytes to the front and reads more after them.
    /// - Returns: false when no byte was added: the end of the stream, a failure, or a full buffer.
    @discardableResult
    func refill() -> Bool {
        if start > 0 {
            if end > start {
                memmove(bytes, bytes + start, end - start)
            }
            end -= start
            start = 0
        }
        guard !atEnd, end < capacity else { return false }
        do {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(start: bytes + end, count: capacity - end))
            if count == 0 {
                atEnd = true
                return false
            }
            end += count
            totalRead += count
            return true
        } catch {
            failure = error
            atEnd = true
            return false
        }
    }

    /// Reads until at least `count` bytes are available or the stream ends.
    func fill(atLeast count: Int) {
        while available < min(count, capacity) && refill() {}
    }

    /// Steps over a UTF-8 byte order mark at the start of the data, if there is one.
    func skipByteOrderMark() {
        fill(atLeast: 3)
        if available >= 3 && bytes[start] == 0xEF && bytes[start + 1] == 0xBB && bytes[start + 2] == 0xBF {
            start += 3
        }
    }

    /// Doubles the buffer (for a line longer than it), keeping the unconsumed bytes.
    func grow() {
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        grown.update(from: bytes + start, count: end - start)
        bytes.deallocate()
        bytes = grown
        end -= start
        start = 0
        capacity *= 2
    }

    /// Gives back the capacity of a grown buffer once a long line has been consumed.
    func shrink(to initialCapacity: Int) {
        guard capacity > initialCapacity, available <= initialCapacity else { return }
        let shrunk = UnsafeMutablePointer<UInt8>.allocate(capacity: initialCapacity)
        shrunk.update(from: bytes + start, count: end - start)
        bytes.deallocate()
        bytes = shrunk
        end -= start
        start = 0
        capacity = initialCapacity
    }

    /// A source that gives the buffered bytes again and then the rest of the stream, for a wrapper that needs to
    /// re-read them (an inflater, a transcoder); the buffer is emptied. A failure the buffer has kept (a truncated
    /// gzip member met while sniffing) comes after those bytes, as it would have here: the wrapper's reader must end
    /// with it, not with a quiet end of the data.
    func takeReplay() -> PrefixedByteSource {
        let taken = Array(UnsafeBufferPointer(start: bytes + start, count: end - start))
        start = 0
        end = 0
        return PrefixedByteSource(prefix: taken, rest: source, failure: failure)
    }
}

/// Replays bytes already read (while sniffing) before the rest of the underlying source.
final class PrefixedByteSource: ByteSource {
    private var prefix: [UInt8]
    private var offset = 0
    private let rest: ByteSource
    private let failure: Error?

    /// - Parameter failure: what ended `rest` already, thrown after the prefix in place of reading it again.
    init(prefix: [UInt8], rest: ByteSource, failure: Error? = nil) {
        self.prefix = prefix
        self.rest = rest
        self.failure = failure
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if offset < prefix.count {
            let count = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { bytes in
                buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            }
            offset += count
            if offset == prefix.count {
                prefix = []
                offset = 0
                return count
            }
            return count
        }
        if let failure { throw failure }
        return try rest.read(into: buffer)
    }

    func close() {
        rest.close()
    }
}
