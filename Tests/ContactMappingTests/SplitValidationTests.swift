import ContactIO
import Foundation
import Testing

@testable import ContactMapping

/// A file validated in two parts at once must give what reading it in order gives: the same counts, rejects,
/// duplicates and reject report, with lines and record numbers of the whole file.
struct SplitValidationTests {
    let yaml = """
        role: user
        match: email
        fields:
          email: {column: email, transforms: [trim, lower]}
          name: name
          signed_up_at: {column: joined, date: [iso8601]}
        """

    /// Runs `text` in order and split (the cut near the middle), with a CSV reject report (or none, when `report` is
    /// nil: the report then reads as empty); returns both summaries and reports: in order with a key table that keeps
    /// lines (as for standard input), split with one that keeps hashes alone (the first lines of the examples found
    /// again from the file). The other two runs (in order with hashes alone, split with lines) must give the same as
    /// the returned ones.
    func runBoth(
        _ text: String, yaml: String? = nil, maxErrors: MaxErrors? = nil, keep: Int = 10, report: String? = "r.csv"
    ) throws -> (sequential: (ValidationSummary, String), split: (ValidationSummary, String)) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("input").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let mapping = try MappingFile.parse(yaml ?? self.yaml, path: "m.yml")
        func run(split: Bool, reopens: Bool) throws -> (ValidationSummary, String) {
            let input = try InputOpener.open(path)
            let name = (split ? "split-" : "seq-") + (reopens ? "reopen-" : "") + (report ?? "none")
            let reportPath = directory.appendingPathComponent(name).path
            let rejects = try report.map { _ in
                try RejectReport(path: reportPath, header: (input.reader as? CSVReader)?.header)
            }
            let cut = split ? InputSplit.make(input, path: path, options: ReaderOptions(), minimumSize: 0) : nil
            if split { #expect(cut != nil) }
            let summary = try ValidationRun.run(
                input, mapping: mapping, rejects: rejects, maxErrors: maxErrors, keep: keep, split: cut,
                reopen: reopens ? { try InputOpener.open(path) } : nil)
            try rejects?.finish()
            return (summary, rejects == nil ? "" : try String(contentsOfFile: reportPath, encoding: .utf8))
        }
        let sequential = try run(split: false, reopens: false)
        let split = try run(split: true, reopens: true)
        for (other, name) in [
            (try run(split: false, reopens: true), "in order"), (try run(split: true, reopens: false), "split"),
        ] {
            #expect(describe(other.0) == describe(name == "split" ? split.0 : sequential.0), "\(name)")
            #expect(other.1 == (name == "split" ? split.1 : sequential.1), "\(name)")
        }
        return (sequential, split)
    }

    /// Everything a summary shows, to compare two of them.
    func describe(_ summary: ValidationSummary) -> String {
        let reasons = summary.rejectedByReason.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let duplicates = summary.firstDuplicates.map { "\($0.key)@\($0.line)<\($0.firstLine.map(String.init) ?? "?")" }
        return """
            read \(summary.read) valid \(summary.valid) rejected \(summary.rejected) \(reasons)
            duplicates \(summary.duplicateKeys) \(duplicates)
            rejects \(summary.firstRejects.map { "\($0.line) \($0.recordNumber) \($0.field ?? "-") \($0.message)" })
            stopped \(summary.stoppedEarly ?? "-") failure \(summary.failure.map { "\($0)" } ?? "-")
            """
    }

    /// Rows with every kind of outcome, spread over the whole file; keys repeat within and across the halves.
    /// Quoted line breaks are in the first 40 % only, so that the cut near the middle is between records.
    func mixedRows(_ count: Int, lineEnd: String = "\n") -> String {
        var text = "email,name,joined" + lineEnd
        for index in 0..<count {
            switch index % 17 {
            case 3: text += "not-an-email,N\(index),2024-01-01"
            case 5: text += "e\(index)@x.com,N\(index),2024-01-01,extra"
            case 7: text += "e\(index)@x.com,N\(index),31/31/2024"
            case 11: text += "E\(index / 2)@X.com,\"Quoted, \(index)\",2024-02-02"
            case 13 where index < count * 4 / 10:
                text += "e\((index * 7919) % max(1, count / 3))@x.com,\"two\nlines\",2024-03-03"
            default: text += "e\(index)@x.com,N\(index),2024-01-0\(index % 9 + 1)"
            }
            text += lineEnd
        }
        return text
    }

    @Test(arguments: ["\n", "\r\n"])
    func aSplitCSVRunGivesWhatTheRunInOrderGives(lineEnd: String) throws {
        let (sequential, split) = try runBoth(mixedRows(3_000, lineEnd: lineEnd))
        #expect(split.0.usedSecondThread)
        #expect(!sequential.0.usedSecondThread)
        #expect(describe(split.0) == describe(sequential.0))
        #expect(split.1 == sequential.1)
        #expect(sequential.0.rejected > 500 && sequential.0.duplicateKeys > 100)
    }

    @Test func aSplitNDJSONRunGivesWhatTheRunInOrderGives() throws {
        var text = ""
        for index in 0..<3_000 {
            let email = index % 13 == 4 ? "broken" : "p\(index % 2_200)@x.com"
            text += "{\"email\":\"\(email)\",\"name\":\"N\\n\(index)\",\"joined\":\"2024-01-01\"}\n"
            if index % 500 == 0 { text += "\n" }
        }
        let (sequential, split) = try runBoth(text, report: "r.ndjson")
        #expect(split.0.usedSecondThread)
        #expect(describe(split.0) == describe(sequential.0))
        #expect(split.1 == sequential.1)
    }

