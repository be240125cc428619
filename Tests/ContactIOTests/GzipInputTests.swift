import ContactIO
import Foundation
import Testing

struct GzipInputTests {
    /// A CSV with `rows` data rows, every row distinct.
    func csv(rows: Int, from start: Int = 0) -> [UInt8] {
        var text = "id,email,notes\n"
        for index in start..<(start + rows) {
            text += "\(index),user\(index)@example.com,\"note \(index), with a comma\"\n"
        }
        return Array(text.utf8)
    }

    func rows(_ bytes: [UInt8], from start: Int = 0) -> [UInt8] {
        Array(bytes.drop { $0 != 0x0A }.dropFirst())
    }

    @Test(arguments: [1, 13, 4096, Int.max])
    func gzipIsDetectedByMagicBytesAndReadCompletely(readSize: Int) throws {
        let plain = csv(rows: 5000)
        let input = try InputOpener.open(
            source: MemoryByteSource(try gzip(plain), readSize: readSize), name: "contacts.csv")
        #expect(input.compression == .gzip)
        #expect(input.format == .csv)
        let (records, errors) = try input.reader.readAll()
        #expect(errors.isEmpty)
        #expect(records.count == 5000)
        #expect(records.last?.values == ["4999", "user4999@example.com", "note 4999, with a comma"])
    }

    @Test func concatenatedMembersAreAllRead() throws {
        let first = try gzip(csv(rows: 1000))
        let second = try gzip(rows(csv(rows: 1000, from: 1000)))
        let (records, errors) = try readAll(first + second)
        #expect(errors.isEmpty)
        #expect(records.count == 2000)
        #expect(records.map { Int($0.values[0])! } == Array(0..<2000))
    }

    @Test func truncatedStreamDeliversEarlierRecordsThenNamesTheOffset() throws {
        let compressed = try gzip(csv(rows: 20000))
        let cut = Array(compressed.prefix(compressed.count / 2))
        let input = try InputOpener.open(source: MemoryByteSource(cut), name: "cut.csv.gz")
        var count = 0
        let error = #expect(throws: ContactIOError.self) {
            while let result = try input.reader.next() {
                if case .record = result {
                    #expect(Int(input.reader.current.value(0)) == count)
                    count += 1
                }
            }
        }
        #expect(count > 1000)
        #expect(count < 20000)
        #expect(error?.kind == .truncatedGzip)
        #expect(error?.file == "cut.csv.gz")
        #expect(error?.compressedOffset == cut.count)
        #expect(error?.description.contains("cut.csv.gz") == true)
    }

    /// However the text is decoded (as it is, or from Windows-1252 or UTF-16, detected or given), a stream cut short
    /// ends with the gzip error after the records before it, also when the cut is met while the encoding is still
    /// being sniffed (it was lost there, and half a file read as the whole of it).
    @Test(arguments: ["utf8", "windows-1252", "utf-16", "given windows-1252"], [0.05, 0.5])
    func aCutStreamEndsWithItsErrorInEveryEncoding(encoding: String, fraction: Double) throws {
        var text = "email,name\n"
        for index in 0..<20_000 { text += "u\(index)@example.com,\(encoding == "utf8" ? "Zoe" : "Zoë") \(index)\n" }
        var options = ReaderOptions()
        let bytes: [UInt8]
        switch encoding {
        case "utf8":
            bytes = Array(text.utf8)
        case "utf-16":
            bytes = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }
        default:
            bytes = text.unicodeScalars.map { UInt8($0.value) }
            if encoding.hasPrefix("given") { options.encoding = TextEncoding(named: "windows-1252") }
        }
        let compressed = try gzip(bytes)
        let cut = Array(compressed.prefix(Int(Double(compressed.count) * fraction)))
        let input = try InputOpener.open(source: MemoryByteSource(cut), name: "cut.csv.gz", options: options)
        var count = 0
        let error = #expect(throws: ContactIOError.self) {
            while let result = try input.reader.next() {
                if case .record = result { count += 1 }
            }
        }
        #expect(error?.kind == .truncatedGzip, "\(encoding), cut at \(fraction)")
        #expect(count < 20_000)
    }

    @Test func corruptStreamDeliversEarlierRecordsThenNamesTheOffset() throws {
        var compressed = try gzip(csv(rows: 20000))
        let middle = compressed.count / 2
        for offset in middle..<(middle + 64) {
            compressed[offset] ^= 0x5A
        }
        let input = try InputOpener.open(source: MemoryByteSource(compressed), name: "bad.csv.gz")
        var count = 0
        let error = #expect(throws: ContactIOError.self) {
            while let result = try input.reader.next() {
                if case .record = result { count += 1 }
            }
        }
        #expect(count > 1000)
        #expect(error?.kind == .corruptGzip || error?.kind == .truncatedGzip)
        let offset = try #require(error?.compressedOffset)
        #expect(offset >= middle && offset <= compressed.count)
    }

    @Test func trailingGarbageAfterTheLastMemberIsAnError() throws {
        let compressed = try gzip(csv(rows: 10)) + Array("garbage".utf8)
        let input = try InputOpener.open(source: MemoryByteSource(compressed), name: "g.gz")
        var count = 0
        #expect(throws: ContactIOError.self) {
            while let result = try input.reader.next() {
                if case .record = result { count += 1 }
            }
        }
        #expect(count == 10)
    }

    @Test func zeroPaddingAfterTheLastMemberIsAccepted() throws {
        let compressed = try gzip(csv(rows: 10)) + [UInt8](repeating: 0, count: 512)
        let (records, errors) = try readAll(compressed)
        #expect(records.count == 10)
        #expect(errors.isEmpty)
    }

    @Test func gzippedNDJSONIsDetected() throws {
        let text = (0..<100).map { "{\"id\":\($0)}" }.joined(separator: "\n")
        let input = try InputOpener.open(source: MemoryByteSource(try gzip(Array(text.utf8))), name: "x")
        #expect(input.compression == .gzip)
        #expect(input.format == .ndjson)
        #expect(try input.reader.readAll().records.count == 100)
    }

    @Test func realFileAndAPipeReadLikeStdin() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("c.csv.gz").path
        let compressed = try gzip(csv(rows: 3000))
        try Data(compressed).write(to: URL(fileURLWithPath: path))
        let fromFile = try InputOpener.open(path)
        #expect(fromFile.fileSize == compressed.count)
        #expect(try fromFile.reader.readAll().records.count == 3000)

        // A pipe behaves like stdin: short reads, no size, no seeking.
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        let thread = Thread {
            writer.write(Data(compressed))
            try? writer.close()
        }
        thread.start()
        let source = FileByteSource(descriptor: pipe.fileHandleForReading.fileDescriptor, name: "<stdin>", owns: false)
        let fromPipe = try InputOpener.open(source: source, name: source.name)
        #expect(source.regularFileSize == nil)
        #expect(try fromPipe.reader.readAll().records.count == 3000)
    }

    @Test func missingFileIsAClearError() {
        let error = #expect(throws: ContactIOError.self) { _ = try InputOpener.open("/nonexistent/x.csv") }
        #expect(error?.kind == .cannotOpen)
        #expect(error?.description == "/nonexistent/x.csv: cannot open: No such file or directory")
    }
}
