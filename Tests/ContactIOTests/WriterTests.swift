import ContactIO
import Foundation
import Testing

struct WriterTests {
    func csvText(_ rows: [[String]], header: [String], delimiter: UInt8 = UInt8(ascii: ",")) throws -> String {
        let sink = MemorySink()
        let writer = try CSVWriter(sink: sink, header: header, delimiter: delimiter)
        for row in rows { try writer.write(row: row) }
        try writer.finish()
        #expect(sink.finished)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    @Test func csvQuotesExactlyWhenNeeded() throws {
        let text = try csvText(
            [["plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", " spaced ", "é"]],
            header: ["a", "b", "c", "d", "e", "f", "g"])
        #expect(text == "a,b,c,d,e,f,g\nplain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\", spaced ,é\n")
    }

    @Test func csvQuotesTheChosenDelimiterOnly() throws {
        let text = try csvText([["a,b", "c;d"]], header: ["x", "y"], delimiter: UInt8(ascii: ";"))
        #expect(text == "x;y\na,b;\"c;d\"\n")
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")])
    func randomRecordsRoundTripThroughCSV(delimiter: UInt8) throws {
        var random = SeededRandom(seed: UInt64(delimiter))
        let pool = Array("ab ,;|\t\"\r\n'é中😀=+-@".map(String.init))
        let header = ["id", "email", "notes", "city"]
        var rows: [[String]] = []
        for index in 0..<2000 {
            rows.append(
                [String(index)]
                    + (0..<3).map { _ in
                        (0..<Int.random(in: 0...10, using: &random)).map { _ in pool.randomElement(using: &random)! }
                            .joined()
                    })
        }
        let text = try csvText(rows, header: header, delimiter: delimiter)
        for readSize in [3, 1000, Int.max] {
            let (records, errors) = try readAll(text, readSize: readSize, options: ReaderOptions(delimiter: delimiter))
            #expect(errors.isEmpty)
            #expect(records.map(\.values) == rows)
        }
        // Through gzip and back, with delimiter detection.
        let (records, errors) = try readAll(try gzip(Array(text.utf8)))
        #expect(errors.isEmpty)
        #expect(records.map(\.values) == rows)
    }

    @Test func ndjsonWriterWritesOneCompactObjectPerLine() throws {
        let sink = MemorySink()
        let writer = NDJSONWriter(sink: sink)
        try writer.write(
            .object(["email": .string("a\"b\n@x"), "n": .number("1.50"), "tags": .array([.null, .bool(true)])]))
        try writer.write(.object([:]))
        try writer.finish()
        #expect(
            String(decoding: sink.bytes, as: UTF8.self)
                == "{\"email\":\"a\\\"b\\n@x\",\"n\":1.50,\"tags\":[null,true]}\n{}\n")
        let (records, _) = try readAll(sink.bytes)
        #expect(records.first?["email"] == "a\"b\n@x")
        #expect(records.count == 2)
    }

    @Test func outputFileAppearsOnlyWhenCommitted() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("out.csv.gz").path
        let file = try OutputFile(path: path)
        let gzip = try GzipSink(next: file, name: path)
        let writer = try CSVWriter(sink: gzip, header: ["a"])
        for index in 0..<50_000 { try writer.write(row: [String(index)]) }
        try writer.flush()
        #expect(!FileManager.default.fileExists(atPath: path))
        try writer.finish()
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.csv.gz"])
        let (records, _) = try InputOpener.open(path).reader.readAll()
        #expect(records.count == 50_000)
    }

    @Test func abortedOutputLeavesTheOldFileAndNoTemporary() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("out.ndjson").path
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: path))
        do {
            let file = try OutputFile(path: path)
            try file.write(Array("new, half written".utf8))
            file.abort()
        }
        do {
            // Dropped without commit: same as abort.
            let file = try OutputFile(path: path)
            try file.write(Array("also half".utf8))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.ndjson"])
    }

    @Test func unwritableDirectoryIsAClearError() {
        let error = #expect(throws: ContactIOError.self) { _ = try OutputFile(path: "/nonexistent/dir/out.csv") }
        #expect(error?.kind == .cannotOpen)
        #expect(error?.description.hasPrefix("/nonexistent/dir/out.csv: cannot create the output") == true)
    }
}
