import CSystemZlib
import Foundation
import ZIPFoundation

/// Chooses the entry of a zip archive to read: the one data file in it, or the one `--entry` names.
enum ZipInput {
    /// Entries that inflate to more than this and more than ``maximumRatio`` times their compressed size are refused
    /// before reading: no real export compresses so well, and a zip bomb does.
    static let ratioCheckedAbove: UInt64 = 100 << 20
    static let maximumRatio: UInt64 = 1000

    /// The entries to read and their declared sizes.
    /// - Parameters:
    ///   - wanted: entries named by `--entry` (a path, or a file name that is unique in the archive).
    ///   - all: every data file, in the archive's order.
    /// - Throws: ``ContactIOError`` when the archive cannot be read, is a workbook, holds no data file or several
    ///   without a choice, a named entry is missing, or an entry looks like a zip bomb.
    /// - Returns: each entry's path and its place in the archive's list (and directory), which reading it needs.
    static func choose(archive path: String, name: String, entries wanted: [String], all: Bool) throws -> [(
        path: String, index: Int
    )] {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ContactIOError(
                .corruptArchive, file: name, message: "this looks like a zip archive, but it cannot be read (\(error))")
        }
        try checkDirectory(of: archive, name: name)
        let data = archive.enumerated().map { Listed(index: $0.offset, entry: $0.element) }.filter { listed in
            listed.entry.type == .file && !listed.path.hasPrefix("__MACOSX/") && !fileName(listed.path).hasPrefix(".")
        }
        let listing = data.prefix(10).map(\.path).joined(separator: ", ") + (data.count > 10 ? ", …" : "")
        guard !data.isEmpty else {
            throw ContactIOError(.unsupportedFormat, file: name, message: "the zip archive holds no file to read")
        }
        var chosen: [Listed] = []
        if all {
            chosen = data
        } else if wanted.isEmpty {
            guard data.count == 1 else {
                throw ContactIOError(
                    .invalidArgument, file: name,
                    message: "the zip archive holds \(data.count) files (\(listing)): choose one with --entry NAME, "
                        + "or read them all as one file with --all-entries")
            }
            chosen = data
        } else {
            for wanted in wanted {
                let byName = data.filter { fileName($0.path) == wanted }
                guard let match = data.first(where: { $0.path == wanted }) ?? (byName.count == 1 ? byName[0] : nil)
                else {
                    throw ContactIOError(
                        .invalidArgument, file: name,
                        message: "the archive has no single file named '\(wanted)'; it holds: \(listing)")
                }
                chosen.append(match)
            }
        }
        for listed in chosen { try checkRatio(listed.entry, name: name) }
        return chosen.map { ($0.path, $0.index) }
    }

    /// An entry and its place in the archive's list.
    private struct Listed {
        var index: Int
        var entry: Entry
        var path: String { entry.path }
    }

    /// Inflates `entry` chunk by chunk into `consume`: ``read(_:of:path:name:consume:)``, the one way every entry is
    /// read, for an entry found through ZIPFoundation (the parts of a workbook).
    ///
    /// The bytes are read from exactly the range the central directory gives the entry (see ``ZipDirectory`` for why
    /// not through ZIPFoundation): a deflate stream that has not ended when that range has, an entry that inflates to
    /// more than it declares (a zip bomb's trick), or to less, or whose CRC-32 differs, is an error, after every byte
    /// before it. The checksum is zlib's (ZIPFoundation's own, in Swift, took a sixth of reading an xlsx sheet).
    /// - Throws: ``ContactIOError`` (kind `.corruptArchive`, or `.unsupportedFormat` for an encrypted entry or one
    ///   compressed other than by deflate) naming `name`, or what `consume` throws.
    static func stream(
        _ entry: Entry, of archive: Archive, name: String, consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let directory = try ZipDirectory(archive: archive.url.path, name: name)
        guard let index = archive.enumerated().first(where: { $0.element == entry })?.offset,
            index < directory.records.count
        else {
            throw ContactIOError(
                .corruptArchive, file: name, message: "the zip entry \(entry.path) is not in the archive's directory")
        }
        let record = directory.records[index]
        try checkAgreement(record, entry, name: name)
        try read(record, of: directory, path: entry.path, name: name, consume: consume)
    }

    /// The bytes of `record`, stored or inflated, checked against its size and checksum (see
    /// ``stream(_:of:name:consume:)``).
    static func read(
        _ record: ZipDirectory.Record, of directory: ZipDirectory, path: String, name: String,
        consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard !record.isEncrypted else { throw encrypted(path, name: name) }
        var position = try directory.dataOffset(of: record)
        var remaining = record.compressedSize
        let declared = record.uncompressedSize
        var produced: UInt64 = 0
        var checksum: uLong = 0
        let chunkSize = 64 * 1024
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { input.deallocate() }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { output.deallocate() }

        func deliver(_ bytes: UnsafeRawBufferPointer) throws {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            produced += UInt64(bytes.count)
            guard produced <= declared else {
                throw ContactIOError(
                    .corruptArchive, file: name,
                    message: "the zip entry \(path) inflates to more than the \(declared) bytes it declares; "
                        + "the archive is corrupt or hostile")
            }
            checksum = crc32(checksum, base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
            try consume(bytes)
        }
        // The next compressed bytes, never past the entry's range.
        func fill() throws -> Int {
            let wanted = Int(min(UInt64(chunkSize), remaining))
            let got = try directory.read(at: position, into: UnsafeMutableRawBufferPointer(rebasing: input[..<wanted]))
            guard got > 0 else {
                throw ContactIOError(
                    .corruptArchive, file: name,
                    message: "the archive ends inside the data of the zip entry \(path): it is truncated")
            }
            position += UInt64(got)
            remaining -= UInt64(got)
            return got
        }

        switch record.method {
        case 0:
            guard record.compressedSize == record.uncompressedSize else {
                throw ContactIOError(
                    .corruptArchive, file: name,
                    message: "the zip entry \(path) is stored uncompressed, yet declares two sizes: it is corrupt")
            }
            while remaining > 0 {
                let got = try fill()
                try deliver(UnsafeRawBufferPointer(rebasing: input[..<got]))
            }
        case 8:
            var stream = z_stream()
            guard czlib_inflateInit2(&stream, -MAX_WBITS) == Z_OK else {
                throw ContactIOError(.readFailed, file: name, message: "zlib could not start inflating")
            }
            defer { inflateEnd(&stream) }
            while true {
                if stream.avail_in == 0 && remaining > 0 {
                    stream.avail_in = uInt(try fill())
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                }
                // With every input byte taken, zlib may still hold output for a full chunk: it is called again
                // without input until it ends the stream or says it can do nothing more (Z_BUF_ERROR).
                stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(chunkSize)
                let status = inflate(&stream, Z_NO_FLUSH)
                try deliver(UnsafeRawBufferPointer(rebasing: output[..<(chunkSize - Int(stream.avail_out))]))
                if status == Z_STREAM_END { break }
                if status == Z_BUF_ERROR && stream.avail_in == 0 && remaining == 0 {
                    throw ContactIOError(
                        .corruptArchive, file: name,
                        message: "the zip entry \(path)'s compressed data ends before its deflate stream does: "
                            + "the archive is corrupt")
                }
                // Z_BUF_ERROR with input left cannot happen (there is room for output); with more to read, the next
                // turn reads it.
                guard status == Z_OK || status == Z_BUF_ERROR else {
                    let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw ContactIOError(
                        .corruptArchive, file: name,
                        message: "the zip entry \(path)'s deflated data is corrupt (\(detail))")
                }
            }
        default:
            throw ContactIOError(
                .unsupportedFormat, file: name,
                message: "the zip entry \(path) is compressed with \(methodName(record.method)), which this tool "
                    + "does not read: zip it again with the usual compression (deflate)")
        }
        guard produced == declared else {
            throw ContactIOError(
                .corruptArchive, file: name,
                message: "the zip entry \(path) is truncated (\(produced) of \(declared) bytes)")
        }
        guard UInt32(truncatingIfNeeded: checksum) == record.checksum else {
            throw ContactIOError(
                .corruptArchive, file: name,
                message: "the zip entry \(path)'s checksum does not match: the archive is corrupt")
        }
    }

    /// The name of a zip compression method that is not read, for messages.
    static func methodName(_ method: UInt16) -> String {
        switch method {
        case 9: return "Deflate64"
        case 12: return "bzip2"
        case 14: return "LZMA"
        case 93: return "Zstandard"
        case 95: return "xz"
        case 98: return "PPMd"
        case 99: return "AES encryption"
        default: return "compression method \(method)"
        }
    }

    /// Refuses an archive that ZIPFoundation lists only in part (it stops at an encrypted or unreadable entry, which
    /// would lose the entries after it without a word) or whose entries share their bytes (a zip bomb's trick: many
    /// entries inflating the same data, each within the ratio that ``checkRatio(_:name:)`` allows).
    /// - Throws: ``ContactIOError`` naming `name`.
    static func checkDirectory(of archive: Archive, name: String) throws {
        let directory = try ZipDirectory(archive: archive.url.path, name: name)
        // The two readings must agree entry by entry, since an entry's bytes are found by its place in the list.
        var listed = 0
        for entry in archive {
            guard listed < directory.records.count else {
                throw ContactIOError(
                    .corruptArchive, file: name,
                    message: "the zip archive lists more entries than its directory holds: it is corrupt")
            }
            try checkAgreement(directory.records[listed], entry, name: name)
            listed += 1
        }
        if listed < directory.records.count {
            let record = directory.records[listed]
            guard !record.isEncrypted else { throw encrypted(record.path, name: name) }
            throw ContactIOError(
                .corruptArchive, file: name,
                message: "the zip entry \(record.path) (\(listed + 1) of \(directory.records.count)) cannot be read: "
                    + "the archive is corrupt")
        }
        if let (first, second) = try directory.overlap() {
            throw ContactIOError(
                .corruptArchive, file: name,
                message: "the zip entries \(first.path) and \(second.path) share their compressed bytes, which no "
                    + "real archive does (a zip bomb's trick): refused")
        }
    }

    /// Refuses `record` (the directory's) and `entry` (ZIPFoundation's, which takes the sizes from the data descriptor
    /// after the data when there is one) unless they describe the same entry: an entry's bytes are found by its place
    /// in ZIPFoundation's list. Names are compared when they are ASCII (ZIPFoundation may decode others as CP437).
    private static func checkAgreement(_ record: ZipDirectory.Record, _ entry: Entry, name: String) throws {
        let sameName = record.path == entry.path || record.path.utf8.contains { $0 >= 0x80 }
        guard
            sameName && record.compressedSize == entry.compressedSize
                && record.uncompressedSize == entry.uncompressedSize
        else {
            throw ContactIOError(
                .corruptArchive, file: name,
                message: "the zip entry \(entry.path) is described differently in two places of the archive: "
                    + "it is corrupt")
        }
    }

    /// The error for an encrypted entry, which is not read.
    private static func encrypted(_ path: String, name: String) -> ContactIOError {
        ContactIOError(
            .unsupportedFormat, file: name,
            message: "the zip entry \(path) is encrypted: save the files from the archive first, or zip them "
                + "without a password")
    }

    /// Whether the archive is an xlsx workbook (it has `xl/workbook.xml`), whatever its name.
    static func isWorkbook(archive path: String) -> Bool {
        do {
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            return archive["xl/workbook.xml"] != nil
        } catch {
            return false
        }
    }

    /// Refuses an entry that declares it inflates like a zip bomb.
    static func checkRatio(_ entry: Entry, name: String) throws {
        let size = entry.uncompressedSize
        if size > ratioCheckedAbove && size / max(1, entry.compressedSize) > maximumRatio {
            throw ContactIOError(
                .corruptArchive, file: name,
                message: "the zip entry '\(entry.path)' would inflate \(entry.compressedSize) bytes to \(size): "
                    + "refused as a likely zip bomb")
        }
    }

    /// The last component of an entry's path.
    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
