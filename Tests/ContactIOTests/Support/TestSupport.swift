import ContactIO
import Foundation

/// A small deterministic random generator (SplitMix64), so that every random test replays the same way.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Reads `bytes` completely with the given options, serving them `readSize` bytes at a time.
func readAll(
    _ bytes: [UInt8], readSize: Int = .max, options: ReaderOptions = ReaderOptions(), name: String = "test.csv"
) throws -> (records: [Record], errors: [RowError]) {
    let input = try InputOpener.open(source: MemoryByteSource(bytes, readSize: readSize), name: name, options: options)
    return try input.reader.readAll()
}

func readAll(
    _ text: String, readSize: Int = .max, options: ReaderOptions = ReaderOptions(), name: String = "test.csv"
) throws -> (records: [Record], errors: [RowError]) {
    try readAll(Array(text.utf8), readSize: readSize, options: options, name: name)
}

/// Collects written bytes in memory.
final class MemorySink: ByteSink {
    var bytes: [UInt8] = []
    var finished = false

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }

    func finish() throws {
        finished = true
    }
}

/// Gzip-compresses `bytes` with our own writer.
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let sink = MemorySink()
    let gzip = try GzipSink(next: sink, name: "memory")
    try gzip.write(bytes)
    try gzip.finish()
    return sink.bytes
}

/// A fresh empty directory for a test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("contactio-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The read sizes that every boundary-sensitive test runs with: byte by byte up to whole-buffer reads.
let boundaryReadSizes = [1, 2, 3, 5, 7, 16, 64, 4096, Int.max]
