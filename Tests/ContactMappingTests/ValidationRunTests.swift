import ContactIO
import ContactMapping
import Foundation
import JSONText
import Testing

struct ValidationRunTests {
    static var samples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples")
    }

    @Test(
        arguments: [
            (
                "hubspot-contacts.csv", "hubspot-contacts.mapping.yml", 7, 5,
                ["field_count_mismatch": 1, "invalid_email": 1]
            ),
            ("salesforce-contacts.csv", "salesforce-contacts.mapping.yml", 4, 4, [:]),
            ("mailchimp-members.csv.gz", "mailchimp-members.mapping.yml", 4, 4, [:]),
            ("contacts.ndjson", "contacts.mapping.yml", 4, 4, [:]),
        ] as [(String, String, Int, Int, [String: Int])])
    func samplesValidate(file: String, mapping: String, read: Int, valid: Int, reasons: [String: Int]) throws {
        let input = try InputOpener.open(Self.samples.appendingPathComponent(file).path)
        let map = try MappingFile.load(path: Self.samples.appendingPathComponent(mapping).path)
        let summary = try ValidationRun.run(input, mapping: map, rejects: nil, maxErrors: nil)
        #expect(summary.read == read)
        #expect(summary.valid == valid)
        #expect(summary.rejectedByReason == reasons)
        #expect(summary.read == summary.valid + summary.rejected)
    }

    let yaml = "role: user\nmatch: email\nfields:\n  email: {column: email, transforms: [trim, lower]}\n  name: name\n"
    let csv = "email,name\na@x.com,Ann\nbad,Bob\nA@X.com,Ann again\nc@x.com,Cy,extra\nd@x.com,Dee\n"

    @Test(arguments: ["rejects.csv", "rejects.ndjson", "rejects.csv.gz"])
    func theRejectReportHoldsTheOriginalRows(name: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rejects-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        let input = try InputOpener.open(source: MemoryByteSource(csv), name: "people.csv")
        let report = try RejectReport(path: path, header: (input.reader as? CSVReader)?.header)
        let summary = try ValidationRun.run(
            input, mapping: try MappingFile.parse(yaml, path: "m.yml"), rejects: report, maxErrors: nil)
        try report.finish()
        #expect(summary.read == 5 && summary.valid == 3 && summary.rejected == 2)
        #expect(summary.duplicateKeys == 1)
        #expect(summary.firstDuplicates.first?.line == 4)
        #expect(summary.firstDuplicates.first?.firstLine == 2)

        let (records, errors) = try InputOpener.open(path).reader.readAll()
        #expect(errors.isEmpty)
        #expect(records.count == 2)
        if name.contains("ndjson") {
            #expect(records[0]["line"] == "3")
            #expect(records[0]["reason"] == "invalid_email")
            #expect(records[0]["problems"] == "email: invalid_email")
            #expect(
                try JSONValue.parse(records[0]["original"]!)
                    == .object(["email": .string("bad"), "name": .string("Bob")]))
        } else {
            #expect(
                records[0].values == [
                    "3", "2", "email", "bad", "invalid_email", "'bad' is not a valid email address",
                    "email: invalid_email", "bad", "Bob",
                ])
            #expect(
                records[1].values == [
                    "5", "4", "", "", "field_count_mismatch", "expected 2 fields as in the header, found 3",
                    "row: field_count_mismatch", "c@x.com", "Cy",
                ])
        }
    }

    @Test func maxErrorsStopsTheRunEarly() throws {
        var text = "email,name\n"
        for index in 0..<300 { text += (index % 2 == 0 ? "bad\(index)" : "ok\(index)@x.com") + ",N\n" }
        let mapping = try MappingFile.parse(yaml, path: "m.yml")
        let byCount = try ValidationRun.run(
            try InputOpener.open(source: MemoryByteSource(text), name: "x"), mapping: mapping, rejects: nil,
            maxErrors: .count(10))
        #expect(byCount.stoppedEarly != nil)
        #expect(byCount.rejected == 11)
        let byShare = try ValidationRun.run(
            try InputOpener.open(source: MemoryByteSource(text), name: "x"), mapping: mapping, rejects: nil,
            maxErrors: MaxErrors("20%"))
        #expect(byShare.stoppedEarly != nil)
        #expect(byShare.read == 100)
        #expect(MaxErrors("5%") == .share(0.05) && MaxErrors("7") == .count(7) && MaxErrors("x") == nil)
    }
}
