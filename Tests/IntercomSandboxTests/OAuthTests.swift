import Foundation
import HTTPTypes
import IntercomSandbox
import JSONText
import Testing

/// The sandbox's OAuth (issue #26): an authorize page that approves a registered client at once, codes that are
/// single use and last five minutes, and tokens that work on every endpoint.
struct OAuthTests {
    static var configuration: SandboxConfiguration {
        var configuration = SandboxConfiguration(port: 0, rateLimitPerMinute: 0)
        configuration.oauthClients = ["app": "secret-1"]
        return configuration
    }

    /// The code of an approval of `client`, from the redirect's Location.
    static func approve(_ api: SandboxClient, client: String = "app", redirect: String? = nil) async throws
        -> (status: HTTPResponse.Status, location: String?, code: String?)
    {
        var anonymous = api
        anonymous.token = nil
        var path = "/oauth?client_id=\(client)&state=xyz"
        if let redirect {
            path += "&redirect_uri=\(redirect.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        }
        let response = try await anonymous.get(path)
        let location = response[header: "Location"]
        let code = location.flatMap { URLComponents(string: $0)?.queryItems?.first { $0.name == "code" }?.value }
        return (response.status, location, code)
    }

    static func exchange(_ api: SandboxClient, code: String, client: String = "app", secret: String = "secret-1")
        async throws -> SandboxResponse
    {
        var anonymous = api
        anonymous.token = nil
        return try await anonymous.post(
            "/auth/eagle/token",
            .object(["code": .string(code), "client_id": .string(client), "client_secret": .string(secret)]))
    }

    @Test func aCodeIsExchangedOnceForATokenThatWorksEverywhere() async throws {
        try await withSandbox(Self.configuration) { api in
            let approval = try await Self.approve(api, redirect: "http://127.0.0.1:9000/cb")
            #expect(approval.status == .found)
            #expect(approval.location?.hasPrefix("http://127.0.0.1:9000/cb?code=") == true)
            #expect(approval.location?.hasSuffix("&state=xyz") == true)
            let code = try #require(approval.code)
            let exchanged = try await Self.exchange(api, code: code)
            #expect(exchanged.status == .ok && exchanged.json["token_type"] == .string("Bearer"))
            let token = try #require(exchanged.json["access_token"]?.stringValue)
            #expect(exchanged.json["token"]?.stringValue == token)
            var minted = api
            minted.token = token
            #expect(try await minted.get("/me").json["email"] == .string("admin@sandbox.example"))
            #expect(try await minted.createContact(["email": .string("o@auth.example")]).count == 24)
            let again = try await Self.exchange(api, code: code)
            #expect(again.status == .badRequest && again.errorMessage?.contains("already exchanged") == true)
        }
    }

    @Test func refusalsAreClearAndUseTheCodeUp() async throws {
        let clock = ManualSandboxClock(1_800_000_000)
        try await withSandbox(Self.configuration, clock: clock) { api in
            #expect(try await Self.approve(api, client: "other").status == .unauthorized)
            #expect(try await Self.approve(api, redirect: "http://evil.example/cb").status == .badRequest)
            // No redirect URI: the sandbox's own page, which shows the address to paste.
            #expect(try await Self.approve(api).location?.contains("/oauth/callback?code=") == true)
            let wrong = try await Self.exchange(api, code: try #require(try await Self.approve(api).code), secret: "x")
            #expect(wrong.status == .unauthorized && wrong.errorMessage?.contains("client_secret") == true)
            let expiring = try #require(try await Self.approve(api).code)
            clock.advance(by: 301)
            let expired = try await Self.exchange(api, code: expiring)
            #expect(expired.status == .badRequest && expired.errorMessage?.contains("expired") == true)
            let unknown = try await Self.exchange(api, code: "code_made_up")
            #expect(unknown.status == .badRequest && unknown.errorCode == "parameter_invalid")
            var guessed = api
            guessed.token = "tok_guessed"
            #expect(try await guessed.get("/me").status == .unauthorized)
        }
    }
}
