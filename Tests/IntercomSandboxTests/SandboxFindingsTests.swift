import Foundation
import HTTPTypes
import IntercomSandbox
import JSONText
import Testing

/// The twelve findings of issue #16 (a client crashing the sandbox, paging forever, or getting answers the spec does
/// not allow), one regression test each.
struct SandboxFindingsTests {
    func searchBody(_ query: JSONValue, sort: String? = nil, perPage: Int? = nil, after: String? = nil) -> JSONValue {
        var body: JSONObject = ["query": query]
        if let sort { body["sort"] = .object(["field": .string(sort), "order": .string("ascending")]) }
        var pagination: JSONObject = [:]
        if let perPage { pagination["per_page"] = .number(String(perPage)) }
        if let after { pagination["starting_after"] = .string(after) }
        if !pagination.members.isEmpty { body["pagination"] = .object(pagination) }
        return .object(body)
    }

    var everyone: JSONValue {
        .object(["field": .string("role"), "operator": .string("="), "value": .string("user")])
    }

    func ids(_ response: SandboxResponse) -> [String] {
        guard case .array(let data)? = response.json["data"] else { return [] }
        return data.compactMap { $0["id"]?.stringValue }
    }

    /// Pages through a search to the end (or 50 pages), returning the ids in order.
    func searchAll(_ api: SandboxClient, _ query: JSONValue, sort: String, perPage: Int) async throws -> [String] {
        var seen: [String] = []
        var cursor: String?
        for _ in 0..<50 {
            let page = try await api.post(
                "/contacts/search", searchBody(query, sort: sort, perPage: perPage, after: cursor))
            #expect(page.status == .ok, "\(page.json.jsonText)")
            seen += ids(page)
            cursor = page.json["pages"]?["next"]?["starting_after"]?.stringValue
            if cursor == nil { break }
        }
        return seen
    }

    func expectInvalidCursor(_ response: SandboxResponse) {
        #expect(response.status == .badRequest)
        #expect(response.errorCode == "client_error")
        #expect(response.errorMessage?.hasPrefix("Invalid starting_after param") == true)
    }

    @Test("1: a list cursor whose page counter is Int.max is refused, and the server lives on")
    func listCursorWithHugePage() async throws {
        try await withSandbox { api in
            _ = try await api.createContact(["email": .string("a@example.com")])
            _ = try await api.createContact(["email": .string("b@example.com")])
            expectInvalidCursor(
                try await api.get("/contacts?per_page=1&starting_after=WzEsOTIyMzM3MjAzNjg1NDc3NTgwN10="))
            #expect(try await api.get("/me").status == .ok)
        }
    }

    @Test("2: a search cursor whose page counter is Int.max is refused")
    func searchCursorWithHugePage() async throws {
        try await withSandbox { api in
            _ = try await api.createContact(["email": .string("a@example.com")])
            _ = try await api.createContact(["email": .string("b@example.com")])
            let body = searchBody(everyone, perPage: 1, after: "W251bGwsMSw5MjIzMzcyMDM2ODU0Nzc1ODA3XQ==")
            expectInvalidCursor(try await api.post("/contacts/search", body))
            #expect(try await api.get("/me").status == .ok)
        }
    }

    @Test("3: a created_at search cursor holding 1e300 is refused")
    func searchCursorWithHugeSortValue() async throws {
        try await withSandbox { api in
            _ = try await api.createContact(["email": .string("a@example.com")])
            let body = searchBody(everyone, sort: "created_at", perPage: 1, after: "WzFlMzAwLDEsMiwxMF0=")
            expectInvalidCursor(try await api.post("/contacts/search", body))
            #expect(try await api.get("/me").status == .ok)
        }
    }

    func makeFloatAttribute(_ api: SandboxClient) async throws {
        let made = try await api.post(
            "/data_attributes",
            .object(["name": .string("score"), "model": .string("contact"), "data_type": .string("float")]))
        #expect(made.status == .ok)
    }

