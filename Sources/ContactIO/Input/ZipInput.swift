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
    static func choose(archive path: String, name: String, entries wanted: [String], all: Bool) throws -> [(
        path: String, size: UInt64
    )] {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ContactIOError(
                .corruptArchive, file: name, message: "this looks like a zip archive, but it cannot be read (\(error))")
        }
        let files = archive.filter { $0.type == .file }
        let data = files.filter { entry in
            !entry.path.hasPrefix("__MACOSX/") && !fileName(entry.path).hasPrefix(".")
        }
        let listing = data.prefix(10).map(\.path).joined(separator: ", ") + (data.count > 10 ? ", …" : "")
        guard !data.isEmpty else {
            throw ContactIOError(.unsupportedFormat, file: name, message: "the zip archive holds no file to read")
        }
        var chosen: [Entry] = []
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
        for entry in chosen { try checkRatio(entry, name: name) }
        return chosen.map { ($0.path, $0.uncompressedSize) }
    }

    /// Inflates `entry` chunk by chunk into `consume`, the one way every entry is read.
    ///
    /// An entry that inflates to more than it declares (a zip bomb's trick) stops at once; at the end its size and
    /// CRC-32 must be as declared. The checksum is zlib's (ZIPFoundation's own, in Swift, took a sixth of reading an
    /// xlsx sheet).
    /// - Throws: ``ContactIOError`` (kind `.corruptArchive`) naming `name`, or what `consume` throws.
    static func stream(
        _ entry: Entry, of archive: Archive, name: String, consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let declared = entry.uncompressedSize
        var produced: UInt64 = 0
        var checksum: uLong = 0
        _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: true) { data in
            produced += UInt64(data.count)
            guard produced <= declared else {
                throw ContactIOError(
                    .corruptArchive, file: name,
                    message: "the zip entry \(entry.path) inflates to more than the \(declared) bytes it declares; "
                        + "the archive is corrupt or hostile")
            }
            try data.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
                checksum = crc32(checksum, base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
                try consume(bytes)
            }
        }
        guard produced == declared else {
            throw ContactIOError(
                .corruptArchive, file: name,
                message: "the zip entry \(entry.path) is truncated (\(produced) of \(declared) bytes)")
        }
        guard UInt32(truncatingIfNeeded: checksum) == entry.checksum else {
            throw ContactIOError(
                .corruptArchive, file: name,
                message: "the zip entry \(entry.path)'s checksum does not match: the archive is corrupt")
        }
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
