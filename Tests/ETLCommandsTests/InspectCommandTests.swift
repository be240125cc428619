import ArgumentParser
import ContactIO
import ETLCommands
import Foundation
import JSONText
import Testing

struct InspectCommandTests {
    let csv = Data("email,name\na@x.com,Ann\nb@x.com,Bob,extra\nc@x.com,\"Cy\nMulti\"\n".utf8)

    @Test func badDelimiterIsAUsageError() {
        #expect(throws: (any Error).self) { _ = try IntercomETL.parseAsRoot(["inspect", "x.csv", "--delimiter", "x"]) }
        #expect(IntercomETL.exitCode(for: ValidationError("x")) == ETLExit.usage)
    }

    @Test func reportsCountsAndRowErrorsWithLinesAndExitsOne() throws {
        let path = try temporaryFile(named: "people.csv", contents: csv)
        let output = try CommandRunner.run(["inspect", path])
        #expect(output.status == 1)
        #expect(output.stdout.contains("format:       csv"))
        #expect(output.stdout.contains("delimiter:    ','"))
        #expect(output.stdout.contains("header:       2 columns: email, name"))
        #expect(output.stdout.contains("records:      2"))
        #expect(output.stdout.contains("row errors:   1"))
        #expect(output.stdout.contains("\(path):3: record 2: expected 2 fields as in the header, found 3"))
    }

    @Test func cleanFileExitsZero() throws {
        let path = try temporaryFile(named: "ok.csv", contents: Data("a;b\n1;2\n".utf8))
        let output = try CommandRunner.run(["inspect", path])
        #expect(output.status == 0)
        #expect(output.stdout.contains("delimiter:    ';'"))
    }

    @Test func readsGzippedNDJSONFromStdinAsJSON() throws {
        let sink = GzipMemorySink()
        let gzip = try GzipSink(next: sink, name: "mem")
        try gzip.write(Array("{\"email\":\"a@x.com\"}\n{\"email\":\"b@x.com\",\"tags\":[1]}\n".utf8))
        try gzip.finish()
        let output = try CommandRunner.run(["inspect", "--json", "-"], stdin: Data(sink.bytes))
        #expect(output.status == 0)
        let report = try JSONValue.parse(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(report["file"] == .string("<stdin>"))
        #expect(report["format"] == .string("ndjson"))
        #expect(report["compression"] == .string("gzip"))
        #expect(report["records"] == .number("2"))
        #expect(report["keys"] == .array([.string("email"), .string("tags")]))
    }

    @Test func corruptGzipExitsTwoAndNamesTheOffset() throws {
        let sink = GzipMemorySink()
        let gzip = try GzipSink(next: sink, name: "mem")
        try gzip.write(Array((0..<5000).map { "\($0),user\($0)@example.com\n" }.joined().utf8))
        try gzip.finish()
        let truncated = Data(sink.bytes.prefix(sink.bytes.count - 100))
        let path = try temporaryFile(named: "cut.csv.gz", contents: truncated)
        let output = try CommandRunner.run(["inspect", path])
        #expect(output.status == 2)
        #expect(output.stderr.contains("\(path): the gzip stream is truncated"))
        #expect(output.stderr.contains("compressed byte offset \(truncated.count)"))
        #expect(output.stdout.contains("records:"))
    }

    @Test func missingFileExitsTwo() throws {
        let output = try CommandRunner.run(["inspect", "/nonexistent/contacts.csv"])
        #expect(output.status == 2)
        #expect(output.stderr == "error: /nonexistent/contacts.csv: cannot open: No such file or directory\n")
    }

    @Test func helpExplainsTheExitCodes() throws {
        let output = try CommandRunner.run(["inspect", "--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("Exits 1 when"))
        #expect(output.stdout.contains("'-' for standard input"))
    }
}

final class GzipMemorySink: ByteSink {
    var bytes: [UInt8] = []
    func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes.append(contentsOf: bytes) }
    func finish() throws {}
}
