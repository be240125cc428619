import IntercomAPI
import IntercomSandbox
import JSONText
import SandboxTestSupport
import Testing

struct ClientEndpointTests {
    @Test func everyEndpointThroughTheClient() async throws {
        try await withClient { client, _ in
            let me = try await client.me()
            let adminID = try #require(me["id"]?.stringValue)
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let attributes = try await client.dataAttributes()
            #expect(attributes.contains { $0["name"] == .string("plan") })

            let created = try await client.createContact([
                "email": .string("ann@example.com"), "external_id": .string("a-1"), "name": .string("Ann"),
                "custom_attributes": .object(["plan": .string("pro")]),
            ])
            #expect(created.role == "user")
            #expect(created.customAttributes["plan"] == .string("pro"))
            #expect(try await client.contact(id: created.id) == created)
            #expect(try await client.contact(externalID: "a-1").id == created.id)

            let updated = try await client.updateContact(id: created.id, ["phone": .string("+15550100")])
            #expect(updated.phone == "+15550100")
            #expect(updated.email == "ann@example.com")

            let found = try await client.searchContacts(
                query: .object([
                    "field": .string("email"), "operator": .string("="), "value": .string("ann@example.com"),
                ]))
            #expect(found.contacts.map(\.id) == [created.id])
            #expect(found.totalCount == 1)

            for index in 0..<4 { _ = try await client.createContact(["email": .string("p\(index)@example.com")]) }
            var ids: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.listContacts(perPage: 2, startingAfter: cursor)
                ids += page.contacts.map(\.id)
                // Each contact's bytes as received, for NDJSON export to copy.
                #expect(page.rawContacts.count == page.contacts.count)
                for (index, contact) in page.contacts.enumerated() {
                    let line = try #require(page.rawLine(at: index))
                    #expect(try JSONValue.parse(Array(line)) == contact.raw)
                }
                cursor = page.nextCursor
            } while cursor != nil
            #expect(ids.count == 5 && Set(ids).count == 5)

            let message = try await client.sendMessage([
                "message_type": .string("inapp"), "body": .string("Hi"),
                "from": .object(["type": .string("admin"), "id": .number(adminID)]),
                "to": .object(["type": .string("user"), "id": .string(created.id)]),
            ])
            #expect(message["type"] == .string("admin_message"))

            _ = try await client.setArchived(id: created.id, true)
            _ = try await client.setArchived(id: created.id, false)
            let deleted = try await client.deleteContact(id: created.id)
            #expect(deleted["deleted"] == .bool(true))
        }
    }

    @Test func aRawContactWithALineBreakIsNotALine() throws {
        let contact = try IntercomContact(
            json: try JSONValue.parse(#"{"id":"1","role":"user","created_at":1,"updated_at":2}"#))
        let compact = Array(#"{"id":"1","role":"user","created_at":1,"updated_at":2}"#.utf8)
        let pretty = Array("{\n  \"id\": \"1\", \"role\": \"user\",\r\n \"created_at\": 1, \"updated_at\": 2}".utf8)
        let page = ContactPage(
            contacts: [contact, contact], totalCount: 2, nextCursor: nil, rawContacts: [compact[...], pretty[...]])
        #expect(page.rawLine(at: 0) == compact[...])
        #expect(page.rawLine(at: 1) == nil)
        #expect(ContactPage(contacts: [contact], totalCount: 1, nextCursor: nil).rawLine(at: 0) == nil)
    }

    @Test func errorsAreTypedWithMessagesAPersonCanActOn() async throws {
        try await withClient { client, _ in
            let id = try await client.createContact(["email": .string("dup@example.com")]).id
            let conflict = await #expect(throws: IntercomError.self) {
                _ = try await client.createContact(["email": .string("dup@example.com")])
            }
            #expect(conflict?.kind == .conflict(existingID: id, archived: false))
            #expect(
                conflict?.description.hasPrefix(
                    "a contact with this email or external ID already exists (id=\(id)): use update") == true)

            let missing = await #expect(throws: IntercomError.self) {
                _ = try await client.contact(id: "000000000000000000000000")
            }
            #expect(missing?.kind == .notFound)
            #expect(missing?.description.hasPrefix("contact not found in this workspace") == true)

            let invalid = await #expect(throws: IntercomError.self) {
                _ = try await client.createContact(["name": .string("x")])
            }
            #expect(invalid?.kind == .validation(field: nil))
            #expect(
                invalid?.description.hasPrefix(
                    "a user contact requires an email or an external ID; supply one, or set role to lead") == true)

            _ = try await client.setArchived(id: id, true)
            let archived = await #expect(throws: IntercomError.self) {
                _ = try await client.createContact(["email": .string("dup@example.com")])
            }
            #expect(archived?.kind == .conflict(existingID: id, archived: true))
        }
        try await withClient(token: "revoked") { client, _ in
            let error = await #expect(throws: IntercomError.self) { _ = try await client.me() }
            #expect(error?.kind == .authentication)
            #expect(
                error?.description.hasPrefix("authentication failed: the access token is missing, expired or revoked")
                    == true)
            #expect(client.statistics.totalCalls == 1)  // never retried
        }
    }

    @Test func lenientDecodingOfVersionedFields() throws {
        let contact = try IntercomContact(
            json: try JSONValue.parse(
                """
                {"type":"contact","id":"c1","role":"lead","owner_id":123,"avatar":"https://x/a.png","created_at":1,"updated_at":2,"new_field":{"a":1}}
                """))
        #expect(contact.ownerID == "123")
        #expect(contact.avatarURL == "https://x/a.png")
        let other = try IntercomContact(
            json: try JSONValue.parse(
                """
                {"id":"c2","role":"user","owner_id":"9","avatar":{"type":"avatar","image_url":"https://y"},"created_at":1,"updated_at":2,"email":""}
                """))
        #expect(other.ownerID == "9" && other.avatarURL == "https://y" && other.email == nil)
        #expect(throws: IntercomError.self) {
            try IntercomContact(json: try JSONValue.parse(#"{"id":"c3","role":"admin","created_at":1,"updated_at":2}"#))
        }
        #expect(throws: IntercomError.self) {
            try IntercomContact(
                json: try JSONValue.parse(#"{"id":"c4","role":"user","created_at":"x","updated_at":2}"#))
        }
    }

    @Test func baseURLsAndTokens() throws {
        let token = AccessToken("secret-value")
        #expect(throws: IntercomError.self) {
            try IntercomConfiguration(baseURL: "http://api.intercom.io", token: token)
        }
        #expect(throws: IntercomError.self) { try IntercomConfiguration(baseURL: "http://10.0.0.5:4010", token: token) }
        #expect(throws: IntercomError.self) { try IntercomConfiguration(baseURL: "ftp://x", token: token) }
        #expect(
            try IntercomConfiguration(baseURL: "http://127.0.0.1:4010/", token: token).baseURL
                == "http://127.0.0.1:4010")
        #expect(try IntercomConfiguration(baseURL: "http://localhost:1", token: token).baseURL == "http://localhost:1")
        #expect(
            try IntercomConfiguration(baseURL: IntercomConfiguration.Region.eu.baseURL, token: token).baseURL
                == "https://api.eu.intercom.io")

        #expect(
            try AccessToken.fromEnvironmentOrFile(path: nil, environment: ["INTERCOM_ACCESS_TOKEN": "abc"]).description
                == "<redacted access token>")
        let error = #expect(throws: IntercomError.self) {
            try AccessToken.fromEnvironmentOrFile(path: nil, environment: [:])
        }
        #expect(error?.description.contains("INTERCOM_ACCESS_TOKEN") == true)
        let configuration = try IntercomConfiguration(baseURL: "https://api.intercom.io", token: token)
        #expect(!String(describing: configuration).contains("secret-value"))
        #expect(!String(reflecting: configuration).contains("secret-value"))
    }
}
