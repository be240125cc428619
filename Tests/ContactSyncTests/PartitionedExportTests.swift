import ContactIO
import ContactSync
import Foundation
import IntercomAPI
import IntercomSandbox
import JSONText
import SandboxTestSupport
import Testing

/// Partitions that follow the data (issue #24): a workspace made by one migration (every `created_at` on one day) is
/// split by `signed_up_at` too, and every contact is written exactly once even while contacts change their sign-up
/// date, role or email during the export, in CSV and NDJSON.
struct PartitionedExportTests {
    static func ids(_ path: String, _ format: ExportFormat) throws -> [String] {
        switch format {
        case .csv: return try ExportTests.csvRows(path).compactMap { $0["id"] }
        case .ndjson:
            return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
                try JSONValue.parse(String($0))["id"]?.stringValue ?? ""
            }
        }
    }

    @Test(arguments: [ExportFormat.csv, .ndjson])
    func oneMigrationDayIsSplitAndEveryContactWrittenOnceWhileTheyChange(format: ExportFormat) async throws {
        let clock = ManualSandboxClock(1_800_000_000)
        var sandbox = SandboxConfiguration(rateLimitPerMinute: 0, preloadContacts: 3_000)
        sandbox.preloadShape = .migration
        try await withClient(sandbox: sandbox, clock: clock) { client, _ in
            let before = try await allContacts(client).map(\.id)
            #expect(Set(before.map { $0 }).count == 3_000)
            // Contacts change while the export runs: sign-up dates move them between partitions, leads become
            // users, emails change; new contacts arrive.
            let changing = before.enumerated().filter { $0.offset % 37 == 0 }.map(\.element)
            let writer = Task {
                for (index, id) in changing.enumerated() {
                    clock.advance(by: 1)
                    var fields: JSONObject = ["signed_up_at": .number(String(1_000_000_000 + index * 86_400 * 97))]
                    if index % 3 == 0 { fields["email"] = .string("moved\(index)@other.example") }
                    _ = try? await client.updateContact(id: id, fields)
                    if index % 5 == 0 {
                        _ = try await client.createContact(["email": .string("late\(index)@x.example")])
                    }
                }
            }
            let path = try temporaryPath(named: "migration.\(format.rawValue)")
            var options = ExportOptions()
            options.format = format
            options.concurrency = 8
            options.perPage = 50
            let summary = try await ExportRun.run(client: client, options: options, path: path)
            try await writer.value
            let ids = try Self.ids(path, format)
            #expect(Set(ids).count == ids.count, "an id written twice")
            #expect(Set(before).isSubset(of: Set(ids)), "a contact of the start is missing")
            #expect(ids.count == summary.contacts)
            // One created_at day, yet the work was split.
            #expect(summary.ranges >= 8, "\(summary.text)")
        }
    }

    @Test func aSpreadWorkspaceIsSplitByItsCountsNotItsDays() async throws {
        let clock = ManualSandboxClock(1_800_000_000)
        var sandbox = SandboxConfiguration(rateLimitPerMinute: 0, preloadContacts: 2_000)
        sandbox.preloadShape = .recent
        try await withClient(sandbox: sandbox, clock: clock) { client, _ in
            let path = try temporaryPath(named: "recent.csv")
            var options = ExportOptions()
            options.concurrency = 4
            options.perPage = 50
            let summary = try await ExportRun.run(client: client, options: options, path: path)
            let ids = try Self.ids(path, .csv)
            #expect(ids.count == 2_000 && Set(ids).count == 2_000)
            #expect(summary.ranges >= 4, "\(summary.text)")
        }
    }
}
