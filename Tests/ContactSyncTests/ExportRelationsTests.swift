import ContactIO
import ContactSync
import Foundation
import IntercomAPI
import IntercomSandbox
import JSONText
import SandboxTestSupport
import Testing

/// The export's tags and companies (issue #25): CSV names them in three columns; NDJSON keeps the contact object with
/// its complete lists; a contact's lists are fetched only when its object shows part of them.
struct ExportRelationsTests {
    @Test(arguments: [1, 4])
    func tagsAndCompaniesAreExportedCompletelyWithoutACallPerContact(concurrency: Int) async throws {
        let clock = ManualSandboxClock()
        try await withClient(clock: clock) { client, _ in
            var expected: [String: (tags: [String], companies: [String], ids: [String])] = [:]
            var contacts: [String] = []
            for index in 0..<300 {
                clock.advance(by: 3_600)
                let contact = try await client.createContact(["email": .string("r\(index)@example.com")])
                contacts.append(contact.id)
                expected[contact.id] = ([], [], [])
            }
            var companies: [IntercomClient.Company] = []
            for index in 0..<15 {
                companies.append(
                    try await client.upsertCompany([
                        "company_id": .string("c-\(index)"),
                        "name": .string(index == 3 ? "Smith; Sons" : "Co \(index)"),
                    ]))
            }
            // Everyone is tagged `imported` (one call a hundred), every third `vip`; one contact gets 12 tags and
            // 12 companies (more than its object shows).
            for start in stride(from: 0, to: contacts.count, by: 100) {
                try await client.tagContacts(
                    name: "imported", ids: Array(contacts[start..<min(start + 100, contacts.count)]))
            }
            for id in contacts { expected[id]!.tags.append("imported") }
            let vips = contacts.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
            try await client.tagContacts(name: "vip", ids: vips)
            for id in vips { expected[id]!.tags.append("vip") }
            for (index, id) in contacts.enumerated() where index % 4 == 0 {
                let company = companies[index % 5]
                try await client.attachCompany(contactID: id, companyID: company.id)
                expected[id]!.companies.append(company.name ?? "")
                expected[id]!.ids.append(company.companyID)
            }
            let busy = contacts[1]
            for index in 0..<12 {
                try await client.tagContacts(name: "t\(index)", ids: [busy])
                expected[busy]!.tags.append("t\(index)")
                try await client.attachCompany(contactID: busy, companyID: companies[index].id)
                expected[busy]!.companies.append(companies[index].name ?? "")
                expected[busy]!.ids.append(companies[index].companyID)
            }
            // CSV: three columns, names joined by `;`, in the order Intercom lists them.
            let path = try temporaryPath(named: "contacts.csv")
            var options = ExportOptions()
            options.concurrency = concurrency
            // Small pages, so that the partitioned path (search by ranges) is the one taken at 4.
            options.perPage = 20
            let summary = try await ExportRun.run(client: client, options: options, path: path)
            #expect(summary.contacts == 300 && (summary.ranges > 1) == (concurrency > 1))
            // The contact with 12 of each is the only one fetched alone.
            #expect(summary.statistics.calls["GET /contacts/{id}/tags"]?[200] == 1)
            #expect(summary.statistics.calls["GET /contacts/{id}/companies"]?[200] == 1)
            let rows = try ExportTests.csvRows(path)
            #expect(rows.count == 300)
            var wrong: [String] = []
            for row in rows {
                let id = row["id"] ?? ""
                guard let want = expected[id] else { continue }
                // A name holding the separator is written as it is: the company_ids column stays exact.
                let tags = row["tags"] ?? ""
                if tags != want.tags.joined(separator: ";") { wrong.append("\(id) tags \(tags)") }
                if row["companies"] != want.companies.joined(separator: ";") { wrong.append("\(id) companies") }
                if row["company_ids"] != want.ids.joined(separator: ";") { wrong.append("\(id) company_ids") }
            }
            #expect(wrong.isEmpty, "\(wrong.prefix(5))")
            // NDJSON: the contact object, its lists complete where Intercom showed only ten.
            let lines = try temporaryPath(named: "contacts.ndjson")
            options.format = .ndjson
            _ = try await ExportRun.run(client: client, options: options, path: lines)
            let text = try String(contentsOfFile: lines, encoding: .utf8)
            var checked = 0
            for line in text.split(separator: "\n") {
                let contact = try JSONValue.parse(String(line))
                guard let id = contact["id"]?.stringValue, let want = expected[id] else { continue }
                let tags = contact["tags"]
                if case .array(let items)? = tags?["data"] {
                    #expect(items.count == want.tags.count && tags?["has_more"] == .bool(false), "\(id)")
                }
                if case .array(let items)? = contact["companies"]?["data"] {
                    #expect(items.count == want.companies.count)
                }
                checked += 1
            }
            #expect(checked == 300)
        }
    }
}
