import ArgumentParser
import AsyncHTTPClient
import Foundation
import IntercomAPI

extension IntercomETL {
    /// `intercom-etl auth login|status|logout`: named connections (profiles).
    struct Auth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign in with OAuth or a token, and keep named connections (profiles).",
            discussion: """
                Profiles live in $XDG_CONFIG_HOME/intercom-etl (else ~/.config/intercom-etl), a folder of mode 0700: \
                profiles.json names each profile's region, base URL, workspace and admin; each token is in \
                tokens/NAME, mode 0600. Select one with --profile NAME or INTERCOM_PROFILE on any command.
                """,
            subcommands: [Login.self, Status.self, Logout.self])
    }
}

extension IntercomETL.Auth {
    struct Login: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(
            abstract: "Sign in to a workspace and store the connection as a profile.",
            discussion: """
                With --client-id and --client-secret-file (a public app): prints the authorize URL (and opens a \
                browser on a terminal, unless --no-browser), then takes the redirect: from a local listener when \
                --redirect-uri is a loopback http address, else as the address you paste (Intercom redirects only to \
                the app's https URLs). The state is checked, the code exchanged, the token checked with GET /me, then \
                stored. With --token-file (a private app's access token): the token is checked and stored.
                """)

        @Option(help: "The profile to create or replace.")
        var profile: String

        @Option(help: "The OAuth app's client id.")
        var clientID: String?

        @Option(help: "A file holding the OAuth app's client secret (never an argument: it would show in ps).")
        var clientSecretFile: String?

        @Option(help: "A file holding a private app's access token, to store instead of signing in with OAuth.")
        var tokenFile: String?

        @Option(help: "Intercom's region: us, eu or au.")
        var region: IntercomConfiguration.Region = .us

        @Option(
            name: .customLong("base-url"),
            help: "The API root instead of the region's (a sandbox: its own /oauth page is then the authorize page).")
        var baseURL: String?

        @Option(name: .customLong("oauth-url"), help: "The authorize page instead of the region's app host.")
        var oauthURL: String?

        @Option(
            name: .customLong("redirect-uri"),
            help: "One of the app's redirect URLs; a loopback http one (sandbox) is caught by a local listener.")
        var redirectURI: String?

        @Flag(help: "Never open a browser (the URL is printed either way).")
        var noBrowser = false

        @Option(help: "Seconds to wait for the redirect or the pasted address.")
        var wait = 300.0

        func validate() throws {
            guard Profile.isValidName(profile) else {
                throw ValidationError("--profile: use letters, digits, '-', '_' and '.' (it names a file)")
            }
            if tokenFile != nil && (clientID != nil || clientSecretFile != nil) {
                throw ValidationError("give --token-file, or --client-id with --client-secret-file, not both")
            }
            if tokenFile == nil && (clientID == nil || clientSecretFile == nil) {
                throw ValidationError(
                    "give --client-id and --client-secret-file (OAuth), or --token-file (a private app's token)")
            }
        }

        func run() async throws {
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let result: Result<Profile, IntercomError>
            do {
                result = .success(try await signIn(http))
            } catch {
                result = .failure(error)
            }
            try? await http.shutdown()
            switch result {
            case .success(let stored):
                StandardStreams.print(
                    "signed in: profile '\(stored.name)' → workspace \(stored.workspaceName ?? "?") "
                        + "(\(stored.workspaceID ?? "?")) as \(stored.adminName ?? "?") <\(stored.adminEmail ?? "?")>")
                StandardStreams.print("use it with --profile \(stored.name) (or INTERCOM_PROFILE=\(stored.name))")
            case .failure(let error):
                StandardStreams.printError("error: \(error) (nothing was stored)")
                throw ETLExit.code(for: error)
            }
        }

