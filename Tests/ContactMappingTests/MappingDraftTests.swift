import ContactIO
import ContactMapping
import Foundation
import Testing

struct MappingDraftTests {
    func draft(_ file: String) throws -> (String, MappingFile, OpenedInput) {
        let path = ValidationRunTests.samples.appendingPathComponent(file).path
        let (header, rows) = try MappingDraft.sample(try InputOpener.open(path).reader, limit: 1000)
        let yaml = MappingDraft.make(header: header, samples: rows, source: file)
        return (yaml, try MappingFile.parse(yaml, path: "draft.yml"), try InputOpener.open(path))
    }

    @Test(
        arguments: [
            ("hubspot-contacts.csv", ["email": "Email", "external_id": "Record ID", "owner_id": "Contact owner"], 5),
            (
                "salesforce-contacts.csv",
                ["email": "Email", "external_id": "Contact ID", "signed_up_at": "Created Date"], 4
            ),
            ("mailchimp-members.csv.gz", ["email": "Email Address", "signed_up_at": "OPTIN_TIME"], 4),
            ("contacts.ndjson", ["email": "email", "external_id": "user_id", "signed_up_at": "signed_up_at"], 3),
        ] as [(String, [String: String], Int)])
    func draftsRecogniseTheUsualColumnsAndValidateTheirFile(file: String, expected: [String: String], valid: Int) throws
    {
        let (yaml, mapping, input) = try draft(file)
        for (field, column) in expected {
            let rule = try #require(
                mapping.rules.first { $0.name == field && !$0.isCustomAttribute }, "\(field) in\n\(yaml)")
            #expect(rule.source == .column(column), "\(yaml)")
        }
        #expect(mapping.rules.contains { $0.name == "name" }, "\(yaml)")
        let summary = try ValidationRun.run(input, mapping: mapping, rejects: nil, maxErrors: nil)
        #expect(summary.valid == valid, "\(yaml)\n\(summary.firstRejects)")
    }

    @Test func typesAndDatesAreGuessedFromTheSample() {
        let yaml = MappingDraft.make(
            header: ["E-mail", "Seats", "Score", "Active", "Renewal", "Last Login", "Blank", "id"],
            samples: [
                ["a@x.com", "3", "1.5", "yes", "31/12/2024", "1700000000", "", "c1"],
                ["b@x.com", "10", "2", "no", "01/02/2025", "1700000500", "", "c2"],
            ],
            source: "x.csv")
        #expect(yaml.contains("email: {column: E-mail, transforms: [trim, lower]}"))
        // Optional values are left out with a warning when bad (invalid: skip), not the row with them.
        #expect(yaml.contains("seats: {column: Seats, type: integer, invalid: skip}"))
        #expect(yaml.contains("score: {column: Score, type: float, invalid: skip}"))
        #expect(yaml.contains("active: {column: Active, type: boolean, invalid: skip}"))
        #expect(yaml.contains("renewal: {column: Renewal, type: date, date: [dd/MM/yyyy], invalid: skip}"))
        #expect(yaml.contains("last_seen_at: {column: Last Login, date: [epoch], invalid: skip}"))
        #expect(yaml.contains("# 'Blank' was empty in the sample"))
        #expect(yaml.contains("# 'id' is kept by Intercom itself"))
    }
}