    @Test("4: a search sorted by a float attribute of 1e300 pages through both contacts")
    func sortByHugeFloat() async throws {
        try await withSandbox { api in
            try await makeFloatAttribute(api)
            var made: [String] = []
            for index in 0..<2 {
                made.append(
                    try await api.createContact([
                        "email": .string("f\(index)@example.com"),
                        "custom_attributes": .object(["score": .number("1e300")]),
                    ]))
            }
            let seen = try await searchAll(api, everyone, sort: "custom_attributes.score", perPage: 1)
            #expect(seen == made)
            #expect(try await api.get("/me").status == .ok)
        }
    }

    @Test("5: a search sorted by floats 1.5, 1.7, 1.9 moves forward on every page")
    func sortByFractionalFloats() async throws {
        try await withSandbox { api in
            try await makeFloatAttribute(api)
            var made: [String] = []
            for value in ["1.9", "1.5", "1.7"] {
                made.append(
                    try await api.createContact([
                        "email": .string("s\(value)@example.com"),
                        "custom_attributes": .object(["score": .number(value)]),
                    ]))
            }
            let seen = try await searchAll(api, everyone, sort: "custom_attributes.score", perPage: 1)
            #expect(seen == [made[1], made[2], made[0]])
        }
    }

    @Test("6: path parameters are percent-decoded")
    func findByExternalIDWithSpace() async throws {
        try await withSandbox { api in
            let id = try await api.createContact(["external_id": .string("a b")])
            let found = try await api.get("/contacts/find_by_external_id/a%20b")
            #expect(found.status == .ok)
            #expect(found.json["id"] == .string(id))
            let accented = try await api.createContact(["external_id": .string("José/1")])
            let second = try await api.get("/contacts/find_by_external_id/Jos%C3%A9%2F1")
            #expect(second.json["id"] == .string(accented))
            #expect(try await api.get("/contacts/\(id.replacingOccurrences(of: "0", with: "%30"))").status == .ok)
        }
    }

    @Test("7: counts and pages of a list agree with what paging returns when a contact is archived")
    func listCountsLeaveArchivedOut() async throws {
        try await withSandbox { api in
            var made: [String] = []
            for index in 0..<5 { made.append(try await api.createContact(["email": .string("c\(index)@example.com")])) }
            #expect(try await api.post("/contacts/\(made[2])/archive", .object([:])).status == .ok)
            let page = try await api.get("/contacts?per_page=4")
            #expect(ids(page) == [made[0], made[1], made[3], made[4]])
            #expect(page.json["total_count"] == .number("4"))
            #expect(page.json["pages"]?["total_pages"] == .number("1"))
            #expect(page.json["pages"]?["next"] == nil)
            let found = try await api.post("/contacts/search", searchBody(everyone))
            #expect(found.json["total_count"] == .number("4"))
            _ = try await api.delete("/contacts/\(made[2])")
            #expect(try await api.get("/contacts?per_page=4").json["total_count"] == .number("4"))
        }
    }

    @Test("8: company attributes are a list of their own")
    func companyAttributesAreSeparate() async throws {
        try await withSandbox { api in
            let made = try await api.post(
                "/data_attributes",
                .object(["name": .string("region"), "model": .string("company"), "data_type": .string("string")]))
            #expect(made.status == .ok)
            #expect(made.json["model"] == .string("company"))
            let companies = try await api.get("/data_attributes?model=company")
            let contacts = try await api.get("/data_attributes?model=contact")
            func names(_ response: SandboxResponse) -> [String] {
                guard case .array(let data)? = response.json["data"] else { return [] }
                return data.compactMap { $0["name"]?.stringValue }
            }
            #expect(names(companies).contains("region"))
            #expect(!names(contacts).contains("region"))
            let refused = try await api.post(
                "/contacts",
                .object(["email": .string("r@example.com"), "custom_attributes": .object(["region": .string("EU")])]))
            #expect(refused.status == .badRequest)
            // The same name can then be a contact attribute too.
            let contactOne = try await api.post(
                "/data_attributes",
                .object(["name": .string("region"), "model": .string("contact"), "data_type": .string("string")]))
            #expect(contactOne.json["model"] == .string("contact"))
            let again = try await api.post(
                "/data_attributes",
                .object(["name": .string("region"), "model": .string("company"), "data_type": .string("string")]))
            #expect(again.status == .badRequest)
        }
    }

