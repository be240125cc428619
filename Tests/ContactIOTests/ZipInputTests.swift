import ContactIO
import Foundation
import Testing
import ZIPFoundation

/// A CSV inside a zip archive is read as if it were the file; archives that are corrupt or hostile end with one
/// clear error, in bounded memory, and nothing is ever written out of them.
struct ZipInputTests {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes an archive holding `entries` (path, bytes), deflated but for those in `stored`, and returns its path.
    static func archive(
        _ entries: [(String, [UInt8])], in directory: URL, name: String = "export.zip", stored: Set<String> = []
    ) throws -> String {
        let url = directory.appendingPathComponent(name)
        let archive = try Archive(url: url, accessMode: .create)
        for (path, bytes) in entries {
            let data = Data(bytes)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count),
                compressionMethod: stored.contains(path) ? .none : .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        return url.path
    }

    static func csv(rows: Int, name: String = "Zoë") -> [UInt8] {
        var text = "email,name\n"
        for index in 0..<rows { text += "u\(index)@example.com,\(name) \(index)\n" }
        return Array(text.utf8)
    }

    @Test func theOneCSVInsideIsReadWithItsNameInMessages() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.archive(
            [("export/contacts.csv", Self.csv(rows: 20_000)), ("__MACOSX/._contacts.csv", [0, 1, 2])], in: directory)
        let input = try InputOpener.open(path)
        #expect(input.compression == .zip)
        #expect(input.name == path + ":export/contacts.csv")
        let (records, errors) = try input.reader.readAll()
        #expect(errors.isEmpty)
        #expect(records.count == 20_000)
        #expect(records.last?.values == ["u19999@example.com", "Zoë 19999"])
    }

    @Test func severalFilesNeedEntryWhichChoosesByPathOrName() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.archive(
            [
                ("subscribed_members_export.csv", Self.csv(rows: 3)),
                ("unsubscribed_members_export.csv", Self.csv(rows: 2, name: "Gone")),
                ("cleaned_members_export.csv", Self.csv(rows: 1)),
            ], in: directory)
        #expect {
            _ = try InputOpener.open(path)
        } throws: { error in
            (error as? ContactIOError)?.message.contains("holds 3 files") == true
                && (error as? ContactIOError)?.message.contains("--entry NAME") == true
        }
        let chosen = try InputOpener.open(path, options: ReaderOptions(entries: ["unsubscribed_members_export.csv"]))
        #expect(try chosen.reader.readAll().records.map { $0.values[1] } == ["Gone 0", "Gone 1"])
        #expect {
            _ = try InputOpener.open(path, options: ReaderOptions(entries: ["nope.csv"]))
        } throws: { error in
            (error as? ContactIOError)?.message.contains("no single file named 'nope.csv'") == true
        }
    }

    @Test func aMailchimpExportIsReadAsOneFileWithItsEntriesNamed() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.archive(
            [
                ("subscribed_members_export_8f1e2d3c4b.csv", Array("Email Address,First Name\na@x.io,Ann\n".utf8)),
                (
                    "unsubscribed_members_export_8f1e2d3c4b.csv",
                    Array("Email Address,First Name,UNSUB_TIME\nb@x.io,Bo,2024-01-02\nbad\n".utf8)
                ),
                (
                    "cleaned_members_export_8f1e2d3c4b.csv",
                    Array("Email Address,CLEAN_TIME,First Name\nc@x.io,2024-03-04,Cy\n".utf8)
                ),
            ], in: directory)
        let input = try InputOpener.open(path, options: ReaderOptions(allEntries: true))
        #expect(input.compression == .zip)
        #expect(
            input.reader.columns == [
                "Email Address", "First Name", "UNSUB_TIME", "CLEAN_TIME", "_entry", "_entry_kind",
            ])
        let (records, errors) = try input.reader.readAll()
        #expect(
            records.map(\.values) == [
                ["a@x.io", "Ann", "", "", "subscribed_members_export_8f1e2d3c4b.csv", "subscribed_members_export"],
                [
                    "b@x.io", "Bo", "2024-01-02", "", "unsubscribed_members_export_8f1e2d3c4b.csv",
                    "unsubscribed_members_export",
                ],
                ["c@x.io", "Cy", "", "2024-03-04", "cleaned_members_export_8f1e2d3c4b.csv", "cleaned_members_export"],
            ])
        #expect(records.map(\.number) == [1, 2, 4])
        #expect(records.map(\.line) == [2, 2, 2])
        // The short row of the second file is that file's line 3, named with the file.
        #expect(errors.map(\.line) == [3])
        #expect(errors.first?.file == path + ":unsubscribed_members_export_8f1e2d3c4b.csv")
        #expect(errors.first?.recordNumber == 3)
        // Two named entries read together the same way.
        let two = try InputOpener.open(
            path,
            options: ReaderOptions(entries: [
                "cleaned_members_export_8f1e2d3c4b.csv", "subscribed_members_export_8f1e2d3c4b.csv",
            ]))
        #expect(try two.reader.readAll().records.map { $0.values[0] } == ["c@x.io", "a@x.io"])
    }

    @Test func everyReplacedCellOfEveryEntryIsCounted() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var bad = Array("email,name\n".utf8)
        for line in 0..<1_500 { bad += Array("u\(line)@x.io,".utf8) + [0xC3, 0x28] + [0x0A] }
        let path = try Self.archive([("a.csv", bad), ("b.csv", bad)], in: directory)
        let input = try InputOpener.open(
            path, options: ReaderOptions(encoding: .utf8, allEntries: true, invalidUTF8: .replace))
        _ = try input.reader.readAll()
        let replacements = input.reader.replacements
        #expect(replacements.count == 3_000)
        #expect(replacements.cells.count == replacements.limit)
        #expect(replacements.cells.first == Replacements.Cell(line: 2, field: "a.csv: name"))
    }

    @Test func aWindows1252FileInsideIsDetectedToo() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = Array("email,name\ns@example.com,Søren Schröder\n".data(using: .windowsCP1252)!)
        let path = try Self.archive([("Report.csv", bytes)], in: directory)
        let input = try InputOpener.open(path)
        #expect(input.encoding.encoding == .windows1252)
        #expect(try input.reader.readAll().records.first?.values == ["s@example.com", "Søren Schröder"])
    }

    /// Patches a 32-bit little-endian field after every occurrence of `signature` (local or central header).
    static func patch(_ bytes: inout [UInt8], signature: [UInt8], offset: Int, value: UInt32) {
        var index = 0
        while index + offset + 4 <= bytes.count {
            if Array(bytes[index..<index + 4]) == signature {
                for byte in 0..<4 { bytes[index + offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * byte)) }
            }
            index += 1
        }
    }

    @Test func anEntryThatInflatesToMoreThanItDeclaresIsStopped() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.archive([("a.csv", Self.csv(rows: 50_000))], in: directory)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // The uncompressed size: offset 22 in the local header, 24 in the central directory.
        Self.patch(&bytes, signature: [0x50, 0x4B, 0x03, 0x04], offset: 22, value: 1000)
        Self.patch(&bytes, signature: [0x50, 0x4B, 0x01, 0x02], offset: 24, value: 1000)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // Whether at the header or later, the error comes once more than the declared bytes have come.
        #expect {
            _ = try InputOpener.open(path).reader.readAll()
        } throws: { error in
            (error as? ContactIOError)?.message.contains("inflates to more than the 1000 bytes it declares") == true
        }
    }

    @Test func anEntryDeclaringAnImplausibleRatioIsRefusedBeforeReading() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.archive([("bomb.csv", Self.csv(rows: 10))], in: directory)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        Self.patch(&bytes, signature: [0x50, 0x4B, 0x03, 0x04], offset: 22, value: 0xF000_0000)
        Self.patch(&bytes, signature: [0x50, 0x4B, 0x01, 0x02], offset: 24, value: 0xF000_0000)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try InputOpener.open(path)
        } throws: { error in
            (error as? ContactIOError)?.message.contains("refused as a likely zip bomb") == true
        }
    }

    @Test func truncatedAndCorruptArchivesEndWithOneError() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.archive([("a.csv", Self.csv(rows: 5_000))], in: directory)
        let whole = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Cut: the central directory is gone, so the archive cannot be listed.
        try Data(whole.prefix(whole.count / 2)).write(to: URL(fileURLWithPath: path))
        #expect(throws: ContactIOError.self) { _ = try InputOpener.open(path).reader.readAll() }
        // Corrupt: bytes of the deflated data flipped.
        var corrupt = whole
        for index in 60..<200 { corrupt[index] ^= 0x5A }
        try Data(corrupt).write(to: URL(fileURLWithPath: path))
        #expect(throws: ContactIOError.self) { _ = try InputOpener.open(path).reader.readAll() }
    }

    @Test func entryNamesThatClimbOutAreOnlyNames() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Two levels down, so that an entry climbing out by two would land in `directory`, which is ours alone.
        let nested = directory.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let path = try Self.archive([("../../evil.csv", Self.csv(rows: 2))], in: nested)
        let input = try InputOpener.open(path)
        #expect(try input.reader.readAll().records.count == 2)
        let files = FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String]
        #expect(Set(files ?? []) == ["a", "a/b", "a/b/export.zip"])
    }

    @Test func aZipOnStandardInputOrAWorkbookGetsOneLine() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.archive([("a.csv", Self.csv(rows: 2))], in: directory)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect {
            _ = try InputOpener.open(source: MemoryByteSource(bytes), name: "<stdin>")
        } throws: { error in
            (error as? ContactIOError)?.message.contains("save it to a file first") == true
        }
        let workbook = try Self.archive(
            [("[Content_Types].xml", Array("<Types/>".utf8)), ("xl/workbook.xml", Array("<workbook/>".utf8))],
            in: directory, name: "book.xlsx")
        #expect {
            _ = try InputOpener.open(workbook)
        } throws: { error in
            // A workbook is read as one (XLSXInputTests); this one lacks the parts that say where its sheets are.
            (error as? ContactIOError)?.kind == .corruptArchive
                && (error as? ContactIOError)?.message.contains("lacks its part xl/_rels/workbook.xml.rels") == true
        }
    }
}
