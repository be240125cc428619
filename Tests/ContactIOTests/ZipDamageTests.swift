import Foundation
import Testing
import ZIPFoundation

@testable import ContactIO

/// Zip archives that no zip tool writes (damaged, hostile, or in forms that are rare) end with one clear error, never
/// a hang; and every entry a zip tool writes is read back byte for byte.
struct ZipDamageTests {
    /// Reads the whole input at `path` on a thread of its own, so that a hang fails the test instead of stopping the
    /// suite: the error it ends with, or nil if it read to the end.
    static func readError(_ path: String, options: ReaderOptions = ReaderOptions()) throws -> ContactIOError? {
        final class Outcome: @unchecked Sendable {
            var error: Error?
            let done = DispatchSemaphore(value: 0)
        }
        let outcome = Outcome()
        let thread = Thread {
            do {
                _ = try InputOpener.open(path, options: options).reader.readAll()
            } catch {
                outcome.error = error
            }
            outcome.done.signal()
        }
        thread.start()
        guard outcome.done.wait(timeout: .now() + 60) == .success else {
            Issue.record("reading \(path) did not end within a minute")
            return nil
        }
        if let error = outcome.error {
            return try #require(error as? ContactIOError)
        }
        return nil
    }

    /// ``readError(_:options:)`` of `zip` written to a file of its own, removed after.
    static func readError(
        of zip: RawZip, zip64: Bool = false, options: ReaderOptions = ReaderOptions()
    ) throws -> ContactIOError? {
        let path = try write(zip.finish(zip64: zip64))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try readError(path, options: options)
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-\(UUID().uuidString).zip")
        try Data(bytes).write(to: url)
        return url.path
    }

    static let csv = ZipInputTests.csv(rows: 200)

    @Test func aDeflateStreamThatOutrunsItsEntryEndsWithAnError() throws {
        // A whole block of the text, not the last, then the start of a stored block of 65,535 bytes that the entry
        // does not have: inflating wants more than the entry holds (ZIPFoundation's inflater spun for ever here).
        let data = RawZip.storedBlocks(Self.csv, final: false) + [0x00, 0xFF, 0xFF, 0x00, 0x00]
        var zip = RawZip()
        zip.add("a.csv", data: data, uncompressedSize: UInt64(Self.csv.count + 65_535), checksum: 0)
        let error = try #require(try Self.readError(of: zip))
        #expect(error.kind == .corruptArchive)
        #expect(error.message.contains("a.csv's compressed data ends before its deflate stream does"))
    }

    @Test func aStoredEntryLongerThanTheFileEndsWithAnError() throws {
        var zip = RawZip()
        zip.add("a.csv", method: 0, data: Self.csv, uncompressedSize: 1_000_000, compressedSize: 1_000_000)
        let error = try #require(try Self.readError(of: zip))
        #expect(error.message.contains("the archive ends inside the data of the zip entry a.csv"))
    }

    @Test func aDamagedDeflateStreamNamesTheEntry() throws {
        // Block type 3 does not exist.
        var zip = RawZip()
        zip.add("a.csv", data: [0x07] + Self.csv, uncompressedSize: UInt64(Self.csv.count), checksum: 0)
        let error = try #require(try Self.readError(of: zip))
        #expect(error.message.contains("the zip entry a.csv's deflated data is corrupt"))
    }

    @Test func entriesThatShareTheirBytesAreRefused() throws {
        var zip = RawZip()
        let offset = zip.add("a.csv", data: RawZip.storedBlocks(Self.csv), uncompressedSize: UInt64(Self.csv.count))
        zip.addDirectoryRecord(
            "b.csv", localHeader: offset, compressedSize: UInt64(RawZip.storedBlocks(Self.csv).count),
            uncompressedSize: UInt64(Self.csv.count), checksum: RawZip.crc32(Self.csv))
        for all in [false, true] {
            let error = try #require(try Self.readError(of: zip, options: ReaderOptions(allEntries: all)))
            #expect(error.message.contains("a.csv and b.csv share their compressed bytes"))
        }
    }

