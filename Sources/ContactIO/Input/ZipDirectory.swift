import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where each entry of a zip archive keeps its bytes, as the archive's central directory says.
///
/// ZIPFoundation lists an archive's entries (their names, types and sizes) and this tool keeps using it for that;
/// but it keeps the entries' offsets to itself, and its inflater on Linux reads on past an entry's compressed size
/// and, when a deflate stream does not end before the file does, loops for ever on the empty reads at the end of
/// the file: a damaged or hostile archive hung the run, spinning a core. So the bytes of an entry are read here,
/// from exactly the range the directory gives it (``ZipInput/stream(_:of:name:consume:)``). The records are in the
/// directory's order, which is the order ZIPFoundation lists the entries in.
struct ZipDirectory {
    /// One entry of the central directory: the facts needed to find and read its data.
    struct Record: Equatable {
        var flags: UInt16
        var method: UInt16
        var checksum: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
        var path: String

        /// Whether the entry is encrypted (bit 0 of its flags); it cannot be read.
        var isEncrypted: Bool { flags & 1 != 0 }
    }

    let records: [Record]
    private let file: ZipFile

    /// Reads the central directory of the archive at `path`.
    /// - Throws: ``ContactIOError`` (kind `.corruptArchive`, naming `name`) when the file cannot be opened or its
    ///   directory is not where its end record says, or is not well formed.
    init(archive path: String, name: String) throws {
        file = try ZipFile(path: path, name: name)
        records = try Self.readRecords(file)
    }

    /// Where the data of `record` starts: after its local header, whose name and extra field may differ in length
    /// from the directory's copies.
    func dataOffset(of record: Record) throws -> UInt64 {
        let header = try file.read(at: record.localHeaderOffset, count: 30, what: "the local header of \(record.path)")
        guard header.uint32(0) == 0x0403_4B50 else {
            throw file.corrupt("the entry \(record.path) has no local header where the directory says")
        }
        return record.localHeaderOffset + 30 + UInt64(header.uint16(26)) + UInt64(header.uint16(28))
    }

