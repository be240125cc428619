import ContactIO
import Foundation
import Testing

@testable import ContactMapping

/// `validate --preview`: each field beside its source cells, from the same `map` that an import sends (issue #22).
struct PreviewTests {
    let yaml = """
        role: {column: Stage, map: {customer: user}, default: lead}
        match: email
        fields:
          email: {column: Email, transforms: [trim, lower]}
          name: {concat: [First, Last]}
          phone: {column: Phone, country: DE, invalid: skip}
          signed_up_at: {column: Created, date: [dd.MM.yyyy]}
        custom_attributes:
          source: {constant: crm}
        """
    let csv = """
        Email,First,Last,Phone,Created,Stage
        " Ann@X.COM ",Ann,Smith,030 5320199,01.03.2024,customer
        bob@x.com,Bob,,12,02.03.2024,prospect
        bad@,Cy,,,31.02.2024,customer

        """

    func previews() throws -> [RowPreview] {
        let input = try InputOpener.open(source: MemoryByteSource(Array(csv.utf8)), name: "x.csv")
        let mapper = try ContactMapper(
            mapping: try MappingFile.parse(yaml, path: "m.yml"), header: (input.reader as? CSVReader)?.header)
        var rows: [RowPreview] = []
        while let result = try input.reader.next() {
            if case .record = result { rows.append(mapper.preview(input.reader.current)) }
        }
        return rows
    }

    @Test func eachFieldIsShownAsSentBesideItsCells() throws {
        let rows = try previews()
        #expect(rows.count == 3)
        let ann = rows[0]
        #expect(ann.line == 2 && ann.role == "user" && ann.matchKey == "ann@x.com")
        #expect(ann.roleSource?.column == "Stage" && ann.roleSource?.value == "customer")
        #expect(ann.fields.map(\.name) == ["email", "name", "phone", "signed_up_at", "custom_attributes.source"])
        #expect(ann.fields[0].sent == "\"ann@x.com\"" && ann.fields[0].sources.first?.value == " Ann@X.COM ")
        #expect(ann.fields[1].sent == "\"Ann Smith\"" && ann.fields[1].sources.map(\.column) == ["First", "Last"])
        #expect(ann.fields[2].sent == "\"+49305320199\"")
        #expect(ann.fields[3].sent == "1709251200 (2024-03-01T00:00:00Z)")
        #expect(ann.fields[4].sent == "\"crm\"" && ann.fields[4].sources.first?.column == "(constant)")
        // A value left out by `invalid: skip` is not sent, and says why.
        let bob = rows[1]
        #expect(bob.role == "lead" && bob.fields[2].sent == nil && bob.fields[2].note?.contains("'12'") == true)
        // A rejected row sends nothing and names its problems.
        let cy = rows[2]
        #expect(cy.role == nil && cy.fields.allSatisfy { $0.sent == nil })
        #expect(cy.problems.first == "email: invalid_email; signed_up_at: invalid_date")
        #expect(cy.fields[3].note == "invalid_date")
    }

    @Test(arguments: [
        (0, "1970-01-01T00:00:00Z"), (1_709_251_200, "2024-03-01T00:00:00Z"),
        (951_782_400 + 86_399, "2000-02-29T23:59:59Z"), (-1, "1969-12-31T23:59:59Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
    ])
    func datesReadAsUTC(seconds: Int64, text: String) {
        #expect(TimeArgument.iso8601(Int(seconds)) == text)
    }
}