    @Test func aDataDescriptorIsReadAndMustAgree() throws {
        // Sizes in a data descriptor after the data (which ZIPFoundation reads): as the directory says, then not.
        let data = RawZip.storedBlocks(Self.csv)
        let checksum = RawZip.crc32(Self.csv)
        for skew in [0, 1] {
            let descriptor =
                RawZip.le(UInt32(0x0807_4B50)) + RawZip.le(checksum) + RawZip.le(UInt32(data.count))
                + RawZip.le(UInt32(Self.csv.count + skew))
            var zip = RawZip()
            zip.add("a.csv", flags: 8, data: data, uncompressedSize: UInt64(Self.csv.count), after: descriptor)
            let error = try Self.readError(of: zip)
            if skew == 0 {
                #expect(error == nil)
            } else {
                #expect(error?.message.contains("a.csv is described differently in two places") == true)
            }
        }
    }

    @Test func anEncryptedEntryIsNamedNotSkipped() throws {
        // ZIPFoundation stops listing at an encrypted entry: the entries after it must not vanish without a word.
        var zip = RawZip()
        zip.add("a.csv", data: RawZip.storedBlocks(Self.csv), uncompressedSize: UInt64(Self.csv.count))
        zip.add("b.csv", flags: 1, data: RawZip.storedBlocks(Self.csv), uncompressedSize: UInt64(Self.csv.count))
        zip.add("c.csv", data: RawZip.storedBlocks(Self.csv), uncompressedSize: UInt64(Self.csv.count))
        let error = try #require(try Self.readError(of: zip, options: ReaderOptions(allEntries: true)))
        #expect(error.kind == .unsupportedFormat)
        #expect(error.message.contains("the zip entry b.csv is encrypted"))
    }

    @Test func anotherCompressionMethodIsNamed() throws {
        var zip = RawZip()
        zip.add("a.csv", method: 12, data: Self.csv, uncompressedSize: UInt64(Self.csv.count))
        let error = try #require(try Self.readError(of: zip))
        #expect(error.kind == .unsupportedFormat)
        #expect(error.message.contains("a.csv is compressed with bzip2"))
    }

    @Test func zip64RecordsAreRead() throws {
        // The second entry's sizes and offset are in its ZIP64 field (ZIPFoundation reads an offset of 0 there as
        // missing, so the first entry is a plain one), and the directory is found through the ZIP64 end record.
        var zip = RawZip()
        zip.add("a.csv", data: RawZip.storedBlocks(Self.csv), uncompressedSize: UInt64(Self.csv.count))
        zip.add("b.csv", data: RawZip.storedBlocks(Self.csv), uncompressedSize: UInt64(Self.csv.count), zip64: true)
        let path = try Self.write(zip.finish(zip64: true))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let records = try InputOpener.open(path, options: ReaderOptions(allEntries: true)).reader.readAll().records
        #expect(records.count == 400)
        #expect(records.last?.values == ["u199@example.com", "Zoë 199", "b.csv", "b"])
    }

