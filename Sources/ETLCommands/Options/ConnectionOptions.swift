import ArgumentParser
import AsyncHTTPClient
import ContactIO
import IntercomAPI
import JSONText
import Logging

/// Where the workspace is and how to authenticate, shared by every command that calls Intercom.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Intercom's region: us, eu or au. Default: the profile's, else us.")
    var region: IntercomConfiguration.Region?

    @Option(
        name: .customLong("base-url"),
        help:
            "The API root instead of the region's, e.g. the sandbox's http://127.0.0.1:4010 (plain http only on loopback)."
    )
    var baseURL: String?

    @Option(
        name: .customLong("token-file"),
        help:
            "A file holding the access token. Default: the INTERCOM_ACCESS_TOKEN environment variable. The token is never taken as an argument."
    )
    var tokenFile: String?

    @Option(
        help: ArgumentHelp(
            "A stored connection (see auth login). Default: INTERCOM_PROFILE, else the profile named 'default'.",
            discussion: """
                Precedence: --token-file or --profile, then INTERCOM_ACCESS_TOKEN, then INTERCOM_PROFILE, then the                 profile 'default'. When several are set, the one used is named on stderr.
                """))
    var profile: String?

    @Option(name: .customLong("intercom-version"), help: "The Intercom-Version header to send.")
    var intercomVersion = "2.16"

    @Option(help: "Seconds one request may take before it is retried as a transport failure.")
    var timeout = 30.0

    @Flag(help: "Log every request, wait and retry to stderr (never the token).")
    var verbose = false

    /// The token to use and where it comes from.
    func credentials() throws(IntercomError) -> Credentials {
        try Credentials.resolve(tokenFile: tokenFile, profile: profile)
    }

    /// The API root: `--base-url`, else the profile's, else the region's.
    func apiBase(_ credentials: Credentials?) -> String {
        if let baseURL { return baseURL }
        if let profile = credentials?.profile, region == nil || region == profile.region { return profile.apiBase }
        return (region ?? .us).baseURL
    }

    /// The client's configuration; names the credential used on stderr when others were set too.
    func configuration() throws(IntercomError) -> IntercomConfiguration {
        let credentials = try credentials()
        if let warning = credentials.warning { StandardStreams.printError(warning) }
        if !credentials.unused.isEmpty { StandardStreams.printError("note: \(credentials.description)") }
        return try IntercomConfiguration(
            baseURL: apiBase(credentials), token: credentials.token, version: intercomVersion,
            requestTimeout: timeout)
    }

    var logger: Logger {
        var logger = Logger(label: "intercom-etl") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .debug : .warning
        return logger
    }

    /// Runs `body` with a client whose HTTP connections are shut down afterwards; failures become exit codes.
    func withClient<T: Sendable>(_ body: (IntercomClient) async throws(IntercomError) -> T) async throws -> T {
        let (client, http) = try connect()
        let result: Result<T, IntercomError>
        do {
            result = .success(try await body(client))
        } catch {
            result = .failure(error)
        }
        try? await http.shutdown()
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            StandardStreams.printError("error: \(error)")
            throw ETLExit.code(for: error)
        }
    }
}

extension ConnectionOptions {
    /// A client with up to `connections` keep-alive connections; the caller shuts `http` down. A bad setup (no
    /// token, a refused base URL) is reported on stderr and ends the command.
    func connect(connections: Int = 8) throws -> (IntercomClient, HTTPClient) {
        let configuration: IntercomConfiguration
        do {
            configuration = try self.configuration()
        } catch {
            StandardStreams.printError("error: \(error)")
            throw ETLExit.code(for: error)
        }
        var httpConfiguration = HTTPClient.Configuration()
        // A server that takes longer than this to accept a connection is not one to import into.
        httpConfiguration.timeout.connect = .seconds(5)
        httpConfiguration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, connections))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        return (IntercomClient(http: http, configuration: configuration, logger: logger), http)
    }
}

extension IntercomConfiguration.Region: ExpressibleByArgument {}

/// Prints a JSON result: indented on a terminal, one line otherwise (for pipes and scripts).
func printJSON(_ value: JSONValue) {
    StandardStreams.print(StandardStreams.stdoutIsTerminal ? value.prettyJSONText : value.jsonText)
}
