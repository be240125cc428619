import Foundation

/// Reads another source on a thread of its own, so that its work (transcoding, say) and parsing use both cores, as
/// gzip's inflating does.
final class ThreadedByteSource: ByteSource {
    private let reader: ChunkPipeReader

    /// Starts reading `source`, which from now on only the new thread touches.
    init(_ source: ByteSource, name: String, threadName: String) {
        let pipe = ChunkPipe(chunkCount: 4, chunkSize: 256 * 1024)
        let pump = Pump(source: source, name: name, pipe: pipe)
        reader = ChunkPipeReader(pipe: pipe, threadName: threadName) { pump.run() }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try reader.read(into: buffer)
    }

    func close() {
        reader.close()
    }
}

/// The thread's work: fill chunks from the source until it ends. `@unchecked Sendable`: the source is handed over
/// at init and used by that thread alone.
private final class Pump: @unchecked Sendable {
    let source: ByteSource
    let name: String
    let pipe: ChunkPipe

    /// A chunk with less room than this is full.
    private static let slack = 64

    init(source: ByteSource, name: String, pipe: ChunkPipe) {
        self.source = source
        self.name = name
        self.pipe = pipe
    }

    func run() {
        var failure: ContactIOError?
        while failure == nil, let chunk = pipe.takeEmpty() {
            chunk.count = 0
            // Fill the chunk, so that the reader gets large pieces; what was read before a failure reaches it first.
            do {
                // Stops short of the end: a transcoder needs room for a whole character to write anything.
                while chunk.storage.count - chunk.count >= Self.slack {
                    let read = try source.read(
                        into: UnsafeMutableRawBufferPointer(rebasing: chunk.storage[chunk.count...]))
                    if read == 0 { break }
                    chunk.count += read
                }
            } catch let error as ContactIOError {
                failure = error
            } catch {
                failure = ContactIOError(.readFailed, file: name, message: "\(error)")
            }
            let full = chunk.storage.count - chunk.count < Self.slack
            if chunk.count > 0 { pipe.putFull(chunk) }
            if !full { break }
        }
        pipe.finish(error: failure)
        source.close()
    }
}
