import Synchronization

/// What a client did: calls by endpoint and status, retries, 429s, and time spent waiting.
public struct ClientStatistics: Sendable, Equatable {
    /// Calls by "METHOD /path-pattern" and then by HTTP status (0 for no answer).
    public var calls: [String: [Int: Int]] = [:]
    public var retries = 0
    public var rateLimited = 0
    /// Seconds spent waiting for the rate limit (pacing and 429 resets).
    public var rateLimitWait: Double = 0
    /// Seconds spent in backoff after 5xx and transport errors.
    public var backoffWait: Double = 0

    public var totalCalls: Int { calls.values.reduce(0) { $0 + $1.values.reduce(0, +) } }
}

/// The shared, locked counters behind ``ClientStatistics``.
final class StatisticsRecorder: Sendable {
    private let value = Mutex(ClientStatistics())

    var snapshot: ClientStatistics { value.withLock { $0 } }

    func call(_ endpoint: String, status: Int) {
        value.withLock { $0.calls[endpoint, default: [:]][status, default: 0] += 1 }
    }

    func update(_ change: (inout ClientStatistics) -> Void) {
        value.withLock { change(&$0) }
    }
}
