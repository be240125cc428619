import ContactIO
import Foundation
import Testing

/// Files as Excel and CRMs write them: Windows-1252 and UTF-16 are read as such with no flag, bytes that are not
/// valid in the file's encoding are never replaced silently, and files that are not text get one clear line.
struct EncodingTests {
    static let text = "email,name,city\nsoren@example.com,Søren Schröder,Köln\nanna@example.com,Anna Müller,Zürich\n"
    static let values = [
        ["soren@example.com", "Søren Schröder", "Köln"], ["anna@example.com", "Anna Müller", "Zürich"],
    ]

    static func encoded(_ text: String, _ encoding: String.Encoding) -> [UInt8] {
        Array(text.data(using: encoding)!)
    }

    static func open(_ bytes: [UInt8], readSize: Int = .max, options: ReaderOptions = ReaderOptions()) throws
        -> OpenedInput
    {
        try InputOpener.open(source: MemoryByteSource(bytes, readSize: readSize), name: "in.csv", options: options)
    }

    @Test(arguments: boundaryReadSizes)
    func windows1252IsDetectedAndTranscoded(readSize: Int) throws {
        let input = try Self.open(Self.encoded(Self.text, .windowsCP1252), readSize: readSize)
        #expect(input.encoding.encoding == .windows1252)
        #expect(input.encoding.description.contains("is not valid UTF-8"))
        let (records, errors) = try input.reader.readAll()
        #expect(errors.isEmpty)
        #expect(records.map(\.values) == Self.values)
    }

    @Test(arguments: boundaryReadSizes)
    func utf16WithAByteOrderMarkIsTranscoded(readSize: Int) throws {
        let crlf = Self.text.replacingOccurrences(of: "\n", with: "\r\n")
        let little = [0xFF, 0xFE] + Self.encoded(crlf, .utf16LittleEndian)
        let big = [0xFE, 0xFF] + Self.encoded(crlf, .utf16BigEndian)
        for (bytes, encoding) in [(little, TextEncoding.utf16LE), (big, .utf16BE)] {
            let input = try Self.open(bytes, readSize: readSize)
            #expect(input.encoding == DetectedEncoding(encoding, .byteOrderMark))
            let (records, errors) = try input.reader.readAll()
            #expect(errors.isEmpty)
            #expect(records.map(\.values) == Self.values)
        }
    }

    /// Megabytes, so that the transcoder's output crosses many chunk boundaries of the thread that runs it.
    @Test(arguments: [1, 4093, Int.max])
    func aLargeTranscodedFileIsReadToItsLastRow(readSize: Int) throws {
        var text = "email,name\n"
        for index in 0..<40_000 { text += "u\(index)@example.com,Søren Schröder-Müller \(index)\n" }
        for (bytes, encoding) in [
            (Self.encoded(text, .windowsCP1252), TextEncoding.windows1252),
            ([0xFF, 0xFE] + Self.encoded(text, .utf16LittleEndian), .utf16LE),
        ] {
            let input = try Self.open(bytes, readSize: readSize == 1 ? 65_536 : readSize)
            #expect(input.encoding.encoding == encoding)
            let (records, errors) = try input.reader.readAll()
            #expect(errors.isEmpty)
            #expect(records.count == 40_000)
            #expect(records.last?.values == ["u39999@example.com", "Søren Schröder-Müller 39999"])
        }
    }

    /// A two-byte character at every place around the end of the transcoding thread's 256 KiB chunks: a chunk with a
    /// byte of room left must not end the file (it once did, 26 % into the 1M-row benchmark file).
    @Test func aCharacterAcrossAChunkEndIsNotTheEndOfTheFile() throws {
        let header = "email,name\n"
        for shift in 262_136...262_150 {
            let pad = String(repeating: "x", count: shift - header.utf8.count - "a@x.io,".utf8.count)
            let text = header + "a@x.io," + pad + "ø\n" + "b@x.io,Ø\n"
            let input = try Self.open(Self.encoded(text, .windowsCP1252))
            let (records, errors) = try input.reader.readAll()
            #expect(errors.isEmpty && records.map { $0.values[0] } == ["a@x.io", "b@x.io"], "at \(shift)")
        }
    }

    @Test func utf16WithoutAByteOrderMarkIsRecognisedByItsZeros() throws {
        let input = try Self.open(Self.encoded(Self.text, .utf16LittleEndian))
        #expect(input.encoding.encoding == .utf16LE)
        #expect(try input.reader.readAll().records.map(\.values) == Self.values)
    }

    @Test func utf8StaysUTF8AndPlainASCIIIsSaidToBe() throws {
        let input = try Self.open(Array(Self.text.utf8))
        #expect(input.encoding == DetectedEncoding(.utf8, .content(firstInvalidOffset: nil)))
        #expect(try input.reader.readAll().records.map(\.values) == Self.values)
        let ascii = try Self.open(Array("email\na@example.com\n".utf8))
        #expect(ascii.encoding == DetectedEncoding(.utf8, .onlyASCII(wholeFile: true)))
    }

