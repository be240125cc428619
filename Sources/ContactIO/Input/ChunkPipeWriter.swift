/// The writing side of a ``ChunkPipe`` for a producer that has bytes in pieces of any size (an inflated zip entry, a
/// sheet turned into CSV): it fills each chunk and hands it on when full.
final class ChunkPipeWriter {
    let pipe: ChunkPipe
    private var chunk: ChunkPipe.Chunk?
    private(set) var cancelled = false

    init(pipe: ChunkPipe) {
        self.pipe = pipe
    }

    func append(_ byte: UInt8) {
        guard let chunk = current() else { return }
        chunk.storage[chunk.count] = byte
        chunk.count += 1
        if chunk.count == chunk.storage.count { handOn() }
    }

    /// A CSV field: quoted when it holds a comma, a quote, a line break or surrounding spaces.
    func appendField(_ value: UnsafeBufferPointer<UInt8>) {
        let needsQuotes =
            value.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            || value.first == 0x20 || value.last == 0x20
        guard needsQuotes else { return appendBytes(UnsafeRawBufferPointer(value)) }
        append(UInt8(ascii: "\""))
        for byte in value {
            if byte == UInt8(ascii: "\"") { append(byte) }
            append(byte)
        }
        append(UInt8(ascii: "\""))
    }

    /// Appends `bytes` as they are; nothing once the reader has gone (``cancelled``).
    func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count, let chunk = current() {
            let count = min(bytes.count - offset, chunk.storage.count - chunk.count)
            (chunk.storage.baseAddress! + chunk.count).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            chunk.count += count
            offset += count
            if chunk.count == chunk.storage.count { handOn() }
        }
    }

    func flush() {
        if let chunk, chunk.count > 0 { pipe.putFull(chunk) }
        chunk = nil
    }

    private func current() -> ChunkPipe.Chunk? {
        if chunk == nil && !cancelled {
            chunk = pipe.takeEmpty()
            if chunk == nil { cancelled = true }
        }
        return chunk
    }

    private func handOn() {
        if let chunk { pipe.putFull(chunk) }
        chunk = nil
    }
}
