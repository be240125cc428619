import ContactIO
import Foundation
import HTTPTypes
import IntercomSandbox
import Testing

struct PersistenceTests {
    @Test func theWorkspaceSurvivesARestartWithDataFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString).sqlite")
            .path
        let configuration = SandboxConfiguration(rateLimitPerMinute: 0, dataPath: path)
        let ids = IDLog()
        try await withSandbox(configuration) { api in
            _ = try await api.post(
                "/data_attributes",
                .object(["name": .string("plan"), "model": .string("contact"), "data_type": .string("string")]))
            await ids.add(
                try await api.createContact([
                    "email": .string("keep@x.com"), "external_id": .string("k-1"),
                    "custom_attributes": .object(["plan": .string("pro")]),
                ]))
            await ids.add(try await api.createContact(["email": .string("gone@x.com")]))
            await ids.add(try await api.createContact(["role": .string("lead"), "name": .string("Archived")]))
            _ = try await api.delete("/contacts/\(await ids.values[1])")
            _ = try await api.post("/contacts/\(await ids.values[2])/archive", .object([:]))
            _ = try await api.put("/contacts/\(await ids.values[0])", .object(["name": .string("Kept")]))
        }
        let saved = await ids.values
        try await withSandbox(configuration) { api in
            let kept = try await api.get("/contacts/\(saved[0])")
            #expect(kept.json["name"] == .string("Kept"))
            #expect(kept.json["custom_attributes"] == .object(["plan": .string("pro")]))
            #expect(try await api.get("/contacts/\(saved[1])").status == .notFound)
            let list = try await api.get("/contacts?per_page=150")
            #expect(list.json["total_count"] == .number("2"))
            // Conflicts, search and attributes come back with the data.
            #expect(try await api.post("/contacts", .object(["external_id": .string("k-1")])).status == .conflict)
            let again = try await api.post("/contacts", .object(["role": .string("lead"), "name": .string("x")]))
            #expect(again.status == .ok)
            #expect(again.json["id"]?.stringValue.map { !saved.contains($0) } == true)
            let found = try await api.post(
                "/contacts/search",
                .object([
                    "query": .object([
                        "field": .string("custom_attributes.plan"), "operator": .string("="), "value": .string("pro"),
                    ])
                ]))
            #expect(found.json["total_count"] == .number("1"))
            let archived = try await api.post("/contacts/\(saved[2])/unarchive", .object([:]))
            #expect(archived.json["archived"] == .bool(false))
        }
    }
}

actor IDLog {
    var values: [String] = []
    func add(_ value: String) { values.append(value) }
}
