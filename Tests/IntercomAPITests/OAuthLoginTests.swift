import Foundation
import IntercomAPI
import Testing

/// The parts of the OAuth login that need no server: where the authorize page is, what its URL holds, and how the
/// redirect's address is checked.
struct OAuthLoginTests {
    func login(redirect: String? = nil) -> OAuthLogin {
        OAuthLogin(
            clientID: "client 1", clientSecret: AccessToken("very-secret"),
            authorizePage: OAuthLogin.authorizePage(region: .eu, baseURL: nil), apiBase: "https://api.eu.intercom.io",
            redirectURI: redirect, state: "s123")
    }

    @Test func theAuthorizePageIsTheRegionsOrTheSandboxs() {
        #expect(OAuthLogin.authorizePage(region: .us, baseURL: nil) == "https://app.intercom.com/oauth")
        #expect(OAuthLogin.authorizePage(region: .eu, baseURL: nil) == "https://app.eu.intercom.com/oauth")
        #expect(
            OAuthLogin.authorizePage(region: .au, baseURL: "https://api.au.intercom.io")
                == "https://app.au.intercom.com/oauth")
        #expect(
            OAuthLogin.authorizePage(region: .us, baseURL: "http://127.0.0.1:4010/") == "http://127.0.0.1:4010/oauth")
        let url = login(redirect: "https://example.com/cb?x=1").authorizeURL
        #expect(url.hasPrefix("https://app.eu.intercom.com/oauth?client_id=client%201&state=s123&redirect_uri="))
        #expect(!url.contains("very-secret"))
        #expect(OAuthLogin.newState().count == 64 && OAuthLogin.newState() != OAuthLogin.newState())
    }

    @Test func theRedirectMustCarryThisLoginsStateAndACode() throws {
        #expect(try login().code(fromRedirect: " https://example.com/cb?code=abc&state=s123\n") == "abc")
        for (address, reason) in [
            ("https://example.com/cb?code=abc&state=other", "state does not match"),
            ("https://example.com/cb?code=abc", "state does not match"),
            ("https://example.com/cb?state=s123", "no code"),
            ("https://example.com/cb?error=access_denied&state=s123", "did not approve"),
            ("not a url at all", "not the address"),
        ] {
            #expect {
                _ = try login().code(fromRedirect: address)
            } throws: { error in
                String(describing: error).contains(reason)
            }
        }
    }
}