    @Test func duplicatesAcrossTheCutAreReportedWithTheirKeysAndFirstLines() throws {
        // No key repeats before the cut: every example comes from after it, most of them of keys from before it.
        var text = "email,name,joined\n"
        for index in 0..<2_000 { text += "k\(index)@x.com,N,2024-01-01\n" }
        for index in 0..<2_000 { text += "K\(index % 1_900 + (index % 7 == 0 ? 5_000 : 0))@x.com,M,2024-01-01\n" }
        let (sequential, split) = try runBoth(text)
        #expect(split.0.usedSecondThread)
        #expect(describe(split.0) == describe(sequential.0))
        #expect(split.0.firstDuplicates.first?.key == "k1@x.com")
        #expect(split.0.firstDuplicates.first?.firstLine == 3)
    }

    @Test func aCutInsideAQuotedFieldFallsBackToReadingInOrder() throws {
        // One field of many lines around the middle: the first line break after the middle is inside its quotes.
        var text = "email,name,joined\n"
        for index in 0..<500 { text += "a\(index)@x.com,N,2024-01-01\n" }
        text += "q@x.com,\"" + (0..<2_000).map { "line \($0)" }.joined(separator: "\n") + "\",2024-01-01\n"
        for index in 0..<500 { text += "b\(index)@x.com,N,2024-01-01\n" }
        let (sequential, split) = try runBoth(text)
        #expect(!split.0.usedSecondThread)
        #expect(describe(split.0) == describe(sequential.0))
        #expect(split.1 == sequential.1)
        #expect(sequential.0.read == 1_001)
    }

    /// A report footer at the end (in the part after the cut) is skipped, named with its line in the whole file.
    @Test func aFooterAfterTheCutIsNotedAtItsLine() throws {
        let text =
            mixedRows(2_000) + "\"\"\n\"Confidential Information - Do Not Distribute\"\n\"Copyright (c) 2000-2024\"\n"
        let (sequential, split) = try runBoth(text)
        #expect(split.0.usedSecondThread)
        #expect(describe(split.0) == describe(sequential.0))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(sequential.0.skippedFooter?.line == lines - 2)
        #expect(split.0.skippedFooter == sequential.0.skippedFooter)
        #expect(sequential.0.read == 2_000)
    }

    /// Without a report, the rejects after the first `keep` are only counted by reason (not mapped again for all
    /// their problems): the summary must be the one a run with a report gives, in order and split.
    @Test(arguments: [1, 10])
    func withoutAReportTheSummaryIsTheSame(keep: Int) throws {
        let text = mixedRows(3_000)
        let reported = try runBoth(text, keep: keep)
        let counted = try runBoth(text, keep: keep, report: nil)
        #expect(counted.split.0.usedSecondThread)
        #expect(counted.sequential.0.rejected > 10 * keep)
        #expect(describe(counted.sequential.0) == describe(reported.sequential.0))
        #expect(describe(counted.split.0) == describe(reported.sequential.0))
        for limit in [MaxErrors.count(150), MaxErrors.count(320), MaxErrors.share(0.2)] {
            let reportedStop = try runBoth(text, maxErrors: limit, keep: keep)
            let countedStop = try runBoth(text, maxErrors: limit, keep: keep, report: nil)
            #expect(describe(countedStop.sequential.0) == describe(reportedStop.sequential.0), "\(limit)")
            #expect(describe(countedStop.split.0) == describe(reportedStop.sequential.0), "\(limit)")
        }
    }

    @Test(arguments: [MaxErrors.count(40), MaxErrors.share(0.10), MaxErrors.count(100_000)])
    func maxErrorsStopsASplitRunAtTheSameRow(limit: MaxErrors) throws {
        // Clean before the middle, broken after it: the limit is crossed after the cut.
        var text = "email,name,joined\n"
        for index in 0..<2_000 { text += "a\(index)@x.com,N,2024-01-01\n" }
        for index in 0..<2_000 { text += (index % 3 == 0 ? "bad\(index)" : "b\(index)@x.com") + ",N,2024-01-01\n" }
        let (sequential, split) = try runBoth(text, maxErrors: limit)
        #expect(describe(split.0) == describe(sequential.0))
        #expect(split.1 == sequential.1)
        if case .count(100_000) = limit {
            #expect(split.0.usedSecondThread && split.0.stoppedEarly == nil)
        } else {
            #expect(!split.0.usedSecondThread && split.0.stoppedEarly != nil)
        }
    }

    @Test func tooManyRejectsAfterTheCutAreReadInOrderInstead() throws {
        var text = "email,name,joined\n"
        for index in 0..<(2 * RestValidation.maxHeldRejects + 2_000) { text += "bad\(index),N,2024-01-01\n" }
        let (sequential, split) = try runBoth(text)
        #expect(!split.0.usedSecondThread)
        #expect(describe(split.0) == describe(sequential.0))
        #expect(split.1 == sequential.1)
    }

    @Test func gzipFilesAndStandardInputAreNotSplit() throws {
        let input = try InputOpener.open(source: MemoryByteSource(mixedRows(100)), name: "x")
        #expect(InputSplit.make(input, path: "-", options: ReaderOptions(), minimumSize: 0) == nil)
        let gzip = ValidationRunTests.samples.appendingPathComponent("mailchimp-members.csv.gz").path
        #expect(
            InputSplit.make(try InputOpener.open(gzip), path: gzip, options: ReaderOptions(), minimumSize: 0) == nil)
    }
}
