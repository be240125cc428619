import Foundation
import Synchronization

/// The sandbox's side of Intercom's OAuth: registered clients, the authorization codes its authorize page hands out
/// (single use, five minutes, as Intercom documents), and the access tokens exchanged for them, which every endpoint
/// then accepts as it accepts the configured token.
final class OAuthRegistry: Sendable {
    /// An authorization code not exchanged yet.
    struct Grant: Sendable {
        var clientID: String
        var expires: Double
    }

    /// Seconds an authorization code can be exchanged for ("about 5 minutes" in Intercom's documentation).
    static let codeLifetime = 300.0

    /// Client id to client secret.
    let clients: [String: String]
    private let state = Mutex<(codes: [String: Grant], used: Set<String>, tokens: Set<String>)>(([:], [], []))

    init(clients: [String: String]) {
        self.clients = clients
    }

    /// A new code for `clientID`, or nil when no such client is registered.
    func authorize(clientID: String, now: Double) -> String? {
        guard clients[clientID] != nil else { return nil }
        let code = Self.random(prefix: "code_")
        state.withLock { $0.codes[code] = Grant(clientID: clientID, expires: now + Self.codeLifetime) }
        return code
    }

    /// Why an exchange was refused (the sandbox's own wording: Intercom documents none).
    enum Refusal: Error, Equatable {
        case unknownClient
        case wrongSecret
        case unknownCode
        case usedCode
        case expiredCode
        case otherClientsCode
    }

    /// The access token for a code, which is used up by the call (also when the secret is wrong: a guessed secret
    /// cannot be retried against the same code).
    func exchange(code: String, clientID: String, secret: String, now: Double) throws(Refusal) -> String {
        guard let expected = clients[clientID] else { throw .unknownClient }
        let result: Result<String, Refusal> = state.withLock { state in
            if state.used.contains(code) { return .failure(.usedCode) }
            guard let grant = state.codes.removeValue(forKey: code) else { return .failure(.unknownCode) }
            state.used.insert(code)
            guard grant.clientID == clientID else { return .failure(.otherClientsCode) }
            guard Self.constantTimeEqual(expected, secret) else { return .failure(.wrongSecret) }
            guard now <= grant.expires else { return .failure(.expiredCode) }
            let token = Self.random(prefix: "tok_")
            state.tokens.insert(token)
            return .success(token)
        }
        return try result.get()
    }

    /// Whether `token` was minted by an exchange.
    func isToken(_ token: String) -> Bool {
        state.withLock { $0.tokens.contains(token) }
    }

    private static func random(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + (0..<4).map { _ in String(generator.next() as UInt64, radix: 36) }.joined()
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
