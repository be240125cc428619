import JSONText

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file descriptor with plain `read(2)`: no Foundation buffering, so memory stays at the reader's buffer.
public final class FileByteSource: ByteSource {
    /// The name used in messages (`<stdin>` for standard input).
    public let name: String
    private var fd: Int32
    private let ownsDescriptor: Bool

    /// Opens `path` for reading, or standard input when `path` is `-`.
    /// - Throws: ``ContactIOError`` with kind `.cannotOpen` and the system's reason.
    public init(path: String) throws {
        if path == "-" {
            name = "<stdin>"
            fd = STDIN_FILENO
            ownsDescriptor = false
            return
        }
        name = path
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            throw ContactIOError(.cannotOpen, file: path, message: "cannot open: \(systemErrorMessage(errno))")
        }
        var info = stat()
        if fstat(opened, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            _ = Glibc.close(opened)
            throw ContactIOError(.cannotOpen, file: path, message: "cannot open: it is a directory")
        }
        fd = opened
        ownsDescriptor = true
    }

    /// Wraps an already open descriptor; `owns` says whether `close()` closes it.
    public init(descriptor: Int32, name: String, owns: Bool) {
        self.name = name
        fd = descriptor
        ownsDescriptor = owns
    }

    /// The file's size in bytes when it is a regular file (for progress and ETA), else nil.
    public var regularFileSize: Int? {
        var info = stat()
        guard fd >= 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// The offset of the first byte that is not ASCII at or after `offset`, and the bytes from there (up to
    /// `window`), read with `pread` so that the reading position does not move; nil when every byte is ASCII.
    func firstNonASCII(from offset: Int, window: Int = 64 * 1024) throws -> (offset: Int, bytes: [UInt8])? {
        let chunk = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var position = offset
        while true {
            let count = pread(fd, buffer, chunk, off_t(position))
            guard count >= 0 else {
                throw ContactIOError(.readFailed, file: name, message: "cannot read: \(systemErrorMessage(errno))")
            }
            if count == 0 { return nil }
            let ascii = asciiPrefix(buffer, count: count)
            if ascii < count {
                let found = position + ascii
                var bytes = [UInt8](repeating: 0, count: window)
                let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, window, off_t(found)) }
                bytes.removeLast(window - max(0, read))
                return (found, bytes)
            }
            position += count
        }
    }

    /// Moves to byte `offset` of the file (for a reader of part of it).
    func seek(to offset: Int) throws {
        guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw ContactIOError(.readFailed, file: name, message: "cannot seek: \(systemErrorMessage(errno))")
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard fd >= 0, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = Glibc.read(fd, base, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw ContactIOError(.readFailed, file: name, message: "read failed: \(systemErrorMessage(errno))")
        }
    }

    public func close() {
        if ownsDescriptor && fd >= 0 {
            _ = Glibc.close(fd)
        }
        fd = -1
    }

    deinit {
        close()
    }
}

/// The system's text for an `errno` value.
func systemErrorMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}
