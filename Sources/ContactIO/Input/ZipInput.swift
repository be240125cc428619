import Foundation
import ZIPFoundation

/// Chooses the entry of a zip archive to read: the one data file in it, or the one `--entry` names.
enum ZipInput {
    /// Entries that inflate to more than this and more than ``maximumRatio`` times their compressed size are refused
    /// before reading: no real export compresses so well, and a zip bomb does.
    static let ratioCheckedAbove: UInt64 = 100 << 20
    static let maximumRatio: UInt64 = 1000

    /// The entry to read and its declared size.
    /// - Throws: ``ContactIOError`` when the archive cannot be read, is a workbook, holds no data file or several
    ///   without `entry`, or the entry looks like a zip bomb.
    static func choose(archive path: String, name: String, entry wanted: String?) throws -> (path: String, size: UInt64)
    {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ContactIOError(
                .corruptArchive, file: name, message: "this looks like a zip archive, but it cannot be read (\(error))")
        }
        let files = archive.filter { $0.type == .file }
        if files.contains(where: { $0.path == "xl/workbook.xml" }) {
            throw ContactIOError(
                .unsupportedFormat, file: name, message: FileSignature.message(for: "an Excel workbook (.xlsx)"))
        }
        let data = files.filter { entry in
            let last = entry.path.split(separator: "/").last.map(String.init) ?? entry.path
            return !entry.path.hasPrefix("__MACOSX/") && !last.hasPrefix(".")
        }
        let listing = data.prefix(10).map(\.path).joined(separator: ", ") + (data.count > 10 ? ", …" : "")
        let chosen: Entry
        if let wanted {
            let matches = data.filter { $0.path == wanted }
            let byName = data.filter { ($0.path.split(separator: "/").last.map(String.init) ?? $0.path) == wanted }
            guard let match = matches.first ?? (byName.count == 1 ? byName.first : nil) else {
                throw ContactIOError(
                    .invalidArgument, file: name,
                    message: "the archive has no single file named '\(wanted)'; it holds: \(listing)")
            }
            chosen = match
        } else {
            guard !data.isEmpty else {
                throw ContactIOError(.unsupportedFormat, file: name, message: "the zip archive holds no file to read")
            }
            guard data.count == 1 else {
                throw ContactIOError(
                    .invalidArgument, file: name,
                    message: "the zip archive holds \(data.count) files (\(listing)): choose one with --entry NAME")
            }
            chosen = data[0]
        }
        let size = chosen.uncompressedSize
        if size > ratioCheckedAbove && size / max(1, chosen.compressedSize) > maximumRatio {
            throw ContactIOError(
                .corruptArchive, file: name,
                message: "the zip entry '\(chosen.path)' would inflate \(chosen.compressedSize) bytes to \(size): "
                    + "refused as a likely zip bomb")
        }
        return (chosen.path, size)
    }
}
