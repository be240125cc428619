import Foundation
import IntercomSandbox
import JSONText
import Testing

/// The shapes of workspace the sandbox can start with (issue #24): a migration's one day of `created_at` with its
/// variety elsewhere, and a workspace whose contacts are mostly recent.
struct PreloadShapeTests {
    static func contacts(_ api: SandboxClient) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var cursor: String?
        repeat {
            let page = try await api.get("/contacts?per_page=150" + (cursor.map { "&starting_after=\($0)" } ?? "")).json
            if case .array(let items)? = page["data"] { all += items }
            cursor = page["pages"]?["next"]?["starting_after"]?.stringValue
        } while cursor != nil
        return all
    }

    @Test func aMigrationIsOneDayOfCreatedAtWithVarietyElsewhere() async throws {
        let clock = ManualSandboxClock(1_800_000_000)
        var configuration = SandboxConfiguration(port: 0, rateLimitPerMinute: 0, preloadContacts: 2_000)
        configuration.preloadShape = .migration
        try await withSandbox(configuration, clock: clock) { api in
            let contacts = try await Self.contacts(api)
            #expect(contacts.count == 2_000)
            let days = Set(contacts.compactMap { $0["created_at"]?.int64Value.map { $0 / 86_400 } })
            #expect(days.count == 1)
            let roles = Dictionary(grouping: contacts, by: { $0["role"]?.stringValue ?? "" }).mapValues(\.count)
            #expect((roles["lead"] ?? 0) > 200 && (roles["user"] ?? 0) > 1_200)
            let signedUp = contacts.compactMap { $0["signed_up_at"]?.int64Value }
            #expect((signedUp.max() ?? 0) - (signedUp.min() ?? 0) > 300 * 86_400)
            let domains = Dictionary(grouping: contacts, by: { $0["email_domain"]?.stringValue ?? "" }).mapValues(
                \.count)
            #expect(domains.count > 50 && (domains.values.max() ?? 0) > 10 * (domains.values.min() ?? 1))
        }
    }

    @Test func aRecentWorkspaceHasMostContactsNearTheEnd() async throws {
        let clock = ManualSandboxClock(1_800_000_000)
        var configuration = SandboxConfiguration(port: 0, rateLimitPerMinute: 0, preloadContacts: 1_000)
        configuration.preloadShape = .recent
        try await withSandbox(configuration, clock: clock) { api in
            let created = try await Self.contacts(api).compactMap { $0["created_at"]?.int64Value }.sorted()
            #expect(created.count == 1_000)
            // Evenly spread, the median would be half a year back; here it is within the last quarter.
            #expect(created[500] > 1_800_000_000 - 365 * 86_400 / 4)
            #expect(created[0] < 1_800_000_000 - 300 * 86_400)
        }
    }
}
