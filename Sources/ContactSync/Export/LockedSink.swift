import ContactIO
import Foundation

/// The export's output, written by one task at a time.
///
/// `@unchecked Sendable`: the sink is touched only while `lock` is held.
final class LockedSink: @unchecked Sendable {
    private let sink: ByteSink
    private let lock = NSLock()

    init(_ sink: ByteSink) {
        self.sink = sink
    }

    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try lock.withLock { try sink.write(bytes) }
    }

    /// Appends a whole file, in chunks.
    func append(contentsOf path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ExportError("cannot read the spool file \(path)")
        }
        defer { try? handle.close() }
        try lock.withLock {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try chunk.withUnsafeBytes { try sink.write($0) }
            }
        }
    }

    func finish() throws {
        try lock.withLock { try sink.finish() }
    }
}
