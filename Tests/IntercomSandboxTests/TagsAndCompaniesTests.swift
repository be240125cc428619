import Foundation
import HTTPTypes
import IntercomSandbox
import JSONText
import Testing

/// Tags and companies in the sandbox (issue #25): the endpoints a migration uses, checked against the official spec,
/// and the behaviours a client relies on (bulk tagging and its limit, upsert by company_id, lists on the contact).
struct TagsAndCompaniesTests {
    /// How many items the array at `value` has (-1 when it is not an array).
    static func count(_ value: JSONValue?) -> Int {
        if case .array(let items)? = value { return items.count }
        return -1
    }

    @Test func responsesValidateAgainstTheOfficialSpec() async throws {
        let schemas = try SpecConformanceTests.schemas.get()
        let samples = SampleLog()
        try await withSandbox { api in
            func keep(_ name: String, _ response: SandboxResponse) async { await samples.add(name, response.json) }
            _ = try await api.post(
                "/data_attributes",
                .object(["name": .string("tier"), "model": .string("company"), "data_type": .string("string")]))
            let contact = try await api.createContact(["email": .string("t@example.com")])
            let tag = try await api.post("/tags", .object(["name": .string("imported")]))
            await keep("tag_basic.created", tag)
            let tagID = try #require(tag.json["id"]?.stringValue)
            await keep("tag_list.all", try await api.get("/tags"))
            await keep("tag_basic.find", try await api.get("/tags/\(tagID)"))
            await keep(
                "tag_create_response.users",
                try await api.post(
                    "/tags", .object(["name": .string("vip"), "users": .array([.object(["id": .string(contact)])])])))
            let company = try await api.post(
                "/companies",
                .object([
                    "company_id": .string("acme-1"), "name": .string("Acme"), "plan": .string("pro"),
                    "size": .number("40"), "website": .string("https://acme.example"), "industry": .string("Tools"),
                    "monthly_spend": .number("99.9"), "remote_created_at": .number("1700000000"),
                    "custom_attributes": .object(["tier": .string("gold")]),
                ]))
            await keep("company.created", company)
            let companyID = try #require(company.json["id"]?.stringValue)
            await keep(
                "tag_create_response.companies",
                try await api.post(
                    "/tags",
                    .object(["name": .string("key"), "companies": .array([.object(["company_id": .string("acme-1")])])])
                ))
            await keep("company_list.by_company_id", try await api.get("/companies?company_id=acme-1"))
            await keep("company_list.all", try await api.get("/companies?per_page=5"))
            await keep("company.find", try await api.get("/companies/\(companyID)"))
            await keep(
                "company.attached",
                try await api.post("/contacts/\(contact)/companies", .object(["id": .string(companyID)])))
            await keep("contact_attached_companies.list", try await api.get("/contacts/\(contact)/companies"))
            await keep("tag.attached", try await api.post("/contacts/\(contact)/tags", .object(["id": .string(tagID)])))
            await keep("tag_list.contact", try await api.get("/contacts/\(contact)/tags"))
            await keep("contact.tagged", try await api.get("/contacts/\(contact)"))
            await keep("tag.detached", try await api.delete("/contacts/\(contact)/tags/\(tagID)"))
            await keep("company.detached", try await api.delete("/contacts/\(contact)/companies/\(companyID)"))
            await keep("error.company_not_found", try await api.get("/companies?company_id=nope"))
            await keep("error.tag_invalid", try await api.post("/tags", .object(["test": .string("invalid")])))
            await keep("error.user_not_found", try await api.get("/contacts/000000000000000000000000/tags"))
        }
        for (sample, json) in await samples.items {
            let schema = String(sample.split(separator: ".")[0])
            let problems = schemas.problems(of: json, against: schema)
            #expect(problems.isEmpty, "\(sample): \(problems.joined(separator: "; ")) in \(json.jsonText)")
        }
    }