    @Test func aByteWindows1252LeavesUndefinedIsARowErrorOrACountedReplacement() throws {
        let bytes =
            Self.encoded("email,name\na@example.com,Zoë\n", .windowsCP1252)
            + Array("b@example.com,X".utf8) + [0x81] + Array("Y\n".utf8)
            + Self.encoded("c@example.com,Ça\n", .windowsCP1252)
        let (records, errors) = try Self.open(bytes).reader.readAll()
        #expect(records.map { $0.values[1] } == ["Zoë", "Ça"])
        #expect(errors.count == 1)
        #expect(errors.first?.line == 3)
        #expect(errors.first?.field == "name")
        #expect(errors.first?.message.contains("not valid WINDOWS-1252") == true)

        let replacing = try Self.open(bytes, options: ReaderOptions(invalidUTF8: .replace))
        let (kept, none) = try replacing.reader.readAll()
        #expect(none.isEmpty)
        #expect(kept.map { $0.values[1] } == ["Zoë", "X\u{FFFD}Y", "Ça"])
        #expect(replacing.reader.replacements.count == 1)
        #expect(replacing.reader.replacements.cells == [Replacements.Cell(line: 3, field: "name")])
        let summary = replacing.reader.replacements.summary(encoding: replacing.encoding.encoding)
        #expect(summary?.contains("line 3 (name)") == true)
    }

    @Test func everyReplacedUTF8CellIsCountedWithItsLine() throws {
        var bytes = Array("email,name,city\n".utf8)
        for line in 2...1502 {
            bytes += Array("u\(line)@example.com,".utf8) + [0xC3, 0x28] + Array(",ok\n".utf8)
        }
        let input = try Self.open(bytes, options: ReaderOptions(encoding: .utf8, invalidUTF8: .replace))
        let (records, errors) = try input.reader.readAll()
        #expect(errors.isEmpty && records.count == 1501)
        let replacements = input.reader.replacements
        #expect(replacements.count == 1501)
        #expect(replacements.cells.count == replacements.limit)
        #expect(replacements.cells.first == Replacements.Cell(line: 2, field: "name"))
        #expect(replacements.summary(encoding: .utf8)?.hasSuffix("and 1481 more") == true)
    }

    @Test func aPlainFileWhoseFirstNonASCIIByteIsFarInIsStillDetected() throws {
        var text = "email,name\n"
        for index in 0..<3000 { text += "u\(index)@example.com,Plain Name\n" }
        text += "z@example.com,Søren\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("late-\(UUID().uuidString).csv").path
        try Data(Self.encoded(text, .windowsCP1252)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = ReaderOptions(bufferSize: 4096)
        let input = try InputOpener.open(path, options: options)
        #expect(input.encoding.encoding == .windows1252)
        let (records, errors) = try input.reader.readAll()
        #expect(errors.isEmpty)
        #expect(records.last?.values == ["z@example.com", "Søren"])

        // A stream cannot be looked at ahead: it is read as UTF-8, and the row says what to do.
        let stream = try Self.open(Self.encoded(text, .windowsCP1252), options: options)
        #expect(stream.encoding.isAssumed)
        let streamed = try stream.reader.readAll()
        #expect(streamed.errors.count == 1)
        #expect(streamed.errors.first?.message.contains("--encoding windows-1252") == true)
    }

    @Test func aGivenEncodingIsUsed() throws {
        let latin9 = [0xA4] + Array(",x\n1,2\n".utf8)  // 0xA4 is the euro sign in ISO-8859-15
        let input = try Self.open(latin9, options: ReaderOptions(encoding: TextEncoding(named: "latin9")))
        #expect(input.encoding == DetectedEncoding(TextEncoding(named: "ISO-8859-15")!, .given))
        #expect((input.reader as? CSVReader)?.header == ["€", "x"])
        #expect(TextEncoding(named: "cp1252") == .windows1252)
        #expect(TextEncoding(named: "utf16") == .utf16LE)
        #expect(TextEncoding(named: "no-such-encoding") == nil)
        #expect(TextEncoding(named: "UTF-8; rm -rf") == nil)
    }

    @Test func filesThatAreNotTextGetOneClearLine() throws {
        let cases: [([UInt8], String)] = [
            ([0x89] + Array("PNG\r\n".utf8) + [0x1A, 0x0A, 0, 0], "a PNG image"),
            (Array("%PDF-1.7\n".utf8), "a PDF document"),
            ([0x50, 0x4B, 0x03, 0x04, 20, 0] + Array("[Content_Types].xml".utf8), "an Excel workbook (.xlsx)"),
            ([0x50, 0x4B, 0x03, 0x04, 20, 0] + Array("subscribed.csv".utf8), "a zip archive"),
            ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], "an old Excel workbook (.xls)"),
        ]
        for (bytes, kind) in cases {
            #expect {
                _ = try Self.open(bytes)
            } throws: { error in
                guard let error = error as? ContactIOError else { return false }
                return error.kind == .unsupportedFormat && error.description.contains(kind)
                    && error.description.hasPrefix("in.csv: ")
            }
        }
    }
}
