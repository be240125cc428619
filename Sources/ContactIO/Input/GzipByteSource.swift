import CSystemZlib
import Foundation

/// Inflates a gzip stream on a thread of its own, so that decompression and parsing use both cores.
///
/// Reads every member of a multi-member file (`cat a.gz b.gz`). A corrupt or truncated stream ends with a
/// ``ContactIOError`` that names the file and the compressed byte offset, after all bytes inflated before it.
public final class GzipByteSource: ByteSource {
    private let reader: ChunkPipeReader

    /// Starts inflating `compressed` in the background.
    /// - Parameters:
    ///   - compressed: the gzip bytes; the source is read only by the inflating thread from now on.
    ///   - name: the file name for messages.
    ///   - chunkSize: the size of each decompressed chunk handed to the reader.
    public init(compressed: ByteSource, name: String, chunkSize: Int = 256 * 1024) {
        let pipe = ChunkPipe(chunkCount: 4, chunkSize: chunkSize)
        let inflater = Inflater(source: UncheckedSource(compressed), name: name, pipe: pipe)
        reader = ChunkPipeReader(pipe: pipe, threadName: "gzip-inflate") { inflater.run() }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try reader.read(into: buffer)
    }

    public func close() {
        reader.close()
    }
}

/// Moves a source to the inflating thread, which is then its only user.
///
/// `@unchecked Sendable` is sound because ``GzipByteSource`` hands the source over at init and never touches it
/// again; only the inflating thread reads it.
private struct UncheckedSource: @unchecked Sendable {
    let source: ByteSource
    init(_ source: ByteSource) { self.source = source }
}

/// The inflating thread's work: read compressed bytes, inflate member after member, fill chunks.
private final class Inflater: Sendable {
    private let source: UncheckedSource
    private let name: String
    private let pipe: ChunkPipe

    init(source: UncheckedSource, name: String, pipe: ChunkPipe) {
        self.source = source
        self.name = name
        self.pipe = pipe
    }

    func run() {
        do {
            try inflateAll()
            pipe.finish(error: nil)
        } catch let error as ContactIOError {
            pipe.finish(error: error)
        } catch {
            pipe.finish(error: ContactIOError(.readFailed, file: name, message: "\(error)"))
        }
        source.source.close()
    }

    private func inflateAll() throws {
        let inputSize = 256 * 1024
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: inputSize, alignment: 16)
        defer { input.deallocate() }
        var stream = z_stream()
        guard czlib_inflateInit2(&stream, 15 + 16) == Z_OK else {
            throw ContactIOError(.corruptGzip, file: name, message: "cannot start gzip decompression")
        }
        defer { inflateEnd(&stream) }

        // Offset of input[0] within the compressed file, for error messages.
        var inputFileOffset = 0
        var inputCount = 0
        var atEnd = false
        var inMember = true
        var consumedOffset: Int { inputFileOffset + (inputCount - Int(stream.avail_in)) }

        func refill(_ stream: inout z_stream) throws {
            inputFileOffset += inputCount
            inputCount = try source.source.read(into: input)
            atEnd = inputCount == 0
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(inputCount)
        }

        guard var chunk = pipe.takeEmpty() else { return }
        // Whatever stops the stream, the bytes inflated before it reach the reader first.
        defer {
            if chunk.count > 0 {
                pipe.putFull(chunk)
            }
        }
        while true {
            if stream.avail_in == 0 {
                try refill(&stream)
                if atEnd {
                    break
                }
            }
            if !inMember {
                // Between members: another member must start here, or only zero padding may follow.
                let next = input.baseAddress!.assumingMemoryBound(to: UInt8.self) + (inputCount - Int(stream.avail_in))
                if next[0] == 0 {
                    // Zero padding (as tape tools write) may close the file; anything else after it may not.
                    if try onlyZerosRemain(&stream, refill: refill) { break }
                    throw ContactIOError(
                        .corruptGzip, file: name, compressedOffset: consumedOffset,
                        message: "data after the end of the gzip stream is not another gzip member")
                }
                guard next[0] == 0x1f else {
                    throw ContactIOError(
                        .corruptGzip, file: name, compressedOffset: consumedOffset,
                        message: "data after the end of the gzip stream is not another gzip member")
                }
                inflateReset(&stream)
                inMember = true
            }
            let capacity = chunk.storage.count - chunk.count
            stream.next_out = (chunk.storage.baseAddress! + chunk.count).assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(capacity)
            let status = inflate(&stream, Z_NO_FLUSH)
            chunk.count += capacity - Int(stream.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                inMember = false
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw ContactIOError(
                    .corruptGzip, file: name, compressedOffset: consumedOffset,
                    message: "corrupt gzip data (\(reason))")
            }
            if chunk.count == chunk.storage.count {
                pipe.putFull(chunk)
                guard let next = pipe.takeEmpty() else {
                    // The reader owns the full chunk now; an empty stand-in keeps the deferred hand-over from
                    // sending it twice.
                    chunk = ChunkPipe.Chunk(capacity: 0)
                    return
                }
                chunk = next
            }
        }
        if inMember {
            throw ContactIOError(
                .truncatedGzip, file: name, compressedOffset: consumedOffset,
                message: "the gzip stream is truncated (unexpected end of file)")
        }
    }

    /// Consumes zero bytes up to the end of the input; false at the first byte that is not zero.
    private func onlyZerosRemain(_ stream: inout z_stream, refill: (inout z_stream) throws -> Void) throws -> Bool {
        while true {
            while stream.avail_in > 0 {
                if stream.next_in.pointee != 0 { return false }
                stream.next_in += 1
                stream.avail_in -= 1
            }
            try refill(&stream)
            if stream.avail_in == 0 { return true }
        }
    }
}
