import Foundation
import HTTPTypes
import Hummingbird
import JSONText
import Synchronization

/// What stands in front of every endpoint, in Intercom's order: the token, the rate limit, the Accept header, then
/// the injected faults and latency; it also renders every error in Intercom's `error.list` shape.
struct GatewayMiddleware<Context: RequestContext>: RouterMiddleware {
    let configuration: SandboxConfiguration
    let clock: SandboxClock
    let rateLimiter: RateLimiter
    let faults: FaultInjector
    /// The OAuth apps and the tokens exchanged through them.
    let oauth: OAuthRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // The OAuth pages and the code exchange are reached before there is a token.
        if OAuthRoutes.paths.contains(request.uri.path) {
            return try await respond(request, context: context, next: next)
        }
        guard let token = bearerToken(request), token == configuration.token || oauth.isToken(token) else {
            // Without valid credentials Intercom sends no rate-limit headers.
            return IntercomAPIError.unauthorized.makeResponse()
        }
        var rateHeaders: HTTPFields = [:]
        if configuration.rateLimitPerMinute > 0 {
            let decision = rateLimiter.take(token: token, now: clock.now())
            rateHeaders[.xRateLimitLimit] = String(decision.limit)
            rateHeaders[.xRateLimitRemaining] = String(decision.remaining)
            rateHeaders[.xRateLimitReset] = String(decision.reset)
            if !decision.allowed {
                var error = IntercomAPIError(
                    .tooManyRequests, "rate_limit_exceeded", "Exceeded rate limit of \(decision.limit) in 10_seconds")
                error.headers = rateHeaders
                error.headers[.retryAfter] = String(max(1, decision.reset - Int(clock.now())))
                return error.makeResponse()
            }
        }
        var response: Response
        if !acceptsJSON(request) {
            response = IntercomAPIError.notAcceptable.makeResponse()
        } else {
            switch faults.decide() {
            case .serverError(let status):
                response = IntercomAPIError(status, "server_error", "Internal server error (sandbox fault)")
                    .makeResponse()
            case .drop:
                return Self.droppedResponse()
            case .lost:
                _ = try await respond(request, context: context, next: next)
                return Self.droppedResponse()
            case .delay(let milliseconds):
                try await Task.sleep(for: .milliseconds(milliseconds))
                response = try await respond(request, context: context, next: next)
            case .none:
                response = try await respond(request, context: context, next: next)
            }
        }
        for field in rateHeaders {
            response.headers[field.name] = field.value
        }
        return response
    }

    private func respond(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if configuration.latencyMilliseconds > 0 {
            try await Task.sleep(for: .milliseconds(configuration.latencyMilliseconds))
        }
        do {
            return try await next(request, context)
        } catch let error as IntercomAPIError {
            return error.makeResponse()
        } catch let error as HTTPResponseError where error.status == .notFound || error.status == .methodNotAllowed {
            // An unknown path or a method the endpoint does not support: Intercom answers 404.
            return IntercomAPIError.routeNotFound.makeResponse()
        } catch let error as HTTPResponseError {
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            let code = error.status.code >= 500 ? "server_error" : "parameter_invalid"
            return IntercomAPIError(error.status, code, message).makeResponse()
        } catch {
            // Whatever else goes wrong still answers in Intercom's shape, never with an empty body.
            return IntercomAPIError(.internalServerError, "server_error", "The sandbox failed: \(error)").makeResponse()
        }
    }

    private func bearerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let prefix = "Bearer "
        guard value.count > prefix.count, value.lowercased().hasPrefix("bearer ") else { return nil }
        return String(value.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
    }

    /// Intercom wants `Accept: application/json` (or a type it can answer: `*/*`, its vendor types).
    private func acceptsJSON(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept] else { return false }
        return accept.split(separator: ",").contains { part in
            let type = part.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
            return type == "application/json" || type == "*/*" || type == "application/*"
                || (type.hasPrefix("application/vnd.intercom") && type.hasSuffix("+json"))
        }
    }

    /// A response that announces a body and then breaks the connection, as a network failure would.
    private static func droppedResponse() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentLength: "4096"],
            body: ResponseBody { _ in throw DroppedConnection() })
    }
}

/// Thrown inside a response body to close the connection mid-response (the `drop` fault).
struct DroppedConnection: Error {}

/// Seeded fault decisions, shared by all connections.
final class FaultInjector: Sendable {
    enum Decision: Sendable {
        case none
        case serverError(HTTPResponse.Status)
        case drop
        case lost
        case delay(Int)
    }

    private let plan: FaultPlan
    private let random: Mutex<SplitMix64>

    init(plan: FaultPlan, seed: UInt64) {
        self.plan = plan
        random = Mutex(SplitMix64(seed: seed))
    }

    func decide() -> Decision {
        guard !plan.isEmpty else { return .none }
        let (roll, pick) = random.withLock { generator in
            (Double(generator.next() >> 11) / Double(1 << 53), generator.next() % 3)
        }
        if roll < plan.serverErrors {
            return .serverError([.internalServerError, .badGateway, .serviceUnavailable][Int(pick)])
        }
        if roll < plan.serverErrors + plan.drops {
            return .drop
        }
        if roll < plan.serverErrors + plan.drops + plan.lostAnswers {
            return .lost
        }
        if roll < plan.serverErrors + plan.drops + plan.lostAnswers + plan.delays {
            return .delay(plan.delayMilliseconds)
        }
        return .none
    }
}

/// A small deterministic generator, so that `--seed` replays the same faults.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension HTTPField.Name {
    static let xRateLimitLimit = HTTPField.Name("X-RateLimit-Limit")!
    static let xRateLimitRemaining = HTTPField.Name("X-RateLimit-Remaining")!
    static let xRateLimitReset = HTTPField.Name("X-RateLimit-Reset")!
    static let intercomVersion = HTTPField.Name("Intercom-Version")!
}
