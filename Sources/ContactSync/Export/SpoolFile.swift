import Foundation

/// Where one `created_at` range of a partitioned export waits for the ranges before it: a temporary file, so that
/// memory stays flat however unequal the ranges are.
///
/// `@unchecked Sendable`: one task writes it, then the merger reads it once that task is done.
final class SpoolFile: @unchecked Sendable {
    let path: String
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ExportError("cannot create the spool file \(path)")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ExportError("cannot open the spool file \(path)")
        }
        self.path = path
        self.handle = handle
    }

    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try handle.write(contentsOf: bytes)
    }

    func close() {
        try? handle.close()
    }
}
