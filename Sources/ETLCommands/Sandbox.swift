import ArgumentParser
import IntercomSandbox
import Logging

extension IntercomETL {
    /// `intercom-etl sandbox`: a local Intercom-compatible server to rehearse against.
    struct Sandbox: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(
            abstract: "Run a local server that behaves like Intercom's REST API, to rehearse imports and exports.",
            discussion: """
                Serves contacts (create, get, update, delete, list with cursors, search with Intercom's grammar and \
                limits, archive, find by external id), data attributes, messages and /me, with Intercom's JSON, \
                errors, rate-limit headers and 429s. A created or changed contact reaches search only after \
                --search-lag seconds, as on the real service. The workspace lives in memory, or in the SQLite file \
                given with --data so that it survives restarts. Stops cleanly on \
                SIGINT and SIGTERM. Point other commands at it with --base-url.
                """
        )

        @Option(help: "The address to listen on. Keep it on loopback unless you mean to share it.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on (0 picks a free one).")
        var port = 4010

        @Option(help: "The access token clients must send (a sandbox token, not a real Intercom one).")
        var token = "sandbox-token"

        @Option(
            name: .customLong("rate-limit"), help: "Calls per minute per token, in 10-second windows; 0 turns it off.")
        var rateLimit = 10_000

        @Option(help: "Extra latency added to every request, in milliseconds.")
        var latency = 0

        @Option(
            name: .customLong("search-lag"), help: "Seconds before a created or changed contact is visible to search.")
        var searchLag = 0.0

        @Option(
            help: "Injected failures, e.g. '5xx=0.05,drop=0.01,lost=0.01,delay=0.02,delay_ms=500' (shares of requests)."
        )
        var faults = ""

        @Option(help: "Seed for ids and fault decisions, so that runs repeat.")
        var seed: UInt64 = 1

        @Option(
            name: .customLong("preload-contacts"),
            help: "Create this many synthetic users at start (user<N>@example.com, external id ext-<N>).")
        var preloadContacts = 0

        @Option(
            help: ArgumentHelp(
                "How the preloaded contacts are spread in time: spread, migration or recent.",
                discussion: """
                    spread: created_at evenly over --preload-days. migration: all created by one import (about 150 \
                    a second, ending now or --preload-imported-days-ago days ago), with sign-up dates over \
                    --preload-days before it, users and leads, and email domains of very different sizes. recent: \
                    created_at over --preload-days, most of it recent.
                    """))
        var preloadShape: PreloadShape = .spread

        @Option(help: "The days the preloaded contacts' dates are spread over.")
        var preloadDays = 365

        @Option(help: "Migration shape: the import ran on the day this many days ago (0: it has just ended).")
        var preloadImportedDaysAgo = 0

        @Option(
            help: """
                This share of the preloaded contacts (percent, 0 to 100) were updated in the last six hours, as a \
                nightly incremental export finds them.
                """)
        var preloadChanged = 0

        @Option(help: "An SQLite file that keeps the workspace across restarts (created if missing). Default: memory.")
        var data: String?

        @Option(
            help: ArgumentHelp(
                "An admin of the workspace, as 'Name <email>'; repeat it for several. Default: four teammates.",
                discussion: "GET /admins lists them (after the token's own admin) and owner_id accepts their ids.",
                valueName: "name-and-email"))
        var admin: [String] = []

        @Option(
            name: .customLong("oauth-client"),
            help: ArgumentHelp(
                "An OAuth app, as 'CLIENT_ID:SECRET' (sandbox values, never a real app's); repeat it for several.",
                discussion: """
                    GET /oauth approves it at once and redirects with a code and the state; POST /auth/eagle/token                     exchanges the code for a token every endpoint accepts (try: intercom-etl auth login --base-url).
                    """,
                valueName: "id:secret"))
        var oauthClient: [String] = []

        /// The `--oauth-client` values, client id to secret.
        var oauthClients: [String: String] {
            var clients: [String: String] = [:]
            for text in oauthClient {
                guard let colon = text.firstIndex(of: ":") else { continue }
                clients[String(text[..<colon])] = String(text[text.index(after: colon)...])
            }
            return clients
        }

        /// The `--admin` values, with ids counting up from 991267900.
        var admins: [SandboxAdmin]? {
            admin.isEmpty ? nil : admin.enumerated().compactMap { SandboxAdmin($1, id: 991_267_900 + $0) }
        }

        func validate() throws {
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
            guard preloadDays >= 1 else { throw ValidationError("--preload-days must be at least 1") }
            guard preloadImportedDaysAgo >= 0, (0...100).contains(preloadChanged) else {
                throw ValidationError(
                    "--preload-imported-days-ago must be 0 or more and --preload-changed a percent from 0 to 100")
            }
            guard rateLimit >= 0, latency >= 0, searchLag >= 0, preloadContacts >= 0 else {
                throw ValidationError("--rate-limit, --latency and --search-lag cannot be negative")
            }
            do {
                _ = try FaultPlan(parsing: faults)
            } catch {
                throw ValidationError(error.description)
            }
            for text in admin where SandboxAdmin(text, id: 0) == nil {
                throw ValidationError("--admin takes 'Name <email>', got '\(text)'")
            }
            for text in oauthClient {
                let parts = text.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw ValidationError("--oauth-client takes 'CLIENT_ID:SECRET'")
                }
            }
        }

        func run() async throws {
            var configuration = SandboxConfiguration(
                host: host, port: port, token: token, rateLimitPerMinute: rateLimit, latencyMilliseconds: latency,
                searchLagSeconds: searchLag, faults: try FaultPlan(parsing: faults), seed: seed,
                preloadContacts: preloadContacts, dataPath: data)
            configuration.preloadShape = preloadShape
            configuration.preloadDays = preloadDays
            configuration.preloadImportedDaysAgo = preloadImportedDaysAgo
            configuration.preloadChangedPercent = preloadChanged
            configuration.admins = admins
            configuration.oauthClients = oauthClients
            let token = self.token
            let host = self.host
            let app = try buildApplication(configuration: configuration) { port in
                StandardStreams.print("intercom-etl sandbox listening on http://\(host):\(port)")
                StandardStreams.print("token: \(token)")
                StandardStreams.print(
                    "try: curl -H 'Authorization: Bearer \(token)' -H 'Accept: application/json' "
                        + "http://\(host):\(port)/me")
            }
            try await app.runService()
        }
    }
}

extension PreloadShape: ExpressibleByArgument {}
