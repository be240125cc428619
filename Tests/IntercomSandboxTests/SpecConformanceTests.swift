import ContactIO
import Foundation
import HTTPTypes
import IntercomSandbox
import Testing

/// The sandbox's JSON checked against Intercom's official OpenAPI description (shared/intercom-openapi), not
/// against our own client's models: every endpoint's response and every kind of error.
struct SpecConformanceTests {
    static var specPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/intercom-openapi/api.intercom.io.yaml").path
    }

    @Test func responsesValidateAgainstTheOfficialSpec() async throws {
        let spec = Self.specPath
        try #require(FileManager.default.fileExists(atPath: spec), "the spec should be at \(spec)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sandbox-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let samples = SampleLog()
        let clock = ManualSandboxClock()
        try await withSandbox(SandboxConfiguration(rateLimitPerMinute: 24), clock: clock) { api in
            func keep(_ name: String, _ response: SandboxResponse) async { await samples.add(name, response.json) }
            await keep("admin_with_app.me", try await api.get("/me"))
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
            await keep("data_attribute_list", try await api.get("/data_attributes?model=contact"))
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
            await keep("error.409", try await api.post("/contacts", .object(["email": .string("spec@example.com")])))
            await keep("contact_archived", try await api.post("/contacts/\(id)/archive", .object([:])))
            await keep("contact_unarchived", try await api.post("/contacts/\(id)/unarchive", .object([:])))
            await keep("contact_deleted", try await api.delete("/contacts/\(id)"))
            clock.advance(by: 10)
            await keep("error.404", try await api.get("/contacts/\(id)"))
            await keep("error.400", try await api.post("/contacts", .object(["email": .string("bad")])))
            var stranger = api
            stranger.token = "wrong"
            await keep("error.401", try await stranger.get("/me"))
        }
        for (name, json) in await samples.items {
            try Data(json.jsonText.utf8).write(to: directory.appendingPathComponent("\(name).json"))
        }
        let script = try #require(
            Bundle.module.url(forResource: "validate_against_spec", withExtension: "py", subdirectory: "Resources"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, spec, directory.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("\(await samples.items.count) passed, 0 failed"), "\(text)")
    }
}

actor SampleLog {
    var items: [(String, JSONValue)] = []
    func add(_ name: String, _ json: JSONValue) { items.append((name, json)) }
}
