#if canImport(Glibc)
    import Glibc
#endif

/// A file that appears at its path only when complete: written under a temporary name beside it, then renamed.
///
/// A cron job that reads the output therefore never sees half a file: if the run fails, ``abort()`` (or
/// deinitialisation without ``commit()``) removes the temporary file and leaves whatever was at the path before.
/// For the path `-` it writes to standard output directly.
public final class OutputFile: ByteSink {
    /// The path as given (`<stdout>` for `-`).
    public let name: String
    private let finalPath: String?
    private let temporaryPath: String?
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 256 * 1024
    private var state = State.open

    private enum State {
        case open
        case committed
        case aborted
    }

    /// Creates the temporary file for `path` (or uses stdout for `-`).
    /// - Throws: ``ContactIOError`` when the directory is not writable.
    public init(path: String) throws {
        buffer.reserveCapacity(bufferLimit)
        if path == "-" {
            name = "<stdout>"
            finalPath = nil
            temporaryPath = nil
            fd = STDOUT_FILENO
            return
        }
        name = path
        finalPath = path
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory).\(base).tmp-XXXXXX".utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard opened >= 0 else {
            throw ContactIOError(
                .cannotOpen, file: path, message: "cannot create the output: \(systemErrorMessage(errno))")
        }
        fchmod(opened, 0o644)
        fd = opened
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    deinit {
        if state == .open {
            abort()
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard state == .open else {
            throw ContactIOError(.writeFailed, file: name, message: "write after the output was closed")
        }
        if buffer.count + bytes.count > bufferLimit {
            try flush()
        }
        if bytes.count >= bufferLimit {
            try writeFully(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Same as ``commit()``, for the ``ByteSink`` protocol.
    public func finish() throws {
        try commit()
    }

    /// Flushes, syncs and renames the temporary file into place.
    public func commit() throws {
        guard state == .open else { return }
        try flush()
        guard let finalPath, let temporaryPath else {
            state = .committed
            return
        }
        guard fsync(fd) == 0 || errno == EINVAL else {
            let reason = systemErrorMessage(errno)
            abort()
            throw ContactIOError(.writeFailed, file: name, message: "cannot sync the output: \(reason)")
        }
        _ = Glibc.close(fd)
        fd = -1
        guard rename(temporaryPath, finalPath) == 0 else {
            let reason = systemErrorMessage(errno)
            unlink(temporaryPath)
            state = .aborted
            throw ContactIOError(.writeFailed, file: name, message: "cannot move the output into place: \(reason)")
        }
        state = .committed
    }

    /// Removes the temporary file; the path keeps what it had before.
    public func abort() {
        guard state == .open else { return }
        state = .aborted
        if let temporaryPath {
            _ = Glibc.close(fd)
            unlink(temporaryPath)
        } else {
            try? flush()
        }
        fd = -1
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeFully($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ContactIOError(.writeFailed, file: name, message: "write failed: \(systemErrorMessage(errno))")
            }
            offset += written
        }
    }
}
