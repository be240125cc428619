import Foundation

/// The bytes of one entry of a zip archive, inflated on a thread of its own (as gzip is) by
/// ``ZipInput/read(_:of:path:name:consume:)``.
///
/// Memory stays at a few chunks whatever the entry's size. An entry that inflates to more than its header declares
/// (a zip bomb's trick), or whose checksum does not match, ends with a ``ContactIOError`` after every byte before it.
final class ZipEntrySource: ByteSource {
    private let reader: ChunkPipeReader

    /// Starts inflating entry `index` (its place in the directory, from ``ZipInput/choose(archive:name:entries:all:)``)
    /// of the archive at `path`.
    /// - Parameters:
    ///   - entryPath: the entry's path, for messages.
    ///   - name: the input's name for messages (`archive.zip:entry.csv`).
    init(archive path: String, entry index: Int, path entryPath: String, name: String) {
        let pipe = ChunkPipe(chunkCount: 4, chunkSize: 256 * 1024)
        let extraction = ZipExtraction(
            path: path, index: index, entry: entryPath, name: name, pipe: pipe)
        reader = ChunkPipeReader(pipe: pipe, threadName: "zip-inflate") { extraction.run() }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try reader.read(into: buffer)
    }

    func close() {
        reader.close()
    }
}

/// The inflating thread's work: extract the entry chunk by chunk into the pipe.
private struct ZipExtraction: Sendable {
    let path: String
    let index: Int
    let entry: String
    let name: String
    let pipe: ChunkPipe

    /// Thrown from the consumer to stop extracting once the reader has gone.
    private struct Cancelled: Error {}

    func run() {
        do {
            try extract()
            pipe.finish(error: nil)
        } catch let error as ContactIOError {
            pipe.finish(error: error)
        } catch is Cancelled {
            pipe.finish(error: nil)
        } catch {
            pipe.finish(error: ContactIOError(.corruptArchive, file: name, message: "corrupt zip entry (\(error))"))
        }
    }

    private func extract() throws {
        // The directory alone: ZIPFoundation's list was checked against it when the entry was chosen.
        let directory = try ZipDirectory(archive: path, name: name)
        guard index < directory.records.count else {
            throw ContactIOError(.corruptArchive, file: name, message: "the zip entry disappeared while reading")
        }
        let output = ChunkPipeWriter(pipe: pipe)
        // What was inflated before a failure reaches the reader first.
        defer { output.flush() }
        try ZipInput.read(directory.records[index], of: directory, path: entry, name: name) { bytes in
            output.appendBytes(bytes)
            if output.cancelled { throw Cancelled() }
        }
    }
}