    @Test func tagsAreAppliedInBulkUpToTheLimitAndShowOnTheContact() async throws {
        var configuration = SandboxConfiguration(port: 0, rateLimitPerMinute: 0)
        configuration.tagBatchLimit = 20
        try await withSandbox(configuration) { api in
            var ids: [String] = []
            for index in 0..<25 { ids.append(try await api.createContact(["email": .string("b\(index)@x.example")])) }
            let users = JSONValue.array(ids.map { .object(["id": .string($0)]) })
            let tooMany = try await api.post("/tags", .object(["name": .string("Imported"), "users": users]))
            #expect(tooMany.status == .badRequest && tooMany.errorMessage?.contains("at most 20") == true)
            let first = try await api.post(
                "/tags",
                .object([
                    "name": .string("Imported"),
                    "users": .array(Array(ids.prefix(20)).map { .object(["id": .string($0)]) }),
                ]))
            #expect(first.status == .ok)
            // Names are case-insensitive: the same tag.
            let second = try await api.post(
                "/tags",
                .object([
                    "name": .string("imported"), "users": .array(ids.suffix(5).map { .object(["id": .string($0)]) }),
                ]))
            #expect(second.json["id"] == first.json["id"])
            #expect(
                try await api.get("/tags").json["data"]
                    == .array([.object(["type": .string("tag"), "id": first.json["id"]!, "name": .string("Imported")])])
            )
            // An unknown user fails the whole call and tags nobody.
            let unknown = try await api.post(
                "/tags",
                .object([
                    "name": .string("other"),
                    "users": .array([
                        .object(["id": .string(ids[0])]), .object(["id": .string("000000000000000000000000")]),
                    ]),
                ]))
            #expect(unknown.status == .notFound)
            let firstTags = try await api.get("/contacts/\(ids[0])/tags").json["data"]
            #expect(Self.count(firstTags) == 1)
            // Eleven tags on one contact: ten listed, has_more, all eleven at the list's url.
            for index in 0..<10 {
                _ = try await api.post(
                    "/tags",
                    .object(["name": .string("t\(index)"), "users": .array([.object(["id": .string(ids[1])])])]))
            }
            let contact = try await api.get("/contacts/\(ids[1])").json
            #expect(contact["tags"]?["total_count"] == .number("11") && contact["tags"]?["has_more"] == .bool(true))
            #expect(Self.count(contact["tags"]?["data"]) == 10)
            let allTags = try await api.get("/contacts/\(ids[1])/tags").json["data"]
            #expect(Self.count(allTags) == 11)
            // Untagging through the same call.
            let untagged = try await api.post(
                "/tags",
                .object([
                    "name": .string("t0"), "users": .array([.object(["id": .string(ids[1]), "untag": .bool(true)])]),
                ]))
            #expect(untagged.status == .ok)
            #expect(try await api.get("/contacts/\(ids[1])").json["tags"]?["total_count"] == .number("10"))
        }
    }

    @Test func companiesAreUpsertedByCompanyIDAndCountTheirContacts() async throws {
        try await withSandbox { api in
            let contact = try await api.createContact(["email": .string("c@x.example")])
            let created = try await api.post(
                "/companies", .object(["company_id": .string("7"), "name": .string("Seven")]))
            let again = try await api.post(
                "/companies", .object(["company_id": .string("7"), "plan": .string("gold")]))
            #expect(again.json["id"] == created.json["id"] && again.json["name"] == .string("Seven"))
            #expect(again.json["plan"]?["name"] == .string("gold"))
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try await api.post("/companies", .object(["name": .string("no id")])).status == .badRequest)
            let unknownAttribute = try await api.post(
                "/companies",
                .object(["company_id": .string("8"), "custom_attributes": .object(["nope": .string("x")])]))
            #expect(unknownAttribute.status == .badRequest)
            _ = try await api.post("/contacts/\(contact)/companies", .object(["id": .string(id)]))
            _ = try await api.post("/contacts/\(contact)/companies", .object(["id": .string(id)]))
            #expect(try await api.get("/companies/\(id)").json["user_count"] == .number("1"))
            let listed = try await api.get("/contacts/\(contact)").json["companies"]
            #expect(listed?["total_count"] == .number("1"))
            #expect(
                try await api.post("/contacts/\(contact)/companies", .object(["id": .string("nope")])).status
                    == .notFound)
            #expect(
                try await api.post("/contacts/\(contact)/companies", .object([:])).errorCode == "parameter_not_found")
            _ = try await api.delete("/contacts/\(contact)")
            #expect(try await api.get("/companies/\(id)").json["user_count"] == .number("0"))
        }
    }

    @Test func tagsAndCompaniesSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tags-\(UUID().uuidString).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = SandboxConfiguration(port: 0, rateLimitPerMinute: 0)
        configuration.dataPath = path
        let ids = IDs()
        try await withSandbox(configuration) { api in
            let contact = try await api.createContact(["email": .string("p@x.example")])
            let company = try #require(
                try await api.post("/companies", .object(["company_id": .string("p1"), "name": .string("P")])).json[
                    "id"]?.stringValue)
            _ = try await api.post("/contacts/\(contact)/companies", .object(["id": .string(company)]))
            _ = try await api.post(
                "/tags", .object(["name": .string("kept"), "users": .array([.object(["id": .string(contact)])])]))
            await ids.set(contact, company)
        }
        try await withSandbox(configuration) { api in
            let (contact, company) = await ids.get()
            let stored = try await api.get("/contacts/\(contact)").json
            #expect(
                stored["tags"]?["total_count"] == .number("1") && stored["companies"]?["total_count"] == .number("1"))
            #expect(try await api.get("/companies/\(company)").json["user_count"] == .number("1"))
            // A new tag after the restart gets a new id.
            let next = try await api.post("/tags", .object(["name": .string("new")])).json["id"]
            let kept = try await api.get("/tags").json["data"]
            #expect(Self.count(kept) == 2 && next != nil && next != .string("7522900"))
        }
    }

    actor IDs {
        var contact = ""
        var company = ""
        func set(_ contact: String, _ company: String) {
            self.contact = contact
            self.company = company
        }
        func get() -> (String, String) { (contact, company) }
    }
}
