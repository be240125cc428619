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
    /// Calls allowed per 10-second window, from the last `X-RateLimit-Limit` header (nil: none seen).
    public var windowLimit: Int?

    public init() {}

    public var totalCalls: Int { calls.values.reduce(0) { $0 + $1.values.reduce(0, +) } }
}

/// The shared, locked counters behind ``ClientStatistics``.
final class StatisticsRecorder: Sendable {
    private let value = Mutex(ClientStatistics())

    var snapshot: ClientStatistics { value.withLock { $0 } }

    func call(_ endpoint: String, status: Int, windowLimit: Int? = nil) {
        value.withLock {
            $0.calls[endpoint, default: [:]][status, default: 0] += 1
            if let windowLimit { $0.windowLimit = windowLimit }
        }
    }

    func update(_ change: (inout ClientStatistics) -> Void) {
        value.withLock { change(&$0) }
    }
}

extension ClientStatistics {
    /// What happened after `earlier` was taken (for one run of a client that did other work before).
    public func since(_ earlier: ClientStatistics) -> ClientStatistics {
        var result = self
        for (endpoint, statuses) in earlier.calls {
            for (status, count) in statuses {
                result.calls[endpoint]?[status]? -= count
                if result.calls[endpoint]?[status] == 0 { result.calls[endpoint]?[status] = nil }
            }
            if result.calls[endpoint]?.isEmpty == true { result.calls[endpoint] = nil }
        }
        result.retries -= earlier.retries
        result.rateLimited -= earlier.rateLimited
        result.rateLimitWait -= earlier.rateLimitWait
        result.backoffWait -= earlier.backoffWait
        return result
    }
}
