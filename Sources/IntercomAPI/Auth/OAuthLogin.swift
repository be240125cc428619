import AsyncHTTPClient
import Foundation
import JSONText
import NIOCore
import NIOHTTP1

/// Intercom's OAuth authorization-code flow, as documented: the authorize page on the region's app host
/// (`/oauth?client_id=…&state=…[&redirect_uri=…]`), a redirect back with `code` and `state`, and the exchange of the
/// code at `POST {api}/auth/eagle/token` (`code`, `client_id`, `client_secret`) for a token that does not expire.
public struct OAuthLogin: Sendable {
    /// The app's client id (public: it is in the authorize URL).
    public var clientID: String
    /// The app's client secret: never printed, never in a URL.
    public var clientSecret: AccessToken
    /// The authorize page, e.g. `https://app.intercom.com/oauth`.
    public var authorizePage: String
    /// The API root the code is exchanged at.
    public var apiBase: String
    /// A registered redirect URL, or nil for the app's default one.
    public var redirectURI: String?
    /// The random value the redirect must carry back (against forged redirects).
    public let state: String

    public init(
        clientID: String, clientSecret: AccessToken, authorizePage: String, apiBase: String, redirectURI: String?,
        state: String = OAuthLogin.newState()
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authorizePage = authorizePage
        self.apiBase = apiBase
        self.redirectURI = redirectURI
        self.state = state
    }

    /// The authorize page of a region's app host (EU and AU have their own), or the sandbox's own page when the API
    /// root is not Intercom's (`--base-url` pointing at a sandbox runs the whole flow locally).
    public static func authorizePage(region: IntercomConfiguration.Region, baseURL: String?) -> String {
        if let baseURL, baseURL != region.baseURL {
            var root = baseURL
            while root.hasSuffix("/") { root.removeLast() }
            return root + "/oauth"
        }
        switch region {
        case .us: return "https://app.intercom.com/oauth"
        case .eu: return "https://app.eu.intercom.com/oauth"
        case .au: return "https://app.au.intercom.com/oauth"
        }
    }

    /// 32 random bytes, hex.
    public static func newState() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value: UInt64 = generator.next()
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The URL the person opens to approve the app (it holds no secret).
    public var authorizeURL: String {
        var components = URLComponents(string: authorizePage) ?? URLComponents()
        var items = components.queryItems ?? []
        items.append(URLQueryItem(name: "client_id", value: clientID))
        items.append(URLQueryItem(name: "state", value: state))
        if let redirectURI { items.append(URLQueryItem(name: "redirect_uri", value: redirectURI)) }
        components.queryItems = items
        return components.string ?? authorizePage
    }

    /// The code from the address Intercom redirected to (pasted by the person, or caught by a local listener).
    /// - Throws: ``IntercomError`` `.configuration` when the address has no code, reports a refusal, or carries
    ///   another state than this login's (a redirect this login did not start: nothing is exchanged).
    public func code(fromRedirect address: String) throws(IntercomError) -> String {
        let trimmed = address.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let components = URLComponents(string: trimmed), let items = components.queryItems else {
            throw IntercomError(
                .configuration, message: "that is not the address you were redirected to (it has no ?code=…&state=…)")
        }
        func value(_ name: String) -> String? { items.first { $0.name == name }?.value }
        if let refusal = value("error") {
            throw IntercomError(
                .configuration,
                message: "Intercom did not approve the app: \(refusal)"
                    + (value("error_description").map { " (\($0))" } ?? ""))
        }
        guard value("state") == state else {
            throw IntercomError(
                .configuration,
                message: "the redirect's state does not match this login's: it comes from another attempt or a "
                    + "forged link, so its code was not used; run auth login again")
        }
        guard let code = value("code"), !code.isEmpty else {
            throw IntercomError(.configuration, message: "the redirect has no code")
        }
        return code
    }

    /// Exchanges `code` for the workspace's access token.
    /// - Throws: ``IntercomError`` with Intercom's (or the sandbox's) reason when the code or the app is refused.
    public func exchange(code: String, http: HTTPClient, timeout: Double = 30) async throws(IntercomError)
        -> AccessToken
    {
        var url = apiBase
        while url.hasSuffix("/") { url.removeLast() }
        var request = HTTPClientRequest(url: url + "/auth/eagle/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let form = [("code", code), ("client_id", clientID), ("client_secret", clientSecret.secret)]
            .map { "\($0)=\(Self.formEncoded($1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: form))
        let status: HTTPResponseStatus
        let body: [UInt8]
        do {
            let response = try await http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            status = response.status
            body = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        } catch {
            throw IntercomError(.transport, message: "the code exchange at \(url) failed: \(error)")
        }
        let json = try? JSONValue.parse(body)
        guard status == .ok else {
            var first: JSONValue?
            if case .array(let errors)? = json?["errors"] { first = errors.first }
            let message = first?["message"]?.stringValue ?? json?["message"]?.stringValue ?? "\(status)"
            throw IntercomError(
                status == .unauthorized ? .authentication : .validation(field: nil),
                message: "the code exchange was refused (\(status.code)): \(message)")
        }
        guard let token = json?["access_token"]?.stringValue ?? json?["token"]?.stringValue, !token.isEmpty else {
            throw IntercomError(.configuration, message: "the code exchange answered without a token")
        }
        return AccessToken(token)
    }

    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