        private func signIn(_ http: HTTPClient) async throws(IntercomError) -> Profile {
            let store = ProfileStore.standard()
            let apiBase = baseURL ?? region.baseURL
            if let tokenFile {
                let token = try AccessToken.fromEnvironmentOrFile(path: tokenFile, environment: [:])
                if let problem = AccessToken.exposure(of: tokenFile) {
                    StandardStreams.printError("warning: \(problem)")
                }
                return try await SignIn.verifyAndStore(
                    token: token, name: profile, region: region, baseURL: baseURL, method: "token", store: store,
                    http: http)
            }
            let secretPath = clientSecretFile!
            let secret = try AccessToken.fromEnvironmentOrFile(path: secretPath, environment: [:])
            if let problem = AccessToken.exposure(of: secretPath) { StandardStreams.printError("warning: \(problem)") }
            let login = OAuthLogin(
                clientID: clientID!, clientSecret: secret,
                authorizePage: oauthURL ?? OAuthLogin.authorizePage(region: region, baseURL: baseURL),
                apiBase: apiBase, redirectURI: redirectURI)
            // The listener is bound before the URL is shown, so that a fast approval is not missed.
            let listener = try redirectURI.flatMap { uri throws(IntercomError) in
                Self.isLoopbackHTTP(uri) ? try RedirectListener(redirectURI: uri) : nil
            }
            StandardStreams.printError("Open this address to approve the app:\n\(login.authorizeURL)")
            if !noBrowser && StandardStreams.stdoutIsTerminal { Self.openBrowser(login.authorizeURL) }
            let address: String
            if let listener {
                StandardStreams.printError("waiting for the redirect to \(redirectURI!) …")
                guard let caught = listener.waitForRedirect(timeout: wait) else {
                    throw IntercomError(.configuration, message: "no redirect came within \(Int(wait)) s")
                }
                address = caught
            } else {
                StandardStreams.printError("Then paste the address your browser was sent to (it holds ?code=…):")
                guard let line = readLine(), !line.isEmpty else {
                    throw IntercomError(.configuration, message: "no address was pasted")
                }
                address = line
            }
            let code = try login.code(fromRedirect: address)
            let token = try await login.exchange(code: code, http: http)
            return try await SignIn.verifyAndStore(
                token: token, name: profile, region: region, baseURL: baseURL, method: "oauth", store: store,
                http: http)
        }

        static func isLoopbackHTTP(_ uri: String) -> Bool {
            guard let url = URLComponents(string: uri), url.scheme?.lowercased() == "http" else { return false }
            return ["127.0.0.1", "localhost"].contains(url.host?.lowercased() ?? "")
        }

        /// Opens `url` in the desktop's browser, if there is one; the URL is printed either way.
        static func openBrowser(_ url: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["xdg-open", url]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try? process.run()
        }
    }

    struct Status: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(
            abstract: "List the profiles, their workspaces, and whether each token still works.",
            discussion: "Exits 3 when a token checked is refused.")

        @Option(help: "Only this profile.")
        var profile: String?

        func run() async throws {
            let store = ProfileStore.standard()
            var profiles: [Profile]
            do {
                profiles = try store.profiles()
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.configuration
            }
            if let profile {
                profiles = profiles.filter { $0.name == profile }
                guard !profiles.isEmpty else {
                    StandardStreams.printError("error: no profile '\(profile)' in \(store.configPath)")
                    throw ETLExit.configuration
                }
            }
            guard !profiles.isEmpty else {
                StandardStreams.print("no profiles in \(store.configPath): create one with auth login --profile NAME")
                return
            }
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            var refused = false
            for profile in profiles {
                var state: String
                do {
                    let token = try store.token(for: profile.name)
                    let me = try await SignIn.whoami(token: token, apiBase: profile.apiBase, http: http, timeout: 10)
                    state = "token works (\(me["email"]?.stringValue ?? "?"))"
                } catch {
                    refused = refused || error.kind == .authentication || error.kind == .configuration
                    state = "token does not work: \(error)"
                }
                StandardStreams.print(
                    "\(profile.name): workspace \(profile.workspaceName ?? "?") (\(profile.workspaceID ?? "?")), "
                        + "region \(profile.region.rawValue)"
                        + (profile.baseURL.map { ", base URL \($0)" } ?? "") + ", \(profile.method); \(state)")
            }
            try? await http.shutdown()
            if refused { throw ETLExit.authentication }
        }
    }

    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget a profile and delete its token file.",
            discussion: """
                Intercom's API has no call to revoke a token: to revoke an OAuth token, uninstall the app from the \
                workspace (Settings > Apps); a private app's token is regenerated in the Developer Hub.
                """)

        @Option(help: "The profile to forget.")
        var profile: String

        func run() throws {
            let store = ProfileStore.standard()
            do {
                guard try store.remove(named: profile) else {
                    StandardStreams.printError("error: no profile '\(profile)' in \(store.configPath)")
                    throw ETLExit.configuration
                }
            } catch let error as IntercomError {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.configuration
            }
            StandardStreams.print(
                "forgot profile '\(profile)' and deleted its token file; Intercom still accepts the token until the "
                    + "app is uninstalled from the workspace")
        }
    }
}
