import ContactIO
import ContactMapping
import Foundation
import JSONText
import Testing

/// The mapping's `tags:` and `company:` (issue #25): constant tags and tag columns split at a separator, companies
/// from columns with an id made from the name, several companies in a cell, and the rows Intercom could not take
/// rejected by `validate` exactly as by `import`.
struct TagsAndCompaniesMappingTests {
    let header = ["Email", "Tags", "Company", "Company ID", "Employees", "Segment"]

    func results(_ yaml: String, _ rows: [String]) throws -> [(MappingResult, ContactMapper.CheckResult)] {
        let text = header.joined(separator: ",") + "\n" + rows.joined(separator: "\n") + "\n"
        let input = try InputOpener.open(source: MemoryByteSource(text), name: "in.csv")
        let mapper = try ContactMapper(mapping: try MappingFile.parse(yaml, path: "m.yml"), header: header)
        var results: [(MappingResult, ContactMapper.CheckResult)] = []
        while let result = try input.reader.next() {
            guard case .record = result else { continue }
            results.append((mapper.map(input.reader.current), mapper.check(input.reader.current)))
        }
        return results
    }

    let mapping = """
        fields:
          email: Email
        tags: [imported-2026-12, {column: Tags, separator: ";"}]
        company:
          company_id: {from: name, slug: true}
          name: {column: Company, transforms: [trim]}
          size: {column: Employees}
          custom_attributes:
            segment: {column: Segment}
        """

    @Test func tagsAndACompanyComeFromTheRow() throws {
        let rows = try results(mapping, ["ann@example.com,VIP; beta ;vip;,\" ACME, Inc. \",,250,enterprise"])
        guard case .contact(let contact) = rows[0].0 else { Issue.record("\(rows)"); return }
        #expect(contact.tags == ["imported-2026-12", "VIP", "beta"])
        #expect(contact.companies.map(\.companyID) == ["acme-inc"])
        #expect(
            contact.companies.first?.payload == [
                "company_id": .string("acme-inc"), "name": .string("ACME, Inc."), "size": .number("250"),
                "custom_attributes": .object(["segment": .string("enterprise")]),
            ])
        // Nothing of it goes into the contact's own payload.
        #expect(contact.payload == ["role": .string("user"), "email": .string("ann@example.com")])
        #expect(rows[0].1 == .valid(keyHash: ContactMapper.keyHash("ann@example.com")))
    }

    @Test func severalCompaniesInACellPairIdsAndNames() throws {
        let yaml = """
            fields:
              email: Email
            company:
              company_id: {column: Company ID}
              name: Company
              separator: "|"
            """
        let rows = try results(
            yaml,
            [
                "a@example.com,,Acme|Globex,c1|c2,,", "b@example.com,,Acme|Globex,c1,,", "c@example.com,,Acme,,,",
                "d@example.com,,,c9,,", "e@example.com,,,,,",
            ])
        guard case .contact(let first) = rows[0].0 else { Issue.record("\(rows[0])"); return }
        #expect(first.companies.map(\.companyID) == ["c1", "c2"])
        #expect(first.companies.map { $0.payload["name"] } == [.string("Acme"), .string("Globex")])
        guard case .rejected(let mismatch) = rows[1].0, case .rejected(let same) = rows[1].1 else {
            Issue.record("\(rows[1])")
            return
        }
        #expect(mismatch.reason == .companyListMismatch && same == mismatch)
        guard case .rejected(let noID) = rows[2].0, case .rejected(let sameNoID) = rows[2].1 else {
            Issue.record("\(rows[2])")
            return
        }
        #expect(noID.reason == .missingCompanyID && sameNoID == noID)
        #expect(noID.message.contains("company_id"))
        // An id without a name is a company Intercom can create; no company at all is fine too.
        guard case .contact(let idOnly) = rows[3].0, case .contact(let none) = rows[4].0 else {
            Issue.record("\(rows[3]) \(rows[4])")
            return
        }
        #expect(idOnly.companies.map(\.companyID) == ["c9"] && none.companies.isEmpty)
    }

    @Test func aTagOverIntercomsLengthIsRejectedByValidateAndImportAlike() throws {
        let long = String(repeating: "x", count: 256)
        let rows = try results(
            mapping, ["a@example.com,ok;\(long),,,,", "b@example.com,\(String(repeating: "y;", count: 200)),,,,"])
        guard case .rejected(let reject) = rows[0].0, case .rejected(let same) = rows[0].1 else {
            Issue.record("\(rows[0])")
            return
        }
        #expect(reject.reason == .tooLong && reject.field == "tags" && same == reject)
        // A long cell of short tags is fine: each tag is held to the limit, not the cell.
        guard case .contact(let many) = rows[1].0 else { Issue.record("\(rows[1])"); return }
        #expect(many.tags == ["imported-2026-12", "y"])
    }

    @Test func mappingMistakesAreNamedWithTheirLine() throws {
        let noID = "fields:\n  email: Email\ncompany:\n  name: Company\n"
        #expect(throws: MappingError.self) { try MappingFile.parse(noID, path: "m.yml") }
        do {
            _ = try MappingFile.parse(noID, path: "m.yml")
        } catch {
            #expect(error.description.contains("company_id") && error.line == 4)
        }
        let listWithSize =
            "fields:\n  email: Email\ncompany:\n  company_id: Company ID\n  size: Employees\n  separator: ;\n"
        #expect(throws: MappingError.self) { try MappingFile.parse(listWithSize, path: "m.yml") }
        let blankTag = "fields:\n  email: Email\ntags: [\"\"]\n"
        #expect(throws: MappingError.self) { try MappingFile.parse(blankTag, path: "m.yml") }
    }

    @Test func slugsAreStable() {
        #expect(Slug.make("ACME, Inc.") == "acme-inc")
        #expect(Slug.make("  Acme   Inc ") == "acme-inc")
        #expect(Slug.make("Müller & Söhne GmbH") == "müller-söhne-gmbh")
        #expect(Slug.make("!!!") == "!!!")
    }
}
