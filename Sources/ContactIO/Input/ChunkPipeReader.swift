import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The reading side of a ``ChunkPipe`` whose producer runs on a thread of its own (an inflater): it copies the
/// chunks out in the sizes the reader asks for, and hands each back once it is read.
final class ChunkPipeReader {
    private let pipe: ChunkPipe
    private var current: ChunkPipe.Chunk?
    private var currentOffset = 0
    private var done = false
    private let thread: Thread

    /// Starts `produce` on a new thread named `threadName`; it fills `pipe` and finishes it.
    init(pipe: ChunkPipe, threadName: String, produce: @escaping @Sendable () -> Void) {
        self.pipe = pipe
        thread = Thread {
            Self.nameThisThread(threadName)
            produce()
        }
        thread.name = threadName
        thread.start()
    }

    /// Names the calling thread for the system too (`top -H`, /proc), which Foundation's own name is not on Linux
    /// (and `pthread_setname_np` is not imported into Swift there).
    private static func nameThisThread(_ name: String) {
        #if os(Linux)
            let comm = Glibc.open("/proc/thread-self/comm", O_WRONLY)
            guard comm >= 0 else { return }
            let bytes = Array(name.utf8.prefix(15))
            _ = Glibc.write(comm, bytes, bytes.count)
            _ = Glibc.close(comm)
        #endif
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !done, let base = buffer.baseAddress else { return 0 }
        if current == nil {
            do {
                current = try pipe.takeFull()
            } catch {
                done = true
                throw error
            }
            currentOffset = 0
            if current == nil {
                done = true
                return 0
            }
        }
        let chunk = current!
        let count = min(buffer.count, chunk.count - currentOffset)
        base.copyMemory(from: chunk.storage.baseAddress! + currentOffset, byteCount: count)
        currentOffset += count
        if currentOffset == chunk.count {
            pipe.putEmpty(chunk)
            current = nil
        }
        return count
    }

    /// Stops the producer (it sees the pipe cancelled) and ends reading.
    func close() {
        done = true
        pipe.cancel()
    }

    deinit {
        pipe.cancel()
    }
}
