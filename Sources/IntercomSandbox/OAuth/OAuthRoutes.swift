import Foundation
import HTTPTypes
import Hummingbird
import JSONText
import NIOCore

/// Intercom's OAuth, as the sandbox plays it: `GET /oauth` approves at once for a registered client (`--oauth-client
/// ID:SECRET`) and redirects with a code and the state, and `POST /auth/eagle/token` exchanges the code for a token
/// that every endpoint accepts. Intercom documents no error for the exchange: the messages are the sandbox's own.
struct OAuthRoutes: Sendable {
    let registry: OAuthRegistry
    let clock: SandboxClock

    /// The paths that take no bearer token.
    static let paths: Set<String> = ["/oauth", "/oauth/callback", "/auth/eagle/token"]

    func register(on router: Router<BasicRequestContext>) {
        router.get("/oauth") { request, _ in try authorize(request) }
        router.get("/oauth/callback") { _, _ in
            // Where a client without a redirect URI lands: the address holds the code, to be pasted.
            var response = Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: "Approved. Copy this page's address (it holds the code) back into intercom-etl.\n")))
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.post("/auth/eagle/token") { request, _ in try await token(request) }
    }

    private func authorize(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        guard let clientID = query["client_id"].map(String.init), !clientID.isEmpty else {
            throw IntercomAPIError.invalid("(sandbox) client_id is required", field: "client_id")
        }
        let redirect: String
        if let given = query["redirect_uri"].map(String.init) {
            guard Self.isAllowedRedirect(given) else {
                throw IntercomAPIError.invalid(
                    "(sandbox) redirect_uri must be https, or http on a loopback address", field: "redirect_uri")
            }
            redirect = given
        } else {
            let host = request.head.authority ?? "127.0.0.1"
            redirect = "http://\(host)/oauth/callback"
        }
        guard let code = registry.authorize(clientID: clientID, now: clock.now()) else {
            throw IntercomAPIError(.unauthorized, "unauthorized", "(sandbox) no app has the client_id '\(clientID)'")
        }
        var components = URLComponents(string: redirect)
        var items = components?.queryItems ?? []
        items.append(URLQueryItem(name: "code", value: code))
        if let state = query["state"] { items.append(URLQueryItem(name: "state", value: String(state))) }
        components?.queryItems = items
        return Response(status: .found, headers: [.location: components?.string ?? redirect])
    }

    private func token(_ request: Request) async throws -> Response {
        var request = request
        let bytes = Array(try await request.collectBody(upTo: 64 * 1024).readableBytesView)
        let fields = Self.fields(bytes, contentType: request.headers[.contentType])
        func required(_ name: String) throws -> String {
            guard let value = fields[name], !value.isEmpty else {
                throw IntercomAPIError.invalid("(sandbox) \(name) is required", field: name)
            }
            return value
        }
        let code = try required("code")
        let clientID = try required("client_id")
        let secret = try required("client_secret")
        do {
            let token = try registry.exchange(code: code, clientID: clientID, secret: secret, now: clock.now())
            return json(
                .object(["token_type": .string("Bearer"), "token": .string(token), "access_token": .string(token)]))
        } catch {
            throw Self.error(for: error)
        }
    }

    static func error(for refusal: OAuthRegistry.Refusal) -> IntercomAPIError {
        switch refusal {
        case .unknownClient:
            return IntercomAPIError(.unauthorized, "unauthorized", "(sandbox) no app has this client_id")
        case .wrongSecret:
            return IntercomAPIError(
                .unauthorized, "unauthorized", "(sandbox) the client_secret is not this app's; the code is used up")
        case .unknownCode:
            return IntercomAPIError.invalid("(sandbox) the code is not one this workspace gave", field: "code")
        case .usedCode:
            return IntercomAPIError.invalid("(sandbox) the code was already exchanged", field: "code")
        case .expiredCode:
            return IntercomAPIError.invalid("(sandbox) the code expired (codes last 5 minutes)", field: "code")
        case .otherClientsCode:
            return IntercomAPIError.invalid("(sandbox) the code was given to another app", field: "code")
        }
    }

    /// The body's fields: form-encoded (as OAuth clients send them) or a JSON object of strings.
    static func fields(_ bytes: [UInt8], contentType: String?) -> [String: String] {
        if contentType?.lowercased().hasPrefix("application/json") == true {
            guard case .object(let object)? = try? JSONValue.parse(bytes) else { return [:] }
            var fields: [String: String] = [:]
            for member in object.members { if let text = member.value.stringValue { fields[member.key] = text } }
            return fields
        }
        var components = URLComponents()
        components.percentEncodedQuery = String(decoding: bytes, as: UTF8.self).replacingOccurrences(
            of: "+", with: "%20")
        var fields: [String: String] = [:]
        for item in components.queryItems ?? [] { fields[item.name] = item.value ?? "" }
        return fields
    }

    /// https anywhere, or http on a loopback address (the sandbox's allowance for a local listener).
    static func isAllowedRedirect(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else {
            return false
        }
        if scheme == "https" { return true }
        return scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
    }
}