    /// The threads of this process that inflate zip entries.
    static func inflatingThreads() -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?.hasPrefix("zip-inflate")
                == true
        }.count
    }

    @Test func manyEntriesAreReadOneAtATime() throws {
        // Thirty entries of 3 MB: opened together, each would keep a thread and a megabyte inflated ahead.
        let rows = 5_000
        let note = String(repeating: "a long note ", count: 50)
        let text = Array(("email,notes\n" + (0..<rows).map { "u\($0)@example.com,\(note)\n" }.joined()).utf8)
        let blocks = RawZip.storedBlocks(text)
        let checksum = RawZip.crc32(text)
        var zip = RawZip()
        for index in 0..<30 {
            zip.add(
                "day\(index).csv", data: blocks, uncompressedSize: UInt64(text.count), checksum: checksum)
        }
        let path = try Self.write(zip.finish())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let input = try InputOpener.open(path, options: ReaderOptions(allEntries: true))
        // The entries let go after their header stop inflating soon after (other tests may read a zip meanwhile).
        var threads = Self.inflatingThreads()
        for _ in 0..<500 where threads >= 10 {
            usleep(10_000)
            threads = Self.inflatingThreads()
        }
        #expect(threads < 10)
        // Into the third entry (two opened again on the way), in order.
        var count = 0
        while count <= 2 * rows, let result = try input.reader.next() {
            if case .record = result { count += 1 }
        }
        #expect(count == 2 * rows + 1)
        #expect(input.reader.current.makeRecord().values.suffix(2) == ["day2.csv", "day2"])
    }

    /// Deflated entries just over a multiple of the 64 KB output chunk, of text that repeats (rows of empty columns,
    /// identical rows): zlib can take the last input byte while the output chunk is full, and must then be called
    /// once more with no input to finish. Such an entry was refused as cut short.
    @Test func anEntryWhoseLastOutputComesAfterItsLastInputIsRead() throws {
        for pattern in [",,,,,,,\n", "a@b.c,Ann,Lee,subscribed\n"] {
            for extra in 1...40 {
                let length = 65_536 + extra
                let bytes = Array(
                    String(repeating: pattern, count: length / pattern.utf8.count + 1).utf8.prefix(length))
                let directory = try ZipInputTests.directory()
                defer { try? FileManager.default.removeItem(at: directory) }
                let path = try ZipInputTests.archive([("a.csv", bytes)], in: directory)
                let reading = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
                let entry = try #require(reading["a.csv"])
                var read: [UInt8] = []
                #expect(throws: Never.self, "\(pattern.debugDescription) at \(length) bytes") {
                    try ZipInput.stream(entry, of: reading, name: "edge.zip") { read.append(contentsOf: $0) }
                }
                let same = read == bytes
                #expect(same, "\(pattern.debugDescription) at \(length) bytes")
            }
        }
    }

    /// Archives written by ZIPFoundation (stored and deflated entries of random sizes, some empty, some several
    /// chunks long) read back through ``ZipInput/stream(_:of:name:consume:)`` equal what was written.
    @Test(arguments: 0..<4) func everyWrittenEntryReadsBackExactly(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        var entries: [(String, [UInt8])] = []
        var stored: Set<String> = []
        for index in 0..<Int.random(in: 1...6, using: &random) {
            let length =
                [0, 1, 1000, 65_536, 300_000].randomElement(using: &random)! + Int.random(in: 0..<3, using: &random)
            // Text that compresses (repeated words) or does not (random bytes), so deflate makes both block kinds.
            let compressible = Bool.random(using: &random)
            let bytes = (0..<length).map { offset in
                compressible ? UInt8(ascii: "a") + UInt8(offset % 7) : UInt8.random(in: 0...255, using: &random)
            }
            let path = "dir/entry\(index).csv"
            entries.append((path, bytes))
            if !Bool.random(using: &random) { stored.insert(path) }
        }
        let written = Dictionary(uniqueKeysWithValues: entries)
        let directory = try ZipInputTests.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try ZipInputTests.archive(entries, in: directory, stored: stored)
        let reading = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        try ZipInput.checkDirectory(of: reading, name: "roundtrip.zip")
        for entry in reading {
            var read: [UInt8] = []
            try ZipInput.stream(entry, of: reading, name: "roundtrip.zip") { read.append(contentsOf: $0) }
            #expect(read == written[entry.path], "\(entry.path) (seed \(seed))")
        }
        #expect(Set(reading.map(\.path)) == Set(written.keys))
    }
}

/// A zip archive written field by field, for the shapes that zip tools do not write.
struct RawZip {
    private(set) var bytes: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0

    /// Adds a local header with `data` after it (then `after`: a data descriptor, say), and a directory record
    /// pointing at it; returns the header's offset.
    @discardableResult
    mutating func add(
        _ name: String, method: UInt16 = 8, flags: UInt16 = 0, data: [UInt8], uncompressedSize: UInt64,
        compressedSize: UInt64? = nil, checksum: UInt32? = nil, zip64: Bool = false, after: [UInt8] = []
    ) -> UInt64 {
        let offset = UInt64(bytes.count)
        let compressed = compressedSize ?? UInt64(data.count)
        let checksum = checksum ?? Self.crc32(data.isEmpty ? [] : Self.inflatedForChecksum(data, method: method))
        let sizes: [UInt8] =
            zip64
            ? Self.le(UInt32.max) + Self.le(UInt32.max)
            : Self.le(UInt32(compressed)) + Self.le(UInt32(uncompressedSize))
        let extra =
            zip64 ? Self.le(UInt16(1)) + Self.le(UInt16(16)) + Self.le(uncompressedSize) + Self.le(compressed) : []
        bytes += Self.le(UInt32(0x0403_4B50)) + Self.le(UInt16(zip64 ? 45 : 20)) + Self.le(flags) + Self.le(method)
        bytes += Self.le(UInt32(0)) + Self.le(checksum) + sizes
        bytes += Self.le(UInt16(name.utf8.count)) + Self.le(UInt16(extra.count)) + Array(name.utf8) + extra + data
        bytes += after
        addDirectoryRecord(
            name, localHeader: offset, method: method, flags: flags, compressedSize: compressed,
            uncompressedSize: uncompressedSize, checksum: checksum, zip64: zip64)
        return offset
    }

