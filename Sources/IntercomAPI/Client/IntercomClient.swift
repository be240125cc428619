import AsyncHTTPClient
import Foundation
import JSONText
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The one way every feature talks to Intercom: pooled keep-alive HTTP, rate-limit pacing shared by all callers,
/// bounded retries with backoff, typed errors, and statistics.
///
/// The `HTTPClient` is injected (and shut down) by the caller; the token is sent only in the `Authorization`
/// header and never logged.
public final class IntercomClient: Sendable {
    public let configuration: IntercomConfiguration
    private let http: HTTPClient
    private let logger: Logger
    private let clock: PacingClock

    /// Now, on the client's clock (epoch seconds): what an export takes as its start.
    public var now: Double { clock.now() }
    private let pacer: RateLimitPacer
    private let recorder = StatisticsRecorder()
    /// Whether the server has answered once: before that, a failure to connect ends the call at once (a wrong
    /// `--base-url` is not a passing network problem, and retrying it only hides the reason for a minute).
    private let answered = Mutex(false)
    private let random = LockedRandom()

    public init(
        http: HTTPClient, configuration: IntercomConfiguration, logger: Logger, clock: PacingClock = SystemPacingClock()
    ) {
        self.http = http
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        pacer = RateLimitPacer(clock: clock)
    }

    /// What the client has done so far.
    public var statistics: ClientStatistics { recorder.snapshot }

    /// A response: status, headers we use, and the body as JSON.
    struct Reply {
        var status: Int
        var json: JSONValue
        /// The body as received.
        var body: [UInt8] = []
        /// Where each element of a list's `data` array is in `body`.
        var dataRanges: [Range<Int>] = []
    }

    /// Sends a request to `endpoint` (its path parameters filled by `parameters`), pacing and retrying as the policy
    /// allows; returns the JSON of a 2xx answer.
    func send(
        _ endpoint: Endpoint, _ parameters: String..., query: [(String, String)] = [], body: JSONValue? = nil
    ) async throws(IntercomError) -> JSONValue {
        try await exchange(endpoint, path: endpoint.path(parameters), query: query, body: body).json
    }

    /// What a create does when a retry meets a 409 naming contact `id`: the reply to return as the create's, or nil
    /// to throw the conflict.
    typealias ConflictResolution = @Sendable (_ id: String) async throws(IntercomError) -> Reply?

