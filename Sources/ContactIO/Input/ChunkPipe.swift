import Foundation

/// A bounded hand-off of byte chunks from one producer thread to one consumer thread.
///
/// A fixed pool of chunks circulates between an empty list and a full list, so the memory in flight is bounded
/// (`chunkCount * chunkSize`) and nothing is allocated per chunk. When the consumer is slower, the producer waits.
///
/// `@unchecked Sendable` is sound here: every mutable property is read and written only while `condition` is
/// locked, and a chunk's bytes are touched only by the side that has taken it off a list (producer between
/// `takeEmpty` and `putFull`, consumer between `takeFull` and `putEmpty`).
final class ChunkPipe: @unchecked Sendable {
    /// One buffer of the pool; `count` is the number of valid bytes.
    final class Chunk: @unchecked Sendable {
        let storage: UnsafeMutableRawBufferPointer
        var count = 0

        init(capacity: Int) {
            storage = .allocate(byteCount: capacity, alignment: 16)
        }

        deinit {
            storage.deallocate()
        }
    }

    private let condition = NSCondition()
    private var empty: [Chunk]
    private var full: [Chunk] = []
    private var fullHead = 0
    private var finished = false
    private var failure: ContactIOError?
    private var cancelled = false

    init(chunkCount: Int, chunkSize: Int) {
        empty = (0..<chunkCount).map { _ in Chunk(capacity: chunkSize) }
    }

    /// Producer: waits for an empty chunk; nil when the consumer has cancelled.
    func takeEmpty() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while empty.isEmpty && !cancelled {
            condition.wait()
        }
        return cancelled ? nil : empty.removeLast()
    }

    /// Producer: hands over a filled chunk.
    func putFull(_ chunk: Chunk) {
        condition.lock()
        full.append(chunk)
        condition.broadcast()
        condition.unlock()
    }

    /// Producer: the stream ended, normally (`error == nil`) or with a failure the consumer will see after the data.
    func finish(error: ContactIOError?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// Producer: whether the consumer has gone away.
    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// Consumer: waits for the next full chunk; nil at the end of the stream.
    /// - Throws: the producer's failure, once every chunk before it has been taken.
    func takeFull() throws(ContactIOError) -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while fullHead == full.count && !finished {
            condition.wait()
        }
        if fullHead < full.count {
            let chunk = full[fullHead]
            fullHead += 1
            if fullHead == full.count {
                full.removeAll(keepingCapacity: true)
                fullHead = 0
            }
            return chunk
        }
        if let failure {
            throw failure
        }
        return nil
    }

    /// Consumer: gives a chunk back to the pool.
    func putEmpty(_ chunk: Chunk) {
        chunk.count = 0
        condition.lock()
        empty.append(chunk)
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: stops the producer at its next step.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