    /// Reads at most `buffer.count` bytes at `offset`; fewer only at the end of the file.
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try file.read(at: offset, into: buffer)
    }

    /// The two entries whose data share bytes (a zip bomb's trick: many entries inflating the same data), if any.
    func overlap() throws -> (Record, Record)? {
        var spans: [(start: UInt64, end: UInt64, record: Record)] = []
        for record in records {
            let start = try dataOffset(of: record)
            let (end, overflow) = start.addingReportingOverflow(record.compressedSize)
            guard !overflow else { throw file.corrupt("the entry \(record.path) declares an impossible size") }
            spans.append((record.localHeaderOffset, end, record))
        }
        spans.sort { $0.start < $1.start }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.start < previous.end {
            return (previous.record, next.record)
        }
        return nil
    }

    /// The end of central directory record, its ZIP64 form when the archive has one, then every directory record.
    private static func readRecords(_ file: ZipFile) throws -> [Record] {
        // The end record is 22 bytes and may be followed by a comment of up to 65,535.
        let tailLength = Int(min(file.size, 22 + 65_535))
        let tail = try file.read(at: file.size - UInt64(tailLength), count: tailLength, what: "the end of the archive")
        guard
            let end = stride(from: tailLength - 22, through: 0, by: -1).first(where: { tail.uint32($0) == 0x0605_4B50 })
        else {
            throw file.corrupt("it has no end of central directory record")
        }
        var count = UInt64(tail.uint16(end + 10))
        var directorySize = UInt64(tail.uint32(end + 12))
        var directoryOffset = UInt64(tail.uint32(end + 16))
        let endOffset = file.size - UInt64(tailLength) + UInt64(end)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF, endOffset >= 20 {
            let locator = try file.read(at: endOffset - 20, count: 20, what: "the ZIP64 locator")
            if locator.uint32(0) == 0x0706_4B50 {
                let record = try file.read(at: locator.uint64(8), count: 56, what: "the ZIP64 end record")
                guard record.uint32(0) == 0x0606_4B50 else {
                    throw file.corrupt("its ZIP64 end record is not where its locator says")
                }
                count = record.uint64(32)
                directorySize = record.uint64(40)
                directoryOffset = record.uint64(48)
            }
        }
        guard directorySize <= file.size, directoryOffset <= file.size - directorySize else {
            throw file.corrupt("its central directory lies outside the file")
        }
        // Each record takes at least 46 bytes: a count beyond that is a lie, not a reason to allocate.
        guard count <= directorySize / 46 else {
            throw file.corrupt("its end record counts \(count) entries, more than its directory can hold")
        }
        let directory = try file.read(at: directoryOffset, count: Int(directorySize), what: "the central directory")
        var records: [Record] = []
        records.reserveCapacity(Int(count))
        var position = 0
        for _ in 0..<count {
            guard position + 46 <= directory.count, directory.uint32(position) == 0x0201_4B50 else {
                throw file.corrupt("its central directory ends before its \(count) entries do")
            }
            let nameLength = Int(directory.uint16(position + 28))
            let extraLength = Int(directory.uint16(position + 30))
            let commentLength = Int(directory.uint16(position + 32))
            let next = position + 46 + nameLength + extraLength + commentLength
            guard next <= directory.count else {
                throw file.corrupt("its central directory ends before its \(count) entries do")
            }
            let nameBytes = directory[(position + 46)..<(position + 46 + nameLength)]
            var record = Record(
                flags: directory.uint16(position + 8), method: directory.uint16(position + 10),
                checksum: directory.uint32(position + 16), compressedSize: UInt64(directory.uint32(position + 20)),
                uncompressedSize: UInt64(directory.uint32(position + 24)),
                localHeaderOffset: UInt64(directory.uint32(position + 42)),
                path: String(decoding: nameBytes, as: UTF8.self))
            try readZIP64Sizes(
                directory, extra: (position + 46 + nameLength)..<(position + 46 + nameLength + extraLength),
                into: &record, file: file)
            records.append(record)
            position = next
        }
        return records
    }

    /// The sizes and offset that do not fit 32 bits are in the ZIP64 extra field (id 1), in this order, each only
    /// when its 32-bit field is all ones.
    private static func readZIP64Sizes(
        _ bytes: [UInt8], extra: Range<Int>, into record: inout Record, file: ZipFile
    ) throws {
        var position = extra.lowerBound
        while position + 4 <= extra.upperBound {
            let id = bytes.uint16(position)
            let length = Int(bytes.uint16(position + 2))
            let data = position + 4
            guard data + length <= extra.upperBound else { break }
            if id == 1 {
                var field = data
                func next() throws -> UInt64 {
                    guard field + 8 <= data + length else {
                        throw file.corrupt("the entry \(record.path)'s ZIP64 field is too short")
                    }
                    defer { field += 8 }
                    return bytes.uint64(field)
                }
                if record.uncompressedSize == 0xFFFF_FFFF { record.uncompressedSize = try next() }
                if record.compressedSize == 0xFFFF_FFFF { record.compressedSize = try next() }
                if record.localHeaderOffset == 0xFFFF_FFFF { record.localHeaderOffset = try next() }
                return
            }
            position = data + length
        }
    }
}

/// An archive file read at offsets (`pread`), for ``ZipDirectory``.
private final class ZipFile: @unchecked Sendable {
    let descriptor: Int32
    let size: UInt64
    let name: String

    init(path: String, name: String) throws {
        self.name = name
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ContactIOError(
                .readFailed, file: name, message: "cannot open the archive: \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            throw ContactIOError(.readFailed, file: name, message: "cannot read the archive's size")
        }
        size = UInt64(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    func corrupt(_ reason: String) -> ContactIOError {
        ContactIOError(.corruptArchive, file: name, message: "the zip archive is corrupt: \(reason)")
    }

    /// Exactly `count` bytes at `offset`, or an error that says the file ends before `what` does.
    func read(at offset: UInt64, count: Int, what: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = try bytes.withUnsafeMutableBytes { buffer in
                try read(at: offset + UInt64(done), into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            }
            guard got > 0 else { throw corrupt("the file ends inside \(what)") }
            done += got
        }
        return bytes
    }

    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset < size, let base = buffer.baseAddress else { return 0 }
        while true {
            let got = pread(descriptor, base, buffer.count, off_t(offset))
            if got >= 0 { return got }
            guard errno == EINTR else {
                throw ContactIOError(.readFailed, file: name, message: String(cString: strerror(errno)))
            }
        }
    }
}

extension [UInt8] {
    /// The little-endian integers of the zip format, at byte `offset`.
    fileprivate func uint16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    fileprivate func uint32(_ offset: Int) -> UInt32 {
        UInt32(uint16(offset)) | UInt32(uint16(offset + 2)) << 16
    }

    fileprivate func uint64(_ offset: Int) -> UInt64 {
        UInt64(uint32(offset)) | UInt64(uint32(offset + 4)) << 32
    }
}