    /// A directory record pointing at the local header at `localHeader`.
    mutating func addDirectoryRecord(
        _ name: String, localHeader: UInt64, method: UInt16 = 8, flags: UInt16 = 0, compressedSize: UInt64,
        uncompressedSize: UInt64, checksum: UInt32, zip64: Bool = false
    ) {
        let extra =
            zip64
            ? Self.le(UInt16(1)) + Self.le(UInt16(24)) + Self.le(uncompressedSize) + Self.le(compressedSize)
                + Self.le(localHeader) : []
        directory += Self.le(UInt32(0x0201_4B50)) + Self.le(UInt16(0x031E)) + Self.le(UInt16(zip64 ? 45 : 20))
        directory += Self.le(flags) + Self.le(method) + Self.le(UInt32(0)) + Self.le(checksum)
        directory +=
            zip64
            ? Self.le(UInt32.max) + Self.le(UInt32.max)
            : Self.le(UInt32(compressedSize)) + Self.le(UInt32(uncompressedSize))
        directory += Self.le(UInt16(name.utf8.count)) + Self.le(UInt16(extra.count)) + Self.le(UInt16(0))
        directory += Self.le(UInt16(0)) + Self.le(UInt16(0)) + Self.le(UInt32(0o100644) << 16)
        directory += Self.le(zip64 ? UInt32.max : UInt32(localHeader)) + Array(name.utf8) + extra
        count += 1
    }

    /// The archive: entries, directory, and the end records (the ZIP64 ones too when asked).
    func finish(zip64: Bool = false) -> [UInt8] {
        var archive = bytes + directory
        let directoryOffset = UInt64(bytes.count)
        if zip64 {
            let record = UInt64(archive.count)
            archive += Self.le(UInt32(0x0606_4B50)) + Self.le(UInt64(44)) + Self.le(UInt16(45)) + Self.le(UInt16(45))
            archive += Self.le(UInt32(0)) + Self.le(UInt32(0)) + Self.le(UInt64(count)) + Self.le(UInt64(count))
            archive += Self.le(UInt64(directory.count)) + Self.le(directoryOffset)
            archive += Self.le(UInt32(0x0706_4B50)) + Self.le(UInt32(0)) + Self.le(record) + Self.le(UInt32(1))
        }
        archive += Self.le(UInt32(0x0605_4B50)) + Self.le(UInt16(0)) + Self.le(UInt16(0))
        archive += zip64 ? Self.le(UInt16.max) + Self.le(UInt16.max) : Self.le(UInt16(count)) + Self.le(UInt16(count))
        archive +=
            zip64
            ? Self.le(UInt32.max) + Self.le(UInt32.max)
            : Self.le(UInt32(directory.count))
                + Self.le(
                    UInt32(directoryOffset))
        archive += Self.le(UInt16(0))
        return archive
    }

    /// `text` as a deflate stream of stored blocks (the last one final unless asked otherwise).
    static func storedBlocks(_ text: [UInt8], final: Bool = true) -> [UInt8] {
        var stream: [UInt8] = []
        var start = 0
        repeat {
            let end = min(text.count, start + 65_535)
            let last = end == text.count && final
            stream += [last ? 1 : 0] + le(UInt16(end - start)) + le(~UInt16(end - start)) + text[start..<end]
            start = end
        } while start < text.count
        return stream
    }

    /// The text inside stored blocks (what `storedBlocks` made), or the data itself, for its checksum.
    private static func inflatedForChecksum(_ data: [UInt8], method: UInt16) -> [UInt8] {
        guard method == 8 else { return data }
        var text: [UInt8] = []
        var position = 0
        while position + 5 <= data.count, data[position] & 0x06 == 0 {
            let length = Int(data[position + 1]) | Int(data[position + 2]) << 8
            text += data[(position + 5)..<min(data.count, position + 5 + length)]
            if data[position] & 1 == 1 { break }
            position += 5 + length
        }
        return text
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
