import Foundation
import IntercomAPI
import IntercomSandbox
import SandboxTestSupport
import Testing

/// `import --state` killed with SIGKILL at random points, then run again (issue #8).
struct StateCrashTests {
    /// 20,000 rows; every 50th repeats an earlier key with another name (the later row wins).
    static func rows() -> [(email: String, name: String, plan: String)] {
        (0..<20_000).map { index in
            index % 50 == 49
                ? ("person\(index - 40)@example.com", "Again \(index)", "p\(index % 3)")
                : ("person\(index)@example.com", "Person \(index)", "p\(index % 3)")
        }
    }

    @Test func sigkillAtTenRandomPointsThenRerunsLeaveTheWorkspaceEqualToTheFile() async throws {
        let rows = Self.rows()
        var text = "email,name,plan\n"
        for row in rows { text += "\(row.email),\(row.name),\(row.plan)\n" }
        let input = try temporaryFile(named: "contacts.csv", contents: Data(text.utf8))
        let directory = (input as NSString).deletingLastPathComponent
        let mappingPath = try temporaryFile(named: "m.yml", contents: Data(ImportCommandTests().mapping.utf8))
        var last: [String: String] = [:]
        for row in rows { last[row.email] = "\(row.name)|\(row.plan)" }
        let expected = last

        var faults = FaultPlan()
        faults.serverErrors = 0.02
        faults.drops = 0.005
        faults.lostAnswers = 0.005
        let sandbox = SandboxConfiguration(rateLimitPerMinute: 0, searchLagSeconds: 2, faults: faults, seed: 8)
        let clock = ManualSandboxClock()
        let seed = UInt64.random(in: 1...UInt64.max)
        try await withClient(sandbox: sandbox, clock: clock, retry: RetryPolicy(maxAttempts: 10)) { client, port in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            var arguments = [
                "import", input, "--mapping", mappingPath, "--base-url", "http://127.0.0.1:\(port)", "--state",
                directory + "/state.sqlite", "--concurrency", "8", "--summary-json", directory + "/summary.json",
            ]
            var kills = 0
            var random = SplitMix(seed: seed)
            while kills < 10 {
                let before = try await client.listContacts(perPage: 1).totalCount ?? 0
                // Killed once it has made between 200 and 1,700 more contacts: the points spread over the file.
                let target = before + Int(random.next() % 1_500) + 200
                let process = try Self.start(arguments)
                while process.isRunning, (try? await client.listContacts(perPage: 1).totalCount ?? 0) ?? 0 < target {
                    try await Task.sleep(for: .milliseconds(5))
                }
                guard process.isRunning else { break }  // finished before this point: nothing left to kill
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                #expect(process.terminationReason == .uncaughtSignal, "seed \(seed)")
                kills += 1
                clock.advance(by: Double(random.next() % 3))  // some of the last writes become searchable
            }
            #expect(kills == 10, "seed \(seed)")

            arguments += ["--failures", directory + "/failures.csv"]
            let final = try await CommandRunner.runAwaiting(
                arguments, environment: ["INTERCOM_ACCESS_TOKEN": "sandbox-token"])
            #expect(final.status == 0, "seed \(seed): \(final.stderr)")
            let summary = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: directory + "/summary.json")))
                    as? [String: Any])
            let counts = ["read", "created", "updated", "unchanged", "rejected", "failed"].map {
                summary[$0] as? Int ?? -1
            }
            #expect(counts[0] == 20_000 && counts[4] == 0 && counts[5] == 0, "seed \(seed): \(counts)")
            #expect(counts[1] + counts[2] + counts[3] == 20_000 && summary["reconciles"] as? Bool == true)

            var found: [String: String] = [:]
            var total = 0
            var cursor: String?
            repeat {
                let page = try await client.listContacts(perPage: 150, startingAfter: cursor)
                for contact in page.contacts {
                    total += 1
                    found[contact.email ?? ""] =
                        "\(contact.name ?? "")|\(contact.customAttributes["plan"]?.stringValue ?? "")"
                }
                cursor = page.nextCursor
            } while cursor != nil
            #expect(total == expected.count, "seed \(seed): duplicates or missing contacts")
            #expect(found == expected, "seed \(seed)")
        }
    }

    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = CommandRunner.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["INTERCOM_ACCESS_TOKEN": "sandbox-token"]) {
            $1
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