    /// One request with its retries; `path` is `endpoint`'s with its parameters filled in.
    func exchange(
        _ endpoint: Endpoint, path: String, query: [(String, String)] = [], body: JSONValue? = nil,
        resolveConflict: ConflictResolution? = nil
    ) async throws(IntercomError) -> Reply {
        let method = endpoint.method
        var attempt = 0
        var rateLimitedAttempts = 0
        var lastError: IntercomError?
        while true {
            attempt += 1
            let wait = pacer.reserve()
            if wait > 0 {
                logger.debug(
                    "pacing: waiting for the rate limit", metadata: ["seconds": "\(wait)", "endpoint": "\(endpoint)"])
                recorder.update { $0.rateLimitWait += wait }
                try await sleep(wait)
            }
            let started = DispatchTime.now().uptimeNanoseconds
            let outcome = await execute(method, path, query: query, body: body)
            let milliseconds = (DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
            switch outcome {
            case .success(let reply, let remaining, let reset, let limit):
                logger.debug(
                    "\(method) \(path) -> \(reply.status)",
                    metadata: [
                        "ms": "\(milliseconds)", "attempt": "\(attempt)",
                        "rate_limit_remaining": "\(remaining.map(String.init) ?? "-")",
                    ])
                answered.withLock { $0 = true }
                pacer.record(remaining: remaining, resetAt: reset)
                recorder.call(endpoint.description, status: reply.status, windowLimit: limit)
                if (200..<300).contains(reply.status) {
                    return reply
                }
                let error = Self.error(from: reply)
                if reply.status == 429 {
                    rateLimitedAttempts += 1
                    recorder.update { $0.rateLimited += 1 }
                    pacer.exhausted(until: reset)
                    guard rateLimitedAttempts < configuration.retry.maxRateLimitedAttempts else { throw error }
                    let until = Double(reset ?? Int(clock.now()) + 10) - clock.now()
                    let pause = max(0, until) + random.uniform(0, 1)
                    logger.debug(
                        "429: waiting for the window to reset",
                        metadata: ["seconds": "\(pause)", "endpoint": "\(endpoint)"])
                    recorder.update {
                        $0.retries += 1; $0.rateLimitWait += pause
                    }
                    try await sleep(pause)
                    attempt -= 1  // 429s have their own budget
                    continue
                }
                if reply.status >= 500 {
                    lastError = error
                } else {
                    if attempt > 1, let resolveConflict, case .conflict(let id?, false) = error.kind,
                        let reply = try await resolveConflict(id)
                    {
                        // An earlier attempt's answer was lost, and it created this contact.
                        logger.debug("a retry met what its lost attempt did", metadata: ["id": "\(id)"])
                        return reply
                    }
                    throw error
                }
            case .failure(let error):
                logger.debug(
                    "\(method) \(path) -> failed",
                    metadata: ["ms": "\(milliseconds)", "attempt": "\(attempt)", "error": "\(error.message)"])
                pacer.cancel()
                recorder.call(endpoint.description, status: 0)
                if let reason = Self.connectFailure(error.message), !answered.withLock({ $0 }) {
                    throw IntercomError(
                        .transport,
                        message: "could not connect to \(configuration.baseURL): \(reason). Check --base-url (or "
                            + "--region), the network, and that the server is up; nothing was written")
                }
                lastError = error
            }
            guard attempt < configuration.retry.maxAttempts else { throw lastError! }
            let cap = min(configuration.retry.maxDelay, configuration.retry.baseDelay * pow(2, Double(attempt - 1)))
            let pause = random.uniform(0, cap)
            logger.debug(
                "retrying after a failure",
                metadata: [
                    "attempt": "\(attempt)", "seconds": "\(pause)", "endpoint": "\(endpoint)",
                    "error": "\(lastError!.message)",
                ])
            recorder.update {
                $0.retries += 1; $0.backoffWait += pause
            }
            try await sleep(pause)
        }
    }

    private enum Outcome {
        case success(Reply, remaining: Int?, reset: Int?, limit: Int?)
        case failure(IntercomError)
    }

    private func execute(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: JSONValue?) async
        -> Outcome
    {
        var url = configuration.baseURL + path
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(configuration.token.secret)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "intercom-etl")
        if let version = configuration.version {
            request.headers.add(name: "Intercom-Version", value: version)
        }
        if let body {
            var bytes: [UInt8] = []
            body.appendJSON(to: &bytes)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        do {
            let response = try await http.execute(
                request, timeout: .milliseconds(Int64(configuration.requestTimeout * 1000)))
            let buffer = try await response.body.collect(upTo: 32 << 20)
            let bytes = Array(buffer.readableBytesView)
            let json: JSONValue
            var ranges: [Range<Int>] = []
            if bytes.isEmpty {
                json = .null
            } else if let parsed = try? bytes.withUnsafeBufferPointer({ buffer in
                try JSONValue.parse(buffer, elementRangesOf: "data")
            }) {
                json = parsed.value
                ranges = parsed.ranges
            } else if (500..<600).contains(Int(response.status.code)) {
                json = .null
            } else {
                return .failure(
                    IntercomError(
                        .invalidResponse, status: Int(response.status.code),
                        message: "the answer to \(method) \(path) is not JSON"))
            }
            let remaining = response.headers.first(name: "X-RateLimit-Remaining").flatMap { Int($0) }
            let reset = response.headers.first(name: "X-RateLimit-Reset").flatMap { Int($0) }
            let limit = response.headers.first(name: "X-RateLimit-Limit").flatMap { Int($0) }
            return .success(
                Reply(status: Int(response.status.code), json: json, body: bytes, dataRanges: ranges),
                remaining: remaining, reset: reset, limit: limit)
        } catch {
            return .failure(IntercomError(.transport, message: "\(method) \(path): \(Self.describe(error))"))
        }
    }

    private func sleep(_ seconds: Double) async throws(IntercomError) {
        do {
            try await clock.sleep(seconds: seconds)
        } catch {
            throw IntercomError(.transport, message: "interrupted while waiting")
        }
    }

    /// The typed error for a non-2xx answer.
    static func error(from reply: Reply) -> IntercomError {
        var code: String?
        var message = "HTTP \(reply.status)"
        var field: String?
        if case .array(let errors)? = reply.json["errors"], let first = errors.first {
            code = first["code"]?.stringValue
            message = first["message"]?.stringValue ?? message
            field = first["field"]?.stringValue
        }
        let requestID = reply.json["request_id"]?.stringValue
        let kind: IntercomError.Kind
        switch reply.status {
        case 401: kind = .authentication
        case 403: kind = .forbidden
        case 404, 410: kind = .notFound
        case 409:
            kind = .conflict(
                existingID: Self.conflictingID(in: message), archived: message.lowercased().contains("archived"))
        case 429: kind = .rateLimited(resetAt: nil)
        case 400, 422: kind = .validation(field: field)
        case 500...: kind = .server(status: reply.status)
        default: kind = .validation(field: field)
        }
        return IntercomError(kind, status: reply.status, code: code, message: message, requestID: requestID)
    }

    /// The id in "A contact matching those details already exists with id=…".
    static func conflictingID(in message: String) -> String? {
        guard let range = message.range(of: "id=") else { return nil }
        let id = message[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return id.isEmpty ? nil : String(id)
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?"))) ?? text
    }

    /// What a transport failure says about reaching the server at all: nil when it is not a failure to connect.
    static func connectFailure(_ message: String) -> String? {
        let text = message.lowercased()
        if text.contains("refused") { return "the connection was refused (nothing listens there)" }
        if text.contains("connecttimeout") || text.contains("connect timeout") {
            return "the connection timed out"
        }
        if text.contains("ssl") || text.contains("tls") || text.contains("handshake") || text.contains("certificate") {
            return "the TLS handshake failed (\(message.suffix(160)))"
        }
        if text.contains("resolve") || text.contains("nodename") || text.contains("name or service")
            || text.contains("dns") || text.contains("nxdomain") || text.contains("host not found")
        {
            return "the host name was not found"
        }
        return nil
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }
}

/// Jitter, behind a lock so that concurrent callers can share it.
final class LockedRandom: Sendable {
    private let generator = Mutex(SystemRandomNumberGenerator())

    func uniform(_ low: Double, _ high: Double) -> Double {
        guard high > low else { return low }
        return generator.withLock { Double.random(in: low..<high, using: &$0) }
    }
}
