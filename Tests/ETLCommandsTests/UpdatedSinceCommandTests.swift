import ContactIO
import Foundation
import IntercomAPI
import IntercomSandbox
import JSONText
import SandboxTestSupport
import Testing

/// `export --updated-since` and `--bookmark` select exactly the same contacts whichever form the time is written in
/// (issue #17: a fraction, a space or an offset made the start fall back to midnight of the date).
struct UpdatedSinceCommandTests {
    /// 2026-11-29T20:00:00Z.
    static let instant = 1_795_982_400.0

    static let sameInstant = [
        "1795982400", "2026-11-29T20:00:00Z", "2026-11-30T01:00:00+05:00", "2026-11-30T01:00:00.000+05:00",
        "2026-11-29T20:00:00.000000Z", "2026-11-29T15:00:00.5-05:00", "2026-11-29 20:00:00Z",
        "2026-11-30T01:00:00+0500",
    ]

    func exportedIDs(_ arguments: [String], base: String) async throws -> (
        ids: Set<String>, output: CommandRunner.Output
    ) {
        let path = try temporaryFile(named: "out.ndjson", contents: Data())
        let result = try await CommandRunner.runAwaiting(
            ["export", "-o", path, "--base-url", base] + arguments,
            environment: ["INTERCOM_ACCESS_TOKEN": "sandbox-token"])
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var ids = Set<String>()
        for line in text.split(separator: "\n") {
            if let id = try JSONValue.parse(String(line))["id"]?.stringValue { ids.insert(id) }
        }
        return (ids, result)
    }

    @Test func everyFormOfTheSameInstantSelectsTheSameContacts() async throws {
        let clock = ManualSandboxClock()
        try await withClient(clock: clock) { client, port in
            let base = "http://127.0.0.1:\(port)"
            // Contacts updated on both sides of the instant: the day before, the hours around it, the second before,
            // the second itself, the second after, and after the next midnight.
            let offsets: [Double] = [
                -90_000, -72_000, -20 * 3600, -18_000, -3_600, -61, -1, 0, 1, 59, 3_600, 3 * 3600 + 59 * 60, 4 * 3600,
                4 * 3600 + 1, 30_000, 86_400,
            ]
            var after = Set<String>()
            var fromMidnight = Set<String>()
            for (index, offset) in offsets.enumerated() {
                clock.set(Self.instant + offset)
                let contact = try await client.createContact(["email": .string("u\(index)@example.com")])
                if offset >= 0 { after.insert(contact.id) }
                if offset >= -20 * 3600 { fromMidnight.insert(contact.id) }
            }
            clock.set(Self.instant + 200_000)
            for form in Self.sameInstant {
                let run = try await exportedIDs(["--updated-since", form], base: base)
                #expect(run.output.status == 0, "\(form): \(run.output.stderr)")
                #expect(run.ids == after, "\(form): \(run.ids.count) exported, \(after.count) expected")
                #expect(run.output.stdout.contains("updated since:   2026-11-29T20:00:00Z\n"), "\(run.output.stdout)")

                // The same through a bookmark file, which the run then moves forward in a form it reads back.
                let bookmark = try temporaryFile(named: "bookmark.txt", contents: Data((form + "\n").utf8))
                let marked = try await exportedIDs(["--bookmark", bookmark], base: base)
                #expect(marked.output.status == 0, "\(form): \(marked.output.stderr)")
                #expect(marked.ids == after, "\(form) as a bookmark")
                let next = try String(contentsOfFile: bookmark, encoding: .utf8)
                let again = try await exportedIDs(["--bookmark", bookmark], base: base)
                #expect(again.output.status == 0, "the bookmark '\(next)' did not read back: \(again.output.stderr)")
            }

            let day = try await exportedIDs(["--updated-since", "2026-11-29"], base: base)
            #expect(day.ids == fromMidnight)
            #expect(day.output.stdout.contains("2026-11-29T00:00:00Z (a bare date, taken as midnight UTC)"))
        }
    }

    @Test func aTimeThatDoesNotReadExactlyIsRefusedWithTheAcceptedForms() async throws {
        for text in ["2026-11-30Tgarbage", "2026-11-29T20:00:00", "2026-11-29 20:00:00 EST", "yesterday"] {
            let result = try CommandRunner.run(
                ["export", "-o", "/dev/null", "--updated-since", text, "--base-url", "http://127.0.0.1:9"],
                environment: ["INTERCOM_ACCESS_TOKEN": "x"])
            #expect(result.status == 64, "\(text): \(result.stderr)")
            #expect(result.stderr.contains("is not a time"), "\(text): \(result.stderr)")
            #expect(result.stderr.contains("2026-11-30T01:00:00+05:00"))
        }
        let bookmark = try temporaryFile(named: "bookmark.txt", contents: Data("2026-11-30Tgarbage\n".utf8))
        let result = try CommandRunner.run(
            ["export", "-o", "/dev/null", "--bookmark", bookmark, "--base-url", "http://127.0.0.1:9"],
            environment: ["INTERCOM_ACCESS_TOKEN": "x"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("does not hold a time"))
    }
}