    @Test("9: list attributes answer data_type string, with their options")
    func listAttributesAreStrings() async throws {
        try await withSandbox { api in
            let made = try await api.post(
                "/data_attributes",
                .object([
                    "name": .string("tier"), "model": .string("contact"), "data_type": .string("options"),
                    "options": .array([.object(["value": .string("gold")]), .object(["value": .string("silver")])]),
                ]))
            #expect(made.json["data_type"] == .string("string"))
            #expect(made.json["options"] == .array([.string("gold"), .string("silver")]))
            guard case .array(let data)? = try await api.get("/data_attributes?model=contact").json["data"] else {
                Issue.record("no data")
                return
            }
            #expect(data.allSatisfy { $0["data_type"] != .string("options") })
        }
    }

    @Test("10: a message to an array of recipients is sent")
    func messageToArray() async throws {
        try await withSandbox { api in
            let first = try await api.createContact(["email": .string("m1@example.com")])
            let second = try await api.createContact(["email": .string("m2@example.com")])
            func message(_ to: JSONValue) -> JSONValue {
                .object([
                    "message_type": .string("inapp"), "body": .string("Hi"),
                    "from": .object(["type": .string("admin"), "id": .number("991267816")]), "to": to,
                ])
            }
            let recipients: JSONValue = .array([
                .object(["type": .string("user"), "id": .string(first)]),
                .object(["type": .string("user"), "id": .string(second)]),
            ])
            let sent = try await api.post("/messages", message(recipients))
            #expect(sent.status == .ok, "\(sent.json.jsonText)")
            #expect(sent.json["type"] == .string("admin_message"))
            let unknown = try await api.post(
                "/messages", message(.array([.object(["type": .string("user"), "id": .string("nobody")])])))
            #expect(unknown.status == .notFound)
            #expect(try await api.post("/messages", message(.array([]))).status == .badRequest)
        }
    }

    @Test("11: a body over 4 MiB gets a 413 with an error list")
    func oversizedBody() async throws {
        try await withSandbox { api in
            let huge = JSONValue.object([
                "email": .string("big@example.com"), "name": .string(String(repeating: "x", count: 5 << 20)),
            ])
            let response = try await api.post("/contacts", huge)
            #expect(response.status == .contentTooLarge)
            #expect(response.json["type"] == .string("error.list"))
            #expect(response.errorCode == "request_too_large")
            #expect(try await api.get("/me").status == .ok)
        }
    }

    @Test("12: custom_attributes and unsubscribed_from_emails take null, as the spec allows")
    func nullableFields() async throws {
        try await withSandbox { api in
            let made = try await api.post(
                "/contacts",
                .object([
                    "email": .string("n@example.com"), "custom_attributes": .null, "unsubscribed_from_emails": .null,
                ]))
            #expect(made.status == .ok, "\(made.json.jsonText)")
            let id = try #require(made.json["id"]?.stringValue)
            #expect(made.json["unsubscribed_from_emails"] == .bool(false))
            _ = try await api.put("/contacts/\(id)", .object(["unsubscribed_from_emails": .bool(true)]))
            let updated = try await api.put(
                "/contacts/\(id)", .object(["unsubscribed_from_emails": .null, "custom_attributes": .null]))
            #expect(updated.status == .ok, "\(updated.json.jsonText)")
            // Null changes nothing: it must not make someone who opted out emailable again.
            #expect(updated.json["unsubscribed_from_emails"] == .bool(true))
        }
    }
}
