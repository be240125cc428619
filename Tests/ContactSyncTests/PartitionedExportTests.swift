import ContactIO
import Foundation
import IntercomAPI
import IntercomSandbox
import JSONText
import SandboxTestSupport
import Testing

@testable import ContactSync

/// Partitions that follow the data (issue #24): a workspace made by one migration (every `created_at` on one day) is
/// split by the ids' last digits (or, where the search refuses that, by `signed_up_at` days), and every contact is
/// written exactly once even while contacts change their sign-up date, role or email during the export, in CSV and
/// NDJSON.
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

    /// A migration (one `created_at` day) split by id, or by sign-up days where ids do not split, and a year of
    /// contacts split by days.
    @Test(arguments: [
        (PreloadShape.migration, ExportFormat.csv, true), (.migration, .ndjson, true), (.migration, .csv, false),
        (.spread, .ndjson, true), (.spread, .csv, true),
    ])
    func everyShapeIsSplitAndEveryContactWrittenOnceWhileTheyChange(
        shape: PreloadShape, format: ExportFormat, byID: Bool
    ) async throws {
        let clock = ManualSandboxClock(1_800_000_000)
        var sandbox = SandboxConfiguration(rateLimitPerMinute: 0, preloadContacts: 3_000)
        sandbox.preloadShape = shape
        try await withClient(sandbox: sandbox, clock: clock) { client, _ in
            // A spread workspace holds users only: a few leads join it (a migration's are a fifth of it).
            for index in 0..<(shape == .spread ? 40 : 0) {
                clock.advance(by: 1)
                _ = try await client.createContact([
                    "role": .string("lead"), "email": .string("lead\(index)@x.example"),
                ])
            }
            let beforeContacts = try await allContacts(client)
            let before = beforeContacts.map(\.id)
            #expect(Set(before).count == (shape == .spread ? 3_040 : 3_000))
            let leadsToConvert = beforeContacts.filter { $0.role == "lead" }.prefix(12).map(\.id)
            // Contacts change while the export runs: sign-up dates move them between partitions, leads become
            // users, emails change; new contacts arrive.
            let changing = before.enumerated().filter { $0.offset % 37 == 0 }.map(\.element)
            // The catch-up waits for the writer, so that the end state is known; the writer waits for the paging.
            let (writerDone, finishWriter) = AsyncStream<Void>.makeStream()
            let control = ExportControl { for await _ in writerDone {} }
            let writer = Task {
                defer { finishWriter.finish() }
                while control.pages < 6 { await Task.yield() }
                for (index, id) in changing.enumerated() {
                    clock.advance(by: 1)
                    var fields: JSONObject = ["signed_up_at": .number(String(1_000_000_000 + index * 86_400 * 97))]
                    if index % 3 == 0 { fields["email"] = .string("moved\(index)@other.example") }
                    _ = try? await client.updateContact(id: id, fields)
                    if index < leadsToConvert.count {
                        _ = try await client.updateContact(id: leadsToConvert[index], ["role": .string("user")])
                    }
                    if index % 5 == 0 {
                        _ = try await client.createContact(["email": .string("late\(index)@x.example")])
                    }
                }
            }
            let path = try temporaryPath(named: "\(shape.rawValue).\(format.rawValue)")
            var options = ExportOptions()
            options.format = format
            options.concurrency = 8
            options.perPage = 50
            options.splitByID = byID
            let summary = try await ExportRun.run(client: client, options: options, path: path, control: control)
            try await writer.value
            let ids = try Self.ids(path, format)
            #expect(Set(ids).count == ids.count, "an id written twice")
            // Every contact of the workspace as it is at the end, those created during the export included.
            let afterContacts = try await allContacts(client)
            let after = Set(afterContacts.map(\.id))
            let leads = Set(beforeContacts.filter { $0.role == "lead" }.map(\.id))
            #expect(afterContacts.contains { leads.contains($0.id) && $0.role == "user" }, "no lead became a user")
            let (missing, extra) = (after.subtracting(ids), Set(ids).subtracting(after))
            #expect(missing.isEmpty && extra.isEmpty, "missing \(missing.count), extra \(extra.count)")
            #expect(ids.count == summary.contacts)
            // Split, even where every contact was created on one day.
            #expect(summary.ranges >= 8, "\(summary.text)")
        }
    }

    /// Pieces by id: a power of two, at least two pages each, about as few rounds of pages for the workers as can be.
    @Test func idPiecesFinishInTheFewestRounds() {
        // 12,120 contacts: 8 pieces of 11 pages (16 of 6 would take 12 rounds).
        #expect(PartitionPlanner.idPieces(count: 12_120, perPage: 150, workers: 8) == 8)
        // 60,000: 8 pieces take 51 rounds, 16 of 26 pages 52 (and balance better), 32 (an OR of 8 suffixes each) 52.
        #expect(PartitionPlanner.idPieces(count: 60_000, perPage: 150, workers: 8) == 16)
        #expect(PartitionPlanner.idPieces(count: 3_000, perPage: 50, workers: 8) == 16)
        #expect(PartitionPlanner.idPieces(count: 500, perPage: 150, workers: 8) == 1)
        #expect(PartitionPlanner.idPieces(count: 10_000_000, perPage: 150, workers: 8) == 16)
        // 64 workers: 64 pieces (of 2 suffixes) take a quarter of the rounds of 16.
        #expect(PartitionPlanner.idPieces(count: 10_000_000, perPage: 150, workers: 64) == 64)
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

    /// A migration that ran days ago: the catch-up for contacts updated since the start reads them newest first and
    /// stops at the first older one, so it costs a call, not the day of the import again.
    @Test func theCatchUpReadsOnlyWhatChangedSinceTheStart() async throws {
        let clock = ManualSandboxClock(1_800_000_000)
        var sandbox = SandboxConfiguration(rateLimitPerMinute: 0, preloadContacts: 3_000)
        sandbox.preloadShape = .migration
        sandbox.preloadImportedDaysAgo = 3
        try await withClient(sandbox: sandbox, clock: clock) { client, _ in
            let path = try temporaryPath(named: "old-migration.csv")
            var options = ExportOptions()
            options.concurrency = 8
            options.perPage = 50
            let summary = try await ExportRun.run(client: client, options: options, path: path)
            let ids = try Self.ids(path, .csv)
            #expect(ids.count == 3_000 && Set(ids).count == 3_000)
            #expect(summary.ranges >= 8, "\(summary.text)")
            let searches = summary.statistics.calls["POST /contacts/search"]?.values.reduce(0, +) ?? 0
            // 60 pages of 50 contacts, a page more for each partition, about a probe for each, one catch-up call
            // (reading the import again would add 60).
            #expect(searches < 60 + 2 * summary.ranges + 20, "\(summary.text)")
        }
    }

    /// An incremental export with `--concurrency` partitions its `updated_at` window (a nightly import changed a fifth
    /// of the workspace, all on one day) by `updated_at` days and ids, and writes every contact updated since the start
    /// exactly once while contacts keep changing (they join the window, change again, move sign-up dates).
    /// The third case runs at 03:00 UTC: the changes of the last hours fall on two days (the id pieces of the window
    /// cover both). The last one splits by days alone, as where the search refuses `$` on `id`.
    @Test(arguments: [
        (PreloadShape.spread, ExportFormat.csv, 1_800_000_000, true), (.migration, .ndjson, 1_800_000_000, true),
        (.migration, .csv, 1_800_000_000 - 5 * 3_600, true), (.spread, .csv, 1_800_000_000, false),
    ])
    func anIncrementalExportIsPartitionedAndWritesEachChangeOnce(
        shape: PreloadShape, format: ExportFormat, now: Int, byID: Bool
    ) async throws {
        let clock = ManualSandboxClock(Double(now))
        var sandbox = SandboxConfiguration(rateLimitPerMinute: 0, preloadContacts: 3_000)
        sandbox.preloadShape = shape
        sandbox.preloadImportedDaysAgo = 3
        sandbox.preloadChangedPercent = 20
        try await withClient(sandbox: sandbox, clock: clock) { client, _ in
            let since = now - 7 * 3_600
            let everyone = try await allContacts(client)
            let changed = Set(everyone.filter { $0.updatedAt >= since }.map(\.id))
            #expect((400...800).contains(changed.count))
            // While the partitions are paged: contacts not changed before change now (they join the window), changed
            // ones change again (they move to a later updated_at), sign-up dates move.
            let unchanged = everyone.filter { !changed.contains($0.id) }.map(\.id)
            let touched =
                unchanged.enumerated().filter { $0.offset % 61 == 0 }.map(\.element)
                + changed.sorted().enumerated().filter { $0.offset % 7 == 0 }.map(\.element)
            // The catch-up waits for the writer, so that the end state is known; the writer waits for the paging.
            let (writerDone, finishWriter) = AsyncStream<Void>.makeStream()
            let control = ExportControl { for await _ in writerDone {} }
            let writer = Task {
                defer { finishWriter.finish() }
                while control.pages < 6 { await Task.yield() }
                for (index, id) in touched.enumerated() {
                    clock.advance(by: 1)
                    let fields: JSONObject = ["signed_up_at": .number(String(1_000_000_000 + index * 86_400 * 53))]
                    _ = try await client.updateContact(id: id, fields)
                }
            }
            let path = try temporaryPath(named: "incremental-\(shape.rawValue).\(format.rawValue)")
            var options = ExportOptions()
            options.format = format
            options.concurrency = 4
            options.perPage = 20
            options.updatedSince = since
            options.splitByID = byID
            let summary = try await ExportRun.run(client: client, options: options, path: path, control: control)
            try await writer.value
            let ids = try Self.ids(path, format)
            #expect(Set(ids).count == ids.count, "an id written twice")
            #expect(ids.count == summary.contacts)
            #expect(summary.ranges >= 4 && summary.sequentialBecause == nil, "\(summary.text)")
            // Exactly the contacts updated since the start, as the workspace is at the end.
            let expected = Set(try await allContacts(client).filter { $0.updatedAt >= since }.map(\.id))
            #expect(expected.isSuperset(of: touched) && expected.isSuperset(of: changed))
            let (missing, extra) = (expected.subtracting(ids).count, Set(ids).subtracting(expected).count)
            #expect(Set(ids) == expected, "missing \(missing), extra \(extra)")
        }
    }

    /// A window of one page is written from the window's own search even with `--concurrency` (the first pages of its
    /// id pieces, asked for at the same time in case it is bigger, are not needed), and the summary says why.
    @Test func aSmallIncrementalWindowIsPagedSequentially() async throws {
        let now = 1_800_000_000
        let clock = ManualSandboxClock(Double(now))
        var sandbox = SandboxConfiguration(rateLimitPerMinute: 0, preloadContacts: 1_000)
        sandbox.preloadChangedPercent = 5
        try await withClient(sandbox: sandbox, clock: clock) { client, _ in
            let path = try temporaryPath(named: "small-window.csv")
            var options = ExportOptions()
            options.concurrency = 8
            options.updatedSince = now - 7 * 3_600
            let summary = try await ExportRun.run(client: client, options: options, path: path)
            #expect(summary.ranges == 0)
            #expect(summary.sequentialBecause?.contains("fewer than partitioning takes") == true, "\(summary.text)")
            #expect((30...70).contains(summary.contacts))
            // The window's page, and (at the same time) the first page of each of its 8 id pieces: one round.
            #expect(summary.statistics.calls["POST /contacts/search"]?.values.reduce(0, +) == 9, "\(summary.text)")
        }
    }
}
