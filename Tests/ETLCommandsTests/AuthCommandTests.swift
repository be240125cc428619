import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `auth login` against the sandbox's OAuth, with no browser (issue #26): the test plays the person, opening the
/// authorize URL the command prints and following (or pasting) the redirect.
struct AuthCommandTests {
    static let secret = "sandbox-secret-5bd1c0e7"

    /// A login running in the background, its stderr read line by line.
    final class RunningLogin: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        var stderr = ""

        init(_ arguments: [String], environment: [String: String]) throws {
            process.executableURL = CommandRunner.binary
            process.arguments = ["auth", "login", "--no-browser"] + arguments
            process.environment = environment
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
        }

        /// The authorize URL, once the command has printed it.
        func authorizeURL() throws -> String {
            while true {
                if let range = stderr.range(of: "http://127.0.0.1:[0-9]+/oauth\\?[^\\s]+", options: .regularExpression)
                {
                    return String(stderr[range])
                }
                let chunk = errors.fileHandleForReading.availableData
                guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown) }
                stderr += String(decoding: chunk, as: UTF8.self)
            }
        }

        func paste(_ address: String) throws {
            input.fileHandleForWriting.write(Data((address + "\n").utf8))
            try input.fileHandleForWriting.close()
        }

        func finish() -> CommandRunner.Output {
            try? input.fileHandleForWriting.close()
            let out = output.fileHandleForReading.readDataToEndOfFile()
            stderr += String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return CommandRunner.Output(
                status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: stderr)
        }
    }

    /// A fresh config folder and the environment that points the binary at it (and sets no token).
    static func environment() throws -> (environment: [String: String], config: String) {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("xdg-\(UUID().uuidString)").path
        var environment = ProcessInfo.processInfo.environment
        environment["INTERCOM_ACCESS_TOKEN"] = nil
        environment["INTERCOM_PROFILE"] = nil
        environment["XDG_CONFIG_HOME"] = config
        return (environment, config)
    }

    static func secretFile(_ text: String = secret) throws -> String {
        let path = try temporaryFile(named: "client-secret", contents: Data((text + "\n").utf8))
        chmod(path, 0o600)
        return path
    }

    /// GET `url` without following a redirect: the status and the Location.
    static func get(_ url: String) async throws -> (status: UInt, location: String?) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
            try await http.shutdown()
            return (response.status.code, response.headers.first(name: "location"))
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// A free loopback port, for the listener.
    static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bound in
                bind(socket, bound, length)
                return getsockname(socket, bound, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Every file under `folder`, with its text.
    static func files(under folder: String) -> [(path: String, text: String)] {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var found: [(String, String)] = []
        while let name = enumerator?.nextObject() as? String {
            let path = folder + "/" + name
            if let data = FileManager.default.contents(atPath: path) {
                found.append((path, String(decoding: data, as: UTF8.self)))
            }
        }
        return found
    }

    static func mode(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_mode & 0o777) : -1
    }

    @Test func loginByListenerAndByPasteThenWhoamiAndAnImportUseTheProfile() async throws {
        let (sandbox, base) = try CommandRunner.startSandboxURL(["--oauth-client", "etl-app:\(Self.secret)"])
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let (environment, config) = try Self.environment()
        let secretPath = try Self.secretFile()
        var outputs: [CommandRunner.Output] = []
        // 1. A loopback redirect URI: the command's own listener catches the redirect.
        let port = Self.freePort()
        let listened = try RunningLogin(
            [
                "--profile", "listened", "--client-id", "etl-app", "--client-secret-file", secretPath, "--base-url",
                base, "--redirect-uri", "http://127.0.0.1:\(port)/callback",
            ], environment: environment)
        let approval = try await Self.get(try listened.authorizeURL())
        #expect(approval.status == 302)
        let redirect = try #require(approval.location)
        #expect(redirect.hasPrefix("http://127.0.0.1:\(port)/callback?code="))
        #expect(try await Self.get(redirect).status == 200)
        let first = listened.finish()
        outputs.append(first)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("signed in: profile 'listened'"), "\(first.stdout)")
        // 2. No redirect URI: the person pastes the address the browser was sent to.
        let pasted = try RunningLogin(
            ["--profile", "pasted", "--client-id", "etl-app", "--client-secret-file", secretPath, "--base-url", base],
            environment: environment)
        let sent = try #require(try await Self.get(try pasted.authorizeURL()).location)
        try pasted.paste(sent)
        let second = pasted.finish()
        outputs.append(second)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        // 3. whoami and an import with the profiles, with no token in the environment.
        let whoami = try CommandRunner.run(["whoami", "--profile", "pasted"], environment: environment)
        outputs.append(whoami)
        #expect(whoami.status == 0 && whoami.stdout.contains("admin@sandbox.example"), "\(whoami.stderr)")
        #expect(whoami.stderr.contains("credentials: profile 'pasted' (--profile)"), "\(whoami.stderr)")
        let input = try temporaryFile(
            named: "people.csv", contents: Data("email,name\nann@oauth.example,Ann\nbo@oauth.example,Bo\n".utf8))
        let mapping = (input as NSString).deletingLastPathComponent + "/m.yml"
        try Data("role: user\nmatch: email\nfields:\n  email: email\n  name: name\n".utf8).write(
            to: URL(fileURLWithPath: mapping))
        let state = (input as NSString).deletingLastPathComponent + "/sync.state"
        let imported = try CommandRunner.run(
            ["import", input, "--mapping", mapping, "--profile", "listened", "--state", state], environment: environment
        )
        outputs.append(imported)
        #expect(imported.status == 0 && imported.stdout.contains("created:         2"), "\(imported.stdout)")
        // The state is bound to the workspace, not to the token: the other profile of the same workspace uses it.
        let again = try CommandRunner.run(
            ["import", input, "--mapping", mapping, "--profile", "pasted", "--state", state], environment: environment)
        outputs.append(again)
        #expect(again.status == 0 && again.stdout.contains("created:         0"), "\(again.stdout)\(again.stderr)")
        let found = try CommandRunner.run(
            ["contacts", "list", "--email", "bo@oauth.example", "--profile", "listened"], environment: environment)
        outputs.append(found)
        #expect(found.stdout.contains("\"name\":\"Bo\""), "\(found.stdout)\(found.stderr)")
        let status = try CommandRunner.run(["auth", "status"], environment: environment)
        outputs.append(status)
        #expect(status.status == 0 && status.stdout.components(separatedBy: "token works").count == 3, "\(status)")
        // Files: a 0700 folder, 0600 token files; no token or secret anywhere but in the token files.
        let folder = config + "/intercom-etl"
        #expect(Self.mode(folder) == 0o700 && Self.mode(folder + "/tokens") == 0o700)
        #expect(Self.mode(folder + "/tokens/listened") == 0o600 && Self.mode(folder + "/tokens/pasted") == 0o600)
        let tokens = Self.files(under: folder + "/tokens").map {
            $0.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(tokens.count == 2 && tokens.allSatisfy { $0.count > 10 } && Set(tokens).count == 2)
        // Logging out forgets the profile and deletes its token file.
        let logout = try CommandRunner.run(["auth", "logout", "--profile", "pasted"], environment: environment)
        outputs.append(logout)
        #expect(logout.status == 0 && !FileManager.default.fileExists(atPath: folder + "/tokens/pasted"))
        let after = try CommandRunner.run(["auth", "status"], environment: environment)
        outputs.append(after)
        #expect(after.stdout.contains("listened:") && !after.stdout.contains("pasted:"), "\(after.stdout)")
        let gone = try CommandRunner.run(["whoami", "--profile", "pasted"], environment: environment)
        #expect(gone.status == 78 && gone.stderr.contains("no profile 'pasted'"), "\(gone.stderr)")
        for secret in tokens + [Self.secret] {
            for output in outputs {
                #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret))
            }
            for file in Self.files(under: folder) where !file.path.contains("/tokens/") {
                #expect(!file.text.contains(secret), "\(file.path)")
            }
        }
    }

    @Test func aWrongStateAReusedCodeAndAWrongSecretFailAndStoreNothing() async throws {
        let (sandbox, base) = try CommandRunner.startSandboxURL(["--oauth-client", "etl-app:\(Self.secret)"])
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let (environment, config) = try Self.environment()
        let arguments = ["--client-id", "etl-app", "--client-secret-file", try Self.secretFile(), "--base-url", base]
        func login(_ profile: String, _ extra: [String] = [], paste: (String) -> String) async throws
            -> CommandRunner.Output
        {
            let running = try RunningLogin(["--profile", profile] + arguments + extra, environment: environment)
            let sent = try #require(try await Self.get(try running.authorizeURL()).location)
            try running.paste(paste(sent))
            return running.finish()
        }
        // A redirect with another state (a forged link, another attempt): refused before any exchange.
        var used = ""
        let forged = try await login("forged") { sent in
            used = sent
            return sent.replacingOccurrences(of: "state=", with: "state=0")
        }
        #expect(forged.status != 0 && forged.stderr.contains("state does not match"), "\(forged.stderr)")
        #expect(forged.stderr.contains("nothing was stored"))
        // That code was never exchanged: a login that gets it with its own state succeeds; a second use fails.
        let good = try await login("good") { $0 }
        #expect(good.status == 0, "\(good.stderr)")
        let code = URLComponents(string: used)?.queryItems?.first { $0.name == "code" }?.value ?? ""
        let first = try await login("first-use") { sent in
            sent.replacingOccurrences(of: #"code=[^&]+"#, with: "code=\(code)", options: .regularExpression)
        }
        #expect(first.status == 0, "\(first.stderr)")
        let reused = try await login("reused") { sent in
            sent.replacingOccurrences(of: #"code=[^&]+"#, with: "code=\(code)", options: .regularExpression)
        }
        #expect(reused.status != 0 && reused.stderr.contains("already exchanged"), "\(reused.stderr)")
        // A wrong secret: the exchange is refused.
        let wrongSecret = try RunningLogin(
            [
                "--profile", "wrong-secret", "--client-id", "etl-app", "--client-secret-file",
                try Self.secretFile("nope"),
                "--base-url", base,
            ], environment: environment)
        try wrongSecret.paste(try #require(try await Self.get(try wrongSecret.authorizeURL()).location))
        let refused = wrongSecret.finish()
        #expect(refused.status == 3 && refused.stderr.contains("client_secret is not this app's"), "\(refused.stderr)")
        // Only the good logins are stored.
        let stored = Self.files(under: config + "/intercom-etl/tokens").map { ($0.path as NSString).lastPathComponent }
        #expect(stored.sorted() == ["first-use", "good"])
        let status = try CommandRunner.run(["auth", "status"], environment: environment)
        #expect(
            !status.stdout.contains("forged") && !status.stdout.contains("reused") && !status.stdout.contains("wrong"))
    }

    @Test func exposedTokenFilesAreRefusedOrWarnedAndTheCredentialUsedIsNamed() async throws {
        let (sandbox, base) = try CommandRunner.startSandboxURL()
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        var (environment, config) = try Self.environment()
        let tokenFile = try temporaryFile(named: "token", contents: Data("sandbox-token\n".utf8))
        chmod(tokenFile, 0o600)
        let stored = try CommandRunner.run(
            ["auth", "login", "--profile", "default", "--token-file", tokenFile, "--base-url", base],
            environment: environment)
        #expect(stored.status == 0, "\(stored.stderr)")
        // The profile named default is used when nothing else is set.
        let plain = try CommandRunner.run(["whoami"], environment: environment)
        #expect(plain.status == 0 && plain.stderr.contains("credentials: profile 'default'"), "\(plain.stderr)")
        // A leftover variable loses to --profile, and both are named.
        environment["INTERCOM_ACCESS_TOKEN"] = "a-leftover-token"
        let both = try CommandRunner.run(["whoami", "--profile", "default"], environment: environment)
        #expect(both.status == 0, "\(both.stderr)")
        #expect(
            both.stderr.contains(
                "credentials: profile 'default' (--profile); also set, not used: INTERCOM_ACCESS_TOKEN"),
            "\(both.stderr)")
        #expect(!both.stderr.contains("a-leftover-token"))
        // The variable beats INTERCOM_PROFILE, and says so.
        environment["INTERCOM_PROFILE"] = "default"
        let variable = try CommandRunner.run(["whoami", "--base-url", base], environment: environment)
        #expect(variable.status == 3, "the leftover token is refused by the sandbox: \(variable.stderr)")
        #expect(variable.stderr.contains("credentials: INTERCOM_ACCESS_TOKEN; also set, not used: profile 'default'"))
        environment["INTERCOM_ACCESS_TOKEN"] = nil
        environment["INTERCOM_PROFILE"] = nil
        // A profile's token file that others can read is refused, with the fix.
        let profileToken = config + "/intercom-etl/tokens/default"
        chmod(profileToken, 0o644)
        let exposed = try CommandRunner.run(["whoami", "--profile", "default"], environment: environment)
        #expect(exposed.status == 78 && exposed.stderr.contains("chmod 600 '\(profileToken)'"), "\(exposed.stderr)")
        // A --token-file that others can read still works, with a warning.
        chmod(tokenFile, 0o644)
        let warned = try CommandRunner.run(
            ["whoami", "--token-file", tokenFile, "--base-url", base], environment: environment)
        #expect(warned.status == 0 && warned.stderr.contains("warning: \(tokenFile) can be read by others"))
    }
}
