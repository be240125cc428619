import Foundation
import HTTPTypes
import IntercomSandbox
import JSONText
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
            // One kept; the archived one is left out of the list and of its count.
            #expect(list.json["total_count"] == .number("1"))
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

    @Test func aCursorHandedOutBeforeARestartStillWorksAfterIt() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString).sqlite")
            .path
        let configuration = SandboxConfiguration(rateLimitPerMinute: 0, dataPath: path)
        let ids = IDLog()
        let cursors = IDLog()
        try await withSandbox(configuration) { api in
            for index in 0..<3 { await ids.add(try await api.createContact(["email": .string("c\(index)@x.com")])) }
            let page = try await api.get("/contacts?per_page=2")
            await cursors.add(try #require(page.json["pages"]?["next"]?["starting_after"]?.stringValue))
        }
        let cursor = try #require(await cursors.values.first)
        let escaped = try #require(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let expected = await ids.values
        try await withSandbox(configuration) { api in
            let next = try await api.get("/contacts?per_page=2&starting_after=\(escaped)")
            #expect(next.status == .ok)
            guard case .array(let data)? = next.json["data"] else {
                Issue.record("no data: \(next.json.jsonText)")
                return
            }
            #expect(data.compactMap { $0["id"]?.stringValue } == [expected[2]])
        }
        // A workspace in memory has a secret of its own: the same cursor is foreign there.
        try await withSandbox { api in
            let foreign = try await api.get("/contacts?per_page=2&starting_after=\(escaped)")
            #expect(foreign.status == .badRequest)
        }
    }
}

actor IDLog {
    var values: [String] = []
    func add(_ value: String) { values.append(value) }
}
