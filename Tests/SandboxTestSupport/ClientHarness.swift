import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import IntercomAPI
import IntercomSandbox
import JSONText
import Logging
import Synchronization

/// The client's clock in tests: reads the sandbox's manual clock and "sleeps" by moving it, so that rate-limit
/// windows and backoff pass without waiting.
public struct SimulatedPacingClock: PacingClock {
    public let clock: ManualSandboxClock

    public init(clock: ManualSandboxClock) {
        self.clock = clock
    }

    public func now() -> Double { clock.now() }

    public func sleep(seconds: Double) async throws {
        if seconds > 0 { clock.advance(by: seconds) }
    }
}

/// Keeps every log line in memory, to prove the token never reaches a log.
public final class CapturedLogs: Sendable {
    public let lines = Mutex<[String]>([])

    public init() {}

    public func handler(label: String) -> LogHandler {
        CapturingHandler(sink: self)
    }

    struct CapturingHandler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let text = "\(event.level) \(event.message) \(event.metadata ?? [:]) \(metadata)"
            sink.lines.withLock { $0.append(text) }
        }
    }
}

/// Starts the sandbox on a loopback port and gives `body` a client pointed at it.
public func withClient(
    sandbox: SandboxConfiguration = SandboxConfiguration(rateLimitPerMinute: 0),
    token: String = "sandbox-token",
    clock: ManualSandboxClock = ManualSandboxClock(),
    retry: RetryPolicy = RetryPolicy(),
    requestTimeout: Double = 30,
    logs: CapturedLogs? = nil,
    connections: Int = 8,
    _ body: @escaping @Sendable (IntercomClient, Int) async throws -> Void
) async throws {
    var sandbox = sandbox
    sandbox.port = 0
    let app = try buildApplication(configuration: sandbox, clock: clock)
    try await app.test(.live) { testClient in
        guard let port = testClient.port else { throw SandboxNotListening() }
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        var logger = Logger(label: "test") { label in logs?.handler(label: label) ?? SwiftLogNoOpLogHandler() }
        logger.logLevel = .trace
        let configuration = try IntercomConfiguration(
            baseURL: "http://127.0.0.1:\(port)", token: AccessToken(token), requestTimeout: requestTimeout,
            retry: retry)
        let client = IntercomClient(
            http: http, configuration: configuration, logger: logger, clock: SimulatedPacingClock(clock: clock))
        do {
            try await body(client, port)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }
}

/// The in-process sandbox did not report a port.
public struct SandboxNotListening: Error {}
