import IntercomAPI
import IntercomSandbox
import JSONText
import SandboxTestSupport
import Synchronization
import Testing

struct ResilienceTests {
    @Test(arguments: [1, 8])
    func pacingSpendsTheWindowsWithoutA429(concurrency: Int) async throws {
        // 600 per minute: 100 calls per 10-second window. 2,000 calls need 20 windows.
        let clock = ManualSandboxClock(1_800_000_000)
        try await withClient(sandbox: SandboxConfiguration(rateLimitPerMinute: 600), clock: clock) { client, _ in
            let start = clock.now()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        for _ in stride(from: worker, to: 2000, by: concurrency) { _ = try await client.me() }
                    }
                }
                try await group.waitForAll()
            }
            let statistics = client.statistics
            #expect(statistics.rateLimited == 0)
            #expect(statistics.totalCalls == 2000)
            #expect(statistics.calls["GET /me"]?[200] == 2000)
            #expect(clock.now() - start >= 190)
        }
    }

    @Test func aSharedTokenExhaustedElsewhereGivesA429ThatIsRecovered() async throws {
        let clock = ManualSandboxClock(1_800_000_000)
        let logs = CapturedLogs()
        try await withClient(sandbox: SandboxConfiguration(rateLimitPerMinute: 60), clock: clock, logs: logs) {
            client, port in
            // Spend the window with raw requests that the client does not see.
            try await spendWindow(port: port)
            _ = try await client.me()
            #expect(client.statistics.rateLimited == 1)
            #expect(client.statistics.retries == 1)
            #expect(client.statistics.rateLimitWait > 0)
            #expect(logs.lines.withLock { $0.contains { $0.contains("429: waiting for the window to reset") } })
        }
    }

    @Test func serverErrorsAndDroppedConnectionsAreRetried() async throws {
        var faults = FaultPlan()
        faults.serverErrors = 0.2
        faults.drops = 0.1
        try await withClient(
            sandbox: SandboxConfiguration(rateLimitPerMinute: 0, faults: faults, seed: 7),
            retry: RetryPolicy(maxAttempts: 8)
        ) { client, _ in
            for index in 0..<60 {
                _ = try await client.createContact(["email": .string("r\(index)@example.com")])
            }
            let statistics = client.statistics
            #expect(statistics.retries > 5)
            #expect(statistics.backoffWait > 0)
            #expect(statistics.calls["POST /contacts"]?[200] == 60)
            #expect((statistics.calls["POST /contacts"]?[0] ?? 0) > 0)  // dropped connections
        }
    }

    @Test func timeoutsAreRetried() async throws {
        // A third of the requests answer after 3 s; the client gives up on a request after 1 s and retries. (The
        // margins are wide so that a machine busy with other tests does not time out the prompt answers too: with
        // 0.3 s, a run of the whole suite once did. The backoff is short so that the test stays short.)
        var faults = FaultPlan()
        faults.delays = 0.3
        faults.delayMilliseconds = 3000
        try await withClient(
            sandbox: SandboxConfiguration(rateLimitPerMinute: 0, faults: faults, seed: 5),
            retry: RetryPolicy(maxAttempts: 8, baseDelay: 0.05, maxDelay: 0.5), requestTimeout: 1
        ) { client, _ in
            for _ in 0..<10 {
                let me = try await client.me()
                #expect(me["type"] == .string("admin"))
            }
            let statistics = client.statistics
            #expect(statistics.calls["GET /me"]?[200] == 10)
            #expect((statistics.calls["GET /me"]?[0] ?? 0) > 0)  // the timed-out attempts
            #expect(statistics.retries == statistics.calls["GET /me"]?[0])
        }
    }

    @Test func retriesGiveUpWithTheLastError() async throws {
        var faults = FaultPlan()
        faults.serverErrors = 1
        try await withClient(
            sandbox: SandboxConfiguration(rateLimitPerMinute: 0, faults: faults),
            retry: RetryPolicy(maxAttempts: 3)
        ) { client, _ in
            let error = await #expect(throws: IntercomError.self) { _ = try await client.me() }
            if case .server? = error?.kind {
            } else {
                Issue.record("expected a server error, got \(String(describing: error))")
            }
            #expect(client.statistics.totalCalls == 3)
        }
    }

    /// A client whose sandbox loses the answer of 30 % of the requests after doing them (seeded), with room to
    /// retry.
    func withClientLosingAnswers(_ body: @escaping @Sendable (IntercomClient) async throws -> Void) async throws {
        var faults = FaultPlan()
        faults.lostAnswers = 0.3
        try await withClient(
            sandbox: SandboxConfiguration(rateLimitPerMinute: 0, faults: faults, seed: 11),
            retry: RetryPolicy(maxAttempts: 10)
        ) { client, _ in try await body(client) }
    }

    @Test func aCreateWhoseAnswerWasLostNeverMakesADuplicate() async throws {
        try await withClientLosingAnswers { client in
            var ids = Set<String>()
            for index in 0..<40 {
                let email = "lost\(index)@example.com"
                let contact = try await client.createContact(["email": .string(email)]) { $0.email == email }
                #expect(contact.email == "lost\(index)@example.com")
                ids.insert(contact.id)
            }
            #expect(ids.count == 40)
            #expect((client.statistics.calls["POST /contacts"]?[409] ?? 0) > 0)  // met its own earlier success
            var listed: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.listContacts(perPage: 150, startingAfter: cursor)
                listed += page.contacts.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(listed.count == 40)
            #expect(Set(listed) == ids)
        }
    }

    /// A create that meets a 409 and whose answer is lost is retried and meets the 409 again: the contact named is
    /// someone's (an earlier run's), not this create's, unless it holds what the create sent.
    @Test func aRetriedCreateThatMeetsAnotherContactIsAConflictNotASuccess() async throws {
        try await withClientLosingAnswers { client in
            for index in 0..<40 {
                _ = try await client.createContact(["email": .string("c\(index)@example.com"), "name": .string("A")]) {
                    $0.name == "A"
                }
            }
            var conflicts = 0
            for index in 0..<40 {
                do {
                    let contact = try await client.createContact([
                        "email": .string("c\(index)@example.com"), "name": .string("B"),
                    ]) { $0.name == "B" }
                    Issue.record("created \(contact.id) for an email that exists")
                } catch let error as IntercomError {
                    guard case .conflict = error.kind else { throw error }
                    conflicts += 1
                }
            }
            #expect(conflicts == 40)
            #expect(client.statistics.retries > 5)  // lost answers did come into play
        }
    }

    @Test func theTokenNeverAppearsInLogsOrErrors() async throws {
        let secret = "sk_live_very_secret_token_42"
        let logs = CapturedLogs()
        var faults = FaultPlan()
        faults.serverErrors = 0.5
        try await withClient(
            sandbox: SandboxConfiguration(token: secret, rateLimitPerMinute: 60, faults: faults),
            token: secret, logs: logs
        ) { client, _ in
            var texts: [String] = []
            for index in 0..<20 {
                do {
                    _ = try await client.createContact(["email": .string("t\(index)@example.com")])
                } catch {
                    texts.append(String(describing: error))
                    texts.append(String(reflecting: error))
                }
            }
            texts.append(String(reflecting: client.configuration))
            let lines = logs.lines.withLock { $0 }
            #expect(lines.count > 10)
            #expect(!lines.contains { $0.contains(secret) })
            #expect(!texts.contains { $0.contains(secret) })
        }
        try await withClient(token: secret + "-wrong", logs: logs) { client, _ in
            let error = await #expect(throws: IntercomError.self) { _ = try await client.me() }
            #expect(error.map { !String(reflecting: $0).contains(secret) } == true)
        }
    }
}

/// Spends the current rate-limit window of `sandbox-token` with raw HTTP calls.
func spendWindow(port: Int) async throws {
    let http = HTTPClientForTests()
    for _ in 0..<10 { try await http.get("http://127.0.0.1:\(port)/me") }
    try await http.client.shutdown()
}
