import ContactIO
import ContactMapping
import ContactSync
import Foundation
import IntercomAPI
import IntercomSandbox
import JSONText
import SandboxTestSupport
import Testing

/// Importing tags and companies (issue #25): a HubSpot-shaped export with a tag column, a company column and a
/// constant tag; every contact read back with its tags and companies; a second run makes no tag or company write,
/// and with a sync state no call at all; a batch Intercom refuses is halved.
struct ImportTagsAndCompaniesTests {
    static let mapping = """
        role: user
        match: email
        fields:
          email: {column: Email, transforms: [trim, lower]}
          name: {concat: [First Name, Last Name]}
        tags: [imported-2026-12, {column: Tags, separator: ";"}]
        company:
          company_id: {from: name, slug: true}
          name: {column: Company Name}
          size: {column: Number of Employees}
        """

    /// 300 HubSpot-shaped rows: 40 companies (some without), tags from a pool, some rows without tags.
    static func hubspotFile() throws -> (path: String, rows: [(email: String, tags: [String], company: String?)]) {
        var text = "Record ID,First Name,Last Name,Email,Company Name,Number of Employees,Tags\n"
        var rows: [(String, [String], String?)] = []
        let pool = ["VIP", "newsletter", "beta tester", "Churn risk", "partner"]
        for index in 0..<300 {
            let email = "person\(index)@example.com"
            let company: String? = index % 7 == 3 ? nil : "Company \(index % 40), Inc."
            let tags = (0..<(index % 4)).map { pool[(index + $0) % pool.count] }
            let size = company == nil ? "" : String(10 + index % 40)
            text +=
                "\(index),Person,\(index),\(email),\"\(company ?? "")\",\(size),\"\(tags.joined(separator: ";"))\"\n"
            rows.append((email, tags, company))
        }
        return (try temporaryPath(named: "hubspot.csv", contents: text), rows)
    }

    static func writes(_ summary: ImportSummary) -> Int {
        let calls = summary.statistics.calls
        return ["POST /tags", "POST /companies", "POST /contacts/{id}/companies"].reduce(0) {
            $0 + (calls[$1]?.values.reduce(0, +) ?? 0)
        }
    }

