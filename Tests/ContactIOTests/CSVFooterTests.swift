import ContactIO
import Foundation
import Testing

/// Report footers at the end of a CSV file (Salesforce's reports end with `""`, `""`, a confidentiality notice and a
/// copyright line) are skipped with a note instead of becoming row errors on every run (issue #22).
struct CSVFooterTests {
    static let salesforceFooter =
        "\"\"\n\"\"\n\"Vertrauliche Informationen - Nicht weitergeben\"\n"
        + "\"Copyright (c) 2000-2024 salesforce.com, inc. Alle Rechte vorbehalten.\"\n"

    func read(_ text: String, readSize: Int) throws -> (records: [Record], errors: [RowError], footer: SkippedFooter?) {
        let input = try InputOpener.open(
            source: MemoryByteSource(Array(text.utf8), readSize: readSize), name: "report.csv")
        let (records, errors) = try input.reader.readAll()
        return (records, errors, input.reader.skippedFooter)
    }

    @Test(arguments: boundaryReadSizes)
    func aReportFooterIsSkippedWithANote(readSize: Int) throws {
        var text = "\"Vorname\",\"Nachname\",\"E-Mail\"\n"
        for index in 0..<300 { text += "\"Max\",\"Muster \(index)\",\"m\(index)@x.de\"\n" }
        let (records, errors, footer) = try read(text + Self.salesforceFooter, readSize: readSize)
        #expect(records.count == 300 && errors.isEmpty)
        #expect(footer?.line == 302)
        #expect(
            footer?.lines == [
                "", "", "Vertrauliche Informationen - Nicht weitergeben",
                "Copyright (c) 2000-2024 salesforce.com, inc. Alle Rechte vorbehalten.",
            ])
        #expect(footer?.description.contains("4 lines at line 302") == true)
        // Without a newline at the very end, and with CRLF line ends, the same.
        let crlf = (text + Self.salesforceFooter).replacingOccurrences(of: "\n", with: "\r\n")
        let trimmed = try read(String(crlf.dropLast()), readSize: readSize)  // "\r\n" is one Character
        #expect(trimmed.records.count == 300 && trimmed.errors.isEmpty && trimmed.footer?.lines.count == 4)
        // Salesforce's English reports: a blank line, then the notice and the copyright line.
        let english = try read(
            text + "\n\"Confidential Information - Do Not Distribute\"\n\"Copyright (c) 2000-2026 salesforce.com\"\n",
            readSize: readSize)
        #expect(english.records.count == 300 && english.errors.isEmpty)
        #expect(english.footer?.line == 303 && english.footer?.lines.count == 2)
        // A blank line among the footer's lines says the same.
        let among = try read(text + "Confidential\n\nCopyright\n", readSize: readSize)
        #expect(
            among.records.count == 300 && among.errors.isEmpty && among.footer?.lines == ["Confidential", "Copyright"])
    }

    @Test(arguments: boundaryReadSizes)
    func oneFieldRowsThatAreNotAFooterStayRowErrors(readSize: Int) throws {
        let header = "name,email\n"
        // A lone one-field row at the end, with nothing empty around it: a data row cut short.
        let cut = try read(header + "Ann,ann@x.com\nbob@x.com\n", readSize: readSize)
        #expect(cut.records.count == 1 && cut.errors.map(\.line) == [3] && cut.footer == nil)
        // Blank lines after it, at the very end, make it no footer.
        let trailing = try read(header + "Ann,ann@x.com\nbob@x.com\n\n\n", readSize: readSize)
        #expect(trailing.records.count == 1 && trailing.errors.map(\.line) == [3] && trailing.footer == nil)
        // One-field rows followed by data: row errors, and every row after them is read.
        let middle = try read(header + "Ann,ann@x.com\n\"\"\nnote\nCy,cy@x.com\nDee,dee@x.com\n", readSize: readSize)
        #expect(middle.records.map(\.values) == [["Ann", "ann@x.com"], ["Cy", "cy@x.com"], ["Dee", "dee@x.com"]])
        #expect(middle.errors.map(\.line) == [3, 4] && middle.footer == nil)
        // Too long to be a footer.
        let long = try read(header + "Ann,ann@x.com\n" + String(repeating: "\"\"\nx\n", count: 8), readSize: readSize)
        #expect(long.errors.count == 16 && long.footer == nil)
        // A one-column file has no footer to tell apart.
        let single = try read("email\na@x.com\n\"\"\nCopyright\n", readSize: readSize)
        #expect(single.records.count == 3 && single.footer == nil)
    }
}
