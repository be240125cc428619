import CSystemZlib

/// Compresses what is written to it as one gzip member and passes it on to another sink.
public final class GzipSink: ByteSink {
    private let next: ByteSink
    private let name: String
    private var stream = z_stream()
    private let output: UnsafeMutableRawBufferPointer
    private var finished = false

    /// - Parameters:
    ///   - next: where the compressed bytes go.
    ///   - name: the output's name for messages.
    ///   - level: zlib's compression level, 1 (fast) to 9 (small).
    public init(next: ByteSink, name: String, level: Int32 = 6) throws {
        self.next = next
        self.name = name
        output = .allocate(byteCount: 256 * 1024, alignment: 16)
        guard czlib_deflateInit2(&stream, level, 15 + 16) == Z_OK else {
            output.deallocate()
            throw ContactIOError(.writeFailed, file: name, message: "cannot start gzip compression")
        }
    }

    deinit {
        deflateEnd(&stream)
        output.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(bytes.count)
        try pump(flush: Z_NO_FLUSH)
    }

    public func finish() throws {
        guard !finished else { return }
        finished = true
        stream.next_in = nil
        stream.avail_in = 0
        try pump(flush: Z_FINISH)
        try next.finish()
    }

    private func pump(flush: Int32) throws {
        repeat {
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(output.count)
            let status = deflate(&stream, flush)
            guard status != Z_STREAM_ERROR else {
                throw ContactIOError(.writeFailed, file: name, message: "gzip compression failed")
            }
            let produced = output.count - Int(stream.avail_out)
            if produced > 0 {
                try next.write(UnsafeRawBufferPointer(rebasing: output[0..<produced]))
            }
            if flush == Z_FINISH && status == Z_STREAM_END { return }
        } while stream.avail_out == 0 || (flush == Z_FINISH)
    }
}
