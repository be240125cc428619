import Foundation
import HTTPTypes
import IntercomSandbox
import JSONText
import Testing

/// The sandbox's JSON checked against Intercom's official OpenAPI description (a copy in this target's resources,
/// see its README), not against our own client's models: every endpoint's response and every kind of error.
struct SpecConformanceTests {
    /// The description, read once for the suite (it is 1.3 MB of YAML).
    static let schemas: Result<OpenAPISchemas, any Error> = Result {
        guard
            let url = Bundle.module.url(
                forResource: "api.intercom.io", withExtension: "yaml", subdirectory: "Resources/intercom-openapi")
        else { throw SandboxTestError(message: "the spec is missing from the test resources") }
        return try OpenAPISchemas(path: url.path)
    }

    /// The validator finds what a person checking by hand would: a wrong type, a missing required field, a value
    /// outside an enum, null where the spec does not allow it, and a broken oneOf.
    @Test func theValidatorCatchesWhatTheSpecForbids() throws {
        let schemas = try Self.schemas.get()
        let good: JSONValue = .object([
            "type": .string("error.list"), "request_id": .null,
            "errors": .array([.object(["code": .string("not_found"), "message": .string("Contact Not Found")])]),
        ])
        #expect(schemas.problems(of: good, against: "error").isEmpty)
        #expect(!schemas.problems(of: .object(["type": .string("error.list")]), against: "error").isEmpty)
        #expect(!schemas.problems(of: .object(["errors": .array([.object([:])])]), against: "error").isEmpty)
        let attribute: JSONValue = .object(["type": .string("data_attribute"), "data_type": .string("options")])
        #expect(schemas.problems(of: attribute, against: "data_attribute").contains { $0.contains("data_type") })
        #expect(!schemas.problems(of: .object(["name": .number("3")]), against: "contact").isEmpty)
        #expect(!schemas.problems(of: .object(["unsubscribed_from_emails": .null]), against: "contact").isEmpty)
        #expect(schemas.problems(of: .object(["phone": .null]), against: "contact").isEmpty)
        #expect(!schemas.problems(of: .object(["to": .number("1")]), against: "create_message_request").isEmpty)
        #expect(!schemas.problems(of: .null, against: "no_such_schema").isEmpty)
    }

    @Test func responsesValidateAgainstTheOfficialSpec() async throws {
        let schemas = try Self.schemas.get()
        let samples = SampleLog()
        let clock = ManualSandboxClock()
        try await withSandbox(SandboxConfiguration(rateLimitPerMinute: 24), clock: clock) { api in
            func keep(_ name: String, _ response: SandboxResponse) async { await samples.add(name, response.json) }
            await keep("admin_with_app.me", try await api.get("/me"))
            await keep("admin_list.all", try await api.get("/admins"))
            await keep(
                "data_attribute.created",
                try await api.post(
                    "/data_attributes",
                    .object([
                        "name": .string("plan"), "model": .string("contact"), "data_type": .string("string"),
                        "description": .string("Plan"),
                    ])))
            let created = try await api.post(
                "/contacts",
                .object([
                    "email": .string("spec@example.com"), "external_id": .string("s-1"), "name": .string("Spec"),
                    "avatar": .string("https://example.com/a.png"), "owner_id": .number("991267816"),
                    "custom_attributes": .object(["plan": .string("pro")]),
                ]))
            await keep("contact.created", created)
            let id = try #require(created.json["id"]?.stringValue)
            await keep(
                "contact.updated", try await api.put("/contacts/\(id)", .object(["phone": .string("+15550100")])))
            await keep("error.429", try await api.get("/contacts?per_page=1"))
            clock.advance(by: 10)
            await keep("contact_list.list", try await api.get("/contacts?per_page=1"))
            await keep(
                "contact_list.search",
                try await api.post(
                    "/contacts/search",
                    .object([
                        "query": .object([
                            "field": .string("email"), "operator": .string("="), "value": .string("spec@example.com"),
                        ])
                    ])))
            await keep(
                "data_attribute.list_type",
                try await api.post(
                    "/data_attributes",
                    .object([
                        "name": .string("tier"), "model": .string("contact"), "data_type": .string("options"),
                        "options": .array([.object(["value": .string("gold")]), .object(["value": .string("silver")])]),
                    ])))
            await keep(
                "data_attribute.company",
                try await api.post(
                    "/data_attributes",
                    .object([
                        "name": .string("region"), "model": .string("company"), "data_type": .string("string"),
                    ])))
            clock.advance(by: 10)
            await keep("data_attribute_list", try await api.get("/data_attributes?model=contact"))
            await keep("data_attribute_list.company", try await api.get("/data_attributes?model=company"))
            await keep("data_attribute_list.all", try await api.get("/data_attributes"))
            await keep(
                "message.inapp",
                try await api.post(
                    "/messages",
                    .object([
                        "message_type": .string("inapp"), "body": .string("Hi"),
                        "from": .object(["type": .string("admin"), "id": .number("991267816")]),
                        "to": .object(["type": .string("user"), "id": .string(id)]),
                    ])))
            clock.advance(by: 10)
            await keep(
                "message.to_array",
                try await api.post(
                    "/messages",
                    .object([
                        "message_type": .string("inapp"), "body": .string("Hi"),
                        "from": .object(["type": .string("admin"), "id": .number("991267816")]),
                        "to": .array([.object(["type": .string("user"), "id": .string(id)])]),
                    ])))
            clock.advance(by: 10)
            // Any admin that GET /admins lists may send, and is the message's owner.
            let fromTeammate = try await api.post(
                "/messages",
                .object([
                    "message_type": .string("inapp"), "body": .string("Hi"),
                    "from": .object(["type": .string("admin"), "id": .number("991267817")]),
                    "to": .object(["type": .string("user"), "id": .string(id)]),
                ]))
            #expect(fromTeammate.json["owner"]?["id"] == .string("991267817"))
            await keep("message.from_teammate", fromTeammate)
            clock.advance(by: 10)
            await keep("error.409", try await api.post("/contacts", .object(["email": .string("spec@example.com")])))
            await keep("contact_archived", try await api.post("/contacts/\(id)/archive", .object([:])))
            await keep("contact_unarchived", try await api.post("/contacts/\(id)/unarchive", .object([:])))
            clock.advance(by: 10)
            await keep("contact_deleted", try await api.delete("/contacts/\(id)"))
            clock.advance(by: 10)
            await keep("error.404", try await api.get("/contacts/\(id)"))
            await keep("error.400", try await api.post("/contacts", .object(["email": .string("bad")])))
            await keep("error.400_cursor", try await api.get("/contacts?starting_after=WzEsMV0="))
            let huge = JSONValue.object(["name": .string(String(repeating: "x", count: 5 << 20))])
            await keep("error.413", try await api.post("/contacts", huge))
            var stranger = api
            stranger.token = "wrong"
            await keep("error.401", try await stranger.get("/me"))
        }
        var checked = 0
        for (sample, json) in await samples.items {
            let schema = String(sample.split(separator: ".")[0])
            let problems = schemas.problems(of: json, against: schema)
            #expect(
                problems.isEmpty, "\(sample) against \(schema): \(problems.joined(separator: "; ")) in \(json.jsonText)"
            )
            checked += 1
        }
        #expect(checked >= 20)
    }
}

actor SampleLog {
    var items: [(String, JSONValue)] = []
    func add(_ name: String, _ json: JSONValue) { items.append((name, json)) }
}
