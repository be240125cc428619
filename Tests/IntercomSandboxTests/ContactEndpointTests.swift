import HTTPTypes
import IntercomSandbox
import JSONText
import Testing

struct ContactEndpointTests {
    @Test func createGetUpdateDeleteRoundTrip() async throws {
        try await withSandbox { api in
            let created = try await api.post(
                "/contacts", .object(["email": .string("ann@example.com"), "name": .string("Ann")]))
            #expect(created.status == .ok)
            #expect(created.json["type"] == .string("contact"))
            #expect(created.json["role"] == .string("user"))
            #expect(created.json["email_domain"] == .string("example.com"))
            let id = try #require(created.json["id"]?.stringValue)
            #expect(id.count == 24 && id.allSatisfy(\.isHexDigit))
            #expect(created.json["created_at"] == created.json["updated_at"])

            let fetched = try await api.get("/contacts/\(id)")
            #expect(fetched.json == created.json)

            let updated = try await api.put("/contacts/\(id)", .object(["phone": .string("+15550100"), "name": .null]))
            #expect(updated.status == .ok)
            #expect(updated.json["phone"] == .string("+15550100"))
            #expect(updated.json["name"] == .null)
            #expect(updated.json["email"] == .string("ann@example.com"))

            let deleted = try await api.delete("/contacts/\(id)")
            #expect(
                deleted.json
                    == .object([
                        "type": .string("contact"), "id": .string(id), "external_id": .null, "deleted": .bool(true),
                    ]))
            let gone = try await api.get("/contacts/\(id)")
            #expect(gone.status == .notFound)
            #expect(gone.errorCode == "not_found")
            #expect(gone.json["type"] == .string("error.list"))
        }
    }

    @Test func aUserNeedsAnEmailOrAnExternalIDButALeadDoesNot() async throws {
        try await withSandbox { api in
            let user = try await api.post("/contacts", .object(["name": .string("Nobody")]))
            #expect(user.status == .badRequest)
            #expect(user.errorCode == "parameter_invalid")
            let lead = try await api.post("/contacts", .object(["role": .string("lead"), "name": .string("Lead")]))
            #expect(lead.status == .ok)
            #expect(lead.json["role"] == .string("lead"))
            #expect(lead.json["email"] == .string(""))
            let byExternalID = try await api.post("/contacts", .object(["external_id": .string("x-1")]))
            #expect(byExternalID.status == .ok)
        }
    }

    @Test func conflictsNameTheExistingContactAndItsArchivedState() async throws {
        try await withSandbox { api in
            let id = try await api.createContact(["email": .string("dup@example.com"), "external_id": .string("e-1")])
            let sameEmail = try await api.post("/contacts", .object(["email": .string("DUP@example.com")]))
            #expect(sameEmail.status == .conflict)
            #expect(sameEmail.errorCode == "conflict")
            #expect(sameEmail.errorMessage == "A contact matching those details already exists with id=\(id)")
            let sameExternalID = try await api.post(
                "/contacts", .object(["external_id": .string("e-1"), "role": .string("lead")]))
            #expect(sameExternalID.status == .conflict)

            let archived = try await api.post("/contacts/\(id)/archive", .object([:]))
            #expect(archived.json["archived"] == .bool(true))
            let again = try await api.post("/contacts", .object(["email": .string("dup@example.com")]))
            #expect(again.errorMessage == "An archived contact matching those details already exists with id=\(id)")
            let unarchived = try await api.post("/contacts/\(id)/unarchive", .object([:]))
            #expect(unarchived.json["archived"] == .bool(false))

            let other = try await api.createContact(["email": .string("other@example.com")])
            let collide = try await api.put("/contacts/\(other)", .object(["email": .string("dup@example.com")]))
            #expect(collide.status == .conflict)
        }
    }

    @Test func aUserCannotBecomeALead() async throws {
        try await withSandbox { api in
            let id = try await api.createContact(["email": .string("u@example.com")])
            let response = try await api.put("/contacts/\(id)", .object(["role": .string("lead")]))
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "client_error")
            #expect(response.errorMessage == "Contact with user role can't be converted to a lead")
            let lead = try await api.createContact(["role": .string("lead")])
            #expect(
                try await api.put(
                    "/contacts/\(lead)", .object(["role": .string("user"), "email": .string("l@example.com")])
                ).status == .ok)
        }
    }

    @Test func invalidValuesAreRejected() async throws {
        try await withSandbox { api in
            for body: JSONObject in [
                ["email": .string("not-an-email")], ["email": .string("a@x.com"), "role": .string("admin")],
                ["email": .string("b@x.com"), "avatar": .string("ftp://x")],
                ["email": .string("c@x.com"), "owner_id": .number("7")],
                ["email": .string("d@x.com"), "signed_up_at": .string("yesterday")],
            ] {
                let response = try await api.post("/contacts", .object(body))
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.errorCode == "parameter_invalid", "\(body)")
            }
            let owner = try await api.post(
                "/contacts", .object(["email": .string("e@x.com"), "owner_id": .number("7")]))
            #expect(owner.errorMessage == "The owner specified is not a member of the workspace")
            let notJSON = try await api.send(.post, "/contacts", nil)
            #expect(notJSON.status == .badRequest)
        }
    }

    @Test func customAttributesMustExistAndHaveTheirType() async throws {
        try await withSandbox { api in
            let missing = try await api.post(
                "/contacts",
                .object(["email": .string("a@x.com"), "custom_attributes": .object(["plan": .string("pro")])]))
            #expect(missing.status == .badRequest)
            #expect(missing.errorMessage == "Custom attribute 'plan' does not exist")

            let attribute = try await api.post(
                "/data_attributes",
                .object(["name": .string("plan"), "model": .string("contact"), "data_type": .string("string")]))
            #expect(attribute.status == .ok)
            #expect(attribute.json["full_name"] == .string("custom_attributes.plan"))
            _ = try await api.post(
                "/data_attributes",
                .object(["name": .string("seats"), "model": .string("contact"), "data_type": .string("integer")]))

            let wrongType = try await api.post(
                "/contacts",
                .object(["email": .string("a@x.com"), "custom_attributes": .object(["seats": .string("many")])]))
            #expect(wrongType.status == .badRequest)
            let ok = try await api.post(
                "/contacts",
                .object([
                    "email": .string("a@x.com"),
                    "custom_attributes": .object(["plan": .string("pro"), "seats": .number("3")]),
                ]))
            #expect(ok.json["custom_attributes"] == .object(["plan": .string("pro"), "seats": .number("3")]))

            let list = try await api.get("/data_attributes?model=contact")
            guard case .array(let items)? = list.json["data"] else { Issue.record("no data"); return }
            #expect(items.contains { $0["name"] == .string("plan") && $0["custom"] == .bool(true) })
            #expect(items.contains { $0["name"] == .string("email") && $0["custom"] == .bool(false) })
            let duplicate = try await api.post(
                "/data_attributes",
                .object(["name": .string("plan"), "model": .string("contact"), "data_type": .string("string")]))
            #expect(duplicate.status == .badRequest)
        }
    }

    @Test func findByExternalIDFindsUsersOnly() async throws {
        try await withSandbox { api in
            let user = try await api.createContact(["external_id": .string("u-1")])
            _ = try await api.createContact(["external_id": .string("l-1"), "role": .string("lead")])
            #expect(try await api.get("/contacts/find_by_external_id/u-1").json["id"] == .string(user))
            #expect(try await api.get("/contacts/find_by_external_id/l-1").status == .notFound)
            #expect(try await api.get("/contacts/find_by_external_id/none").status == .notFound)
        }
    }

    @Test func ownerIDIsAnIntegerBeforeVersion216AndAStringFrom216() async throws {
        try await withSandbox { api in
            let id = try await api.createContact(["email": .string("o@x.com"), "owner_id": .number("991267816")])
            #expect(try await api.get("/contacts/\(id)").json["owner_id"] == .string("991267816"))
            var old = api
            old.version = "2.11"
            #expect(try await old.get("/contacts/\(id)").json["owner_id"] == .number("991267816"))
        }
    }
}