    @Test func everyContactCarriesItsTagsAndCompaniesAndARerunWritesNone() async throws {
        var sandbox = SandboxConfiguration(rateLimitPerMinute: 0)
        sandbox.tagBatchLimit = 30
        try await withClient(sandbox: sandbox) { client, _ in
            let (path, rows) = try Self.hubspotFile()
            var options = ImportOptions()
            options.concurrency = 4
            let state = try temporaryPath(named: "state.sqlite")
            let first = try await runImport(path, mapping: Self.mapping, client: client, options: options, state: state)
            #expect(first.created == 300 && first.failed == 0, "\(first.text)")
            let relations = try #require(first.relations)
            #expect(relations.failureCount == 0, "\(first.text)")
            #expect(
                relations.companiesCreated == 40 && relations.attachments == rows.filter { $0.company != nil }.count)
            // The sandbox refuses more than 30 contacts a call: the batch was halved, and nothing was lost.
            #expect(relations.tagBatch <= 30, "\(first.text)")
            #expect(relations.tagsApplied == rows.reduce(0) { $0 + $1.tags.count + 1 })
            // Read back through the API: each contact's tags and companies are the row's.
            let tagNames = Dictionary(uniqueKeysWithValues: try await client.listTags().map { ($0.id, $0.name) })
            let contacts = Dictionary(uniqueKeysWithValues: try await allContacts(client).map { ($0.email ?? "", $0) })
            for row in rows {
                let contact = try #require(contacts[row.email])
                let tags = Set(try await client.contactTags(id: contact.id).map { tagNames[$0.id] ?? "?" })
                #expect(tags == Set(row.tags + ["imported-2026-12"]), "\(row.email)")
                let companies = try await client.contactCompanies(id: contact.id)
                #expect(companies.map(\.name) == (row.company.map { [$0] } ?? []), "\(row.email)")
                #expect(companies.map(\.companyID) == (row.company.map { [Slug.make($0)] } ?? []))
            }
            // Again, without the state: lookups only, no tag or company write.
            let second = try await runImport(path, mapping: Self.mapping, client: client, options: options)
            #expect(second.unchanged == 300 && Self.writes(second) == 0, "\(second.text)")
            #expect(second.relations?.companiesUnchanged == 40)
            // Again, with the state: no call at all.
            let third = try await runImport(path, mapping: Self.mapping, client: client, options: options, state: state)
            #expect(third.statistics.totalCalls == 0, "\(third.text)")
        }
    }

    @Test func syncTagsRemovesOnlyTheTagsTheFileNames() async throws {
        try await withClient { client, _ in
            let ann = try await client.createContact(["email": .string("ann@example.com")])
            _ = try await client.tagContacts(name: "VIP", ids: [ann.id])
            _ = try await client.tagContacts(name: "kept", ids: [ann.id])
            let bob = try await client.createContact(["email": .string("bob@example.com")])
            _ = try await client.tagContacts(name: "VIP", ids: [bob.id])
            let mapping = """
                fields:
                  email: Email
                tags: [{column: Tags, separator: ";"}]
                """
            let path = try temporaryPath(
                named: "tags.csv", contents: "Email,Tags\nann@example.com,beta\nbob@example.com,VIP\n")
            var options = ImportOptions()
            options.syncTags = true
            let summary = try await runImport(path, mapping: mapping, client: client, options: options)
            #expect(summary.relations?.tagsRemoved == 1, "\(summary.text)")
            let names = { (id: String) async throws in Set(try await client.contactTags(id: id).map(\.name)) }
            // ann: VIP is named by the file (bob's row) and not by ann's row, so it goes; "kept" is not named.
            #expect(try await names(ann.id) == ["beta", "kept"])
            #expect(try await names(bob.id) == ["VIP"])
        }
    }

    /// The workspace exported as CSV: its `tags`, `companies` and `company_ids` columns are every contact's; `mapping
    /// init` on the export maps them back, and importing it into the same workspace makes no write call.
    @Test func anExportWithTagsAndCompaniesImportsBackWithoutAWrite() async throws {
        try await withClient { client, _ in
            let (path, rows) = try Self.hubspotFile()
            var options = ImportOptions()
            options.concurrency = 4
            let first = try await runImport(path, mapping: Self.mapping, client: client, options: options)
            #expect(first.created == 300 && first.relations?.failureCount == 0, "\(first.text)")
            // Every tenth contact belongs to a second company too: the export names both in one cell.
            let second = try await client.upsertCompany([
                "company_id": .string("second-co"), "name": .string("Second Co"),
            ])
            let twoCompanies = Set(rows.enumerated().filter { $0.offset % 10 == 0 }.map(\.element.email))
            for contact in try await allContacts(client) where twoCompanies.contains(contact.email ?? "") {
                try await client.attachCompany(contactID: contact.id, companyID: second.id)
            }
            let export = try temporaryPath(named: "workspace.csv")
            _ = try await ExportRun.run(client: client, options: ExportOptions(), path: export)
            let exported = Dictionary(
                uniqueKeysWithValues: try ExportTests.csvRows(export).map { ($0["email"] ?? "", $0) })
            for row in rows {
                let cells = try #require(exported[row.email])
                let tags = Set((cells["tags"] ?? "").split(separator: ";").map(String.init))
                #expect(tags == Set(row.tags + ["imported-2026-12"]), "\(row.email)")
                var names = row.company.map { [$0] } ?? []
                var ids = row.company.map { [Slug.make($0)] } ?? []
                if twoCompanies.contains(row.email) {
                    names.append("Second Co")
                    ids.append("second-co")
                }
                #expect(cells["companies"] == names.joined(separator: ";"), "\(row.email)")
                #expect(cells["company_ids"] == ids.joined(separator: ";"), "\(row.email)")
            }
            let input = try InputOpener.open(export)
            let sample = try MappingDraft.sample(input.reader, limit: 1_000, readToEnd: true)
            let yaml = MappingDraft.make(
                header: sample.header, samples: sample.rows, source: export, dateOrders: sample.dateOrders)
            #expect(yaml.contains("tags: [{column: tags") && yaml.contains("company_id: company_ids"), "\(yaml)")
            #expect(yaml.contains("separator: \";\"   # a cell names several companies"), "\(yaml)")
            let back = try await runImport(export, mapping: yaml, client: client, options: options)
            #expect(back.read == 300 && back.unchanged == 300 && back.rejected == 0, "\(back.text)\n\(yaml)")
            let calls = back.statistics.calls.keys
            #expect(calls.allSatisfy { $0.hasSuffix("/search") || $0.hasPrefix("GET") }, "\(calls.sorted())")
        }
    }
}
