import AsyncHTTPClient
import Foundation
import IntercomAPI
import IntercomSandbox
import Logging
import SandboxTestSupport
import Testing

/// A server that cannot be reached before it ever answered is a wrong setup, not a passing network problem: the
/// client says so at once instead of retrying for a minute (issue #19, bug 4).
struct ConnectFailureTests {
    @Test func aRefusedConnectionBeforeAnyAnswerIsNotRetried() async throws {
        let clock = ManualSandboxClock()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        // Port 9 (discard) on loopback: nothing listens there on these machines.
        let configuration = try IntercomConfiguration(
            baseURL: "http://127.0.0.1:9", token: AccessToken("sandbox-token"), requestTimeout: 5)
        let client = IntercomClient(
            http: http, configuration: configuration, logger: Logger(label: "test"),
            clock: SimulatedPacingClock(clock: clock))
        let before = clock.now()
        do {
            _ = try await client.me()
            Issue.record("a refused connection succeeded")
        } catch {
            #expect(error.message.contains("could not connect to http://127.0.0.1:9"), "\(error)")
            #expect(error.message.contains("refused"), "\(error)")
        }
        #expect(client.statistics.retries == 0)
        #expect(clock.now() == before, "the client waited \(clock.now() - before) s of backoff")
        try await http.shutdown()
    }

    @Test func aConnectionLostAfterAnAnswerIsStillRetried() async throws {
        // Once the server has answered, a failure is retried as before (the sandbox drops some connections).
        var faults = FaultPlan()
        faults.drops = 0.3
        try await withClient(
            sandbox: SandboxConfiguration(rateLimitPerMinute: 0, faults: faults, seed: 3),
            retry: RetryPolicy(maxAttempts: 10)
        ) { client, _ in
            for _ in 0..<20 { _ = try await client.me() }
            #expect(client.statistics.retries > 0)
        }
    }
}
