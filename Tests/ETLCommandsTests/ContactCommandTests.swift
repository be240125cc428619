import ContactIO
import Foundation
import Hummingbird
import HummingbirdTesting
import IntercomSandbox
import JSONText
import Testing

/// The single-contact commands, run as the real binary against a sandbox started in this process.
struct ContactCommandTests {
    struct CLI {
        let baseURL: String
        var token: String? = "sandbox-token"

        func run(_ arguments: [String]) async throws -> CommandRunner.Output {
            var environment: [String: String] = [:]
            if let token { environment["INTERCOM_ACCESS_TOKEN"] = token }
            return try await CommandRunner.runAwaiting(arguments + ["--base-url", baseURL], environment: environment)
        }

        func json(_ arguments: [String]) async throws -> JSONValue {
            let output = try await run(arguments)
            guard output.status == 0 else {
                throw SandboxCommandFailure(message: "\(arguments) exited \(output.status): \(output.stderr)")
            }
            return try JSONValue.parse(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    struct SandboxCommandFailure: Error { var message: String }

    func withCLI(_ body: @escaping @Sendable (CLI) async throws -> Void) async throws {
        let app = try buildApplication(configuration: SandboxConfiguration(port: 0, rateLimitPerMinute: 0))
        try await app.test(.live) { client in
            try await body(CLI(baseURL: "http://127.0.0.1:\(try #require(client.port))"))
        }
    }

    @Test func createGetUpdateListSearchDelete() async throws {
        try await withCLI { cli in
            let created = try await cli.json([
                "contacts", "create", "--role", "user", "--email", " Ann@Example.com ", "--name", "Ann",
                "--external-id", "a-1", "--phone", "+15550100",
            ])
            let id = try #require(created["id"]?.stringValue)
            #expect(created["email"] == .string("ann@example.com"))
            #expect(try await cli.json(["contacts", "get", id])["name"] == .string("Ann"))
            let updated = try await cli.json([
                "contacts", "update", id, "--name", "Ann B", "--unsubscribed-from-emails", "true",
            ])
            #expect(updated["name"] == .string("Ann B"))
            #expect(updated["unsubscribed_from_emails"] == .bool(true))
            _ = try await cli.json(["contacts", "create", "--role", "lead", "--name", "Lead"])

            let byEmail = try await cli.json(["contacts", "list", "--email", "ANN@example.com"])
            #expect(byEmail["total_count"] == .number("1"))
            let first = try await cli.json(["contacts", "list", "--per-page", "1"])
            let cursor = try #require(first["next_cursor"]?.stringValue)
            let second = try await cli.json(["contacts", "list", "--per-page", "1", "--starting-after", cursor])
            #expect(second["data"] != first["data"])
            #expect(second["next_cursor"] == .null)
            let search = try await cli.json(["contacts", "search", "--external-id", "a-1"])
            guard case .array(let found)? = search["data"] else { Issue.record("no data"); return }
            #expect(found.first?["id"] == .string(id))

            let deleted = try await cli.json(["contacts", "delete", id])
            #expect(deleted["deleted"] == .bool(true))
            let gone = try await cli.run(["contacts", "get", id])
            #expect(gone.status == 4)
            #expect(gone.stderr.hasPrefix("error: contact not found in this workspace"))
        }
    }

    @Test func conflictsAuthAndMissingTokenHaveTheirOwnExitCodes() async throws {
        try await withCLI { cli in
            let id = try #require(
                await cli.json(["contacts", "create", "--role", "user", "--email", "dup@example.com"])["id"]?
                    .stringValue)
            let conflict = try await cli.run(["contacts", "create", "--role", "user", "--email", "dup@example.com"])
            #expect(conflict.status == 5)
            #expect(
                conflict.stderr.hasPrefix(
                    "error: a contact with this email or external ID already exists (id=\(id)): use update"))

            var wrong = cli
            wrong.token = "revoked-token-value"
            let auth = try await wrong.run(["whoami"])
            #expect(auth.status == 3)
            #expect(
                auth.stderr.hasPrefix("error: authentication failed: the access token is missing, expired or revoked"))
            #expect(!auth.stderr.contains("revoked-token-value"))

            var none = cli
            none.token = nil
            let missing = try await none.run(["whoami"])
            #expect(missing.status == 78)
            #expect(missing.stderr.contains("INTERCOM_ACCESS_TOKEN"))

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
            try Data("sandbox-token\n".utf8).write(to: file)
            let fromFile = try await none.run(["whoami", "--token-file", file.path])
            #expect(fromFile.status == 0)
            #expect(fromFile.stdout.contains("\"type\":\"admin\""))
        }
    }

    @Test func messagesSend() async throws {
        try await withCLI { cli in
            let admin = try #require(await cli.json(["whoami"])["id"]?.stringValue)
            let contact = try #require(
                await cli.json(["contacts", "create", "--role", "user", "--email", "m@example.com"])["id"]?.stringValue)
            let inApp = try await cli.json([
                "messages", "send", "--type", "in-app", "--body", "Hello", "--from", admin, "--to", contact,
            ])
            #expect(inApp["message_type"] == .string("inapp"))
            let email = try await cli.json([
                "messages", "send", "--type", "email", "--subject", "Hi", "--body", "Hello", "--template", "personal",
                "--from", admin, "--to", contact,
            ])
            #expect(email["subject"] == .string("Hi"))
            // Without --from, the token's own admin sends it (GET /me).
            let asMe = try await cli.json(["messages", "send", "--type", "in-app", "--body", "Hi", "--to", contact])
            #expect(asMe["owner"]?["id"] == .string(admin), "\(asMe.jsonText)")
            let stranger = try await cli.run([
                "messages", "send", "--type", "in-app", "--body", "Hello", "--from", admin, "--to",
                "000000000000000000000000",
            ])
            #expect(stranger.status == 4)
        }
    }

    @Test(arguments: [
        (
            ["contacts", "create", "--role", "user", "--name", "x"],
            "a user contact requires an email or an external ID; supply one, or set role to lead"
        ),
        (["contacts", "create", "--role", "lead", "--phone", "555-0100"], "--phone must start with '+'"),
        (["contacts", "list", "--per-page", "151"], "--per-page must be from 1 to 150"),
        (["contacts", "search"], "give exactly one of --email and --external-id"),
        (
            ["messages", "send", "--type", "email", "--body", "b", "--from", "1", "--to", "c"],
            "an email needs --subject"
        ),
        (["whoami", "--token", "abc"], "Unknown option '--token'"),
    ])
    func usageErrorsExit64(arguments: [String], message: String) throws {
        let output = try CommandRunner.run(arguments, environment: ["INTERCOM_ACCESS_TOKEN": "x"])
        #expect(output.status == 64)
        #expect(output.stderr.contains(message), "\(output.stderr)")
    }

    @Test func plainHTTPIsRefusedOffLoopback() throws {
        let output = try CommandRunner.run(
            ["whoami", "--base-url", "http://10.1.2.3:4010"], environment: ["INTERCOM_ACCESS_TOKEN": "x"])
        #expect(output.status == 78)
        #expect(output.stderr.contains("refusing plain http"))
    }
}
