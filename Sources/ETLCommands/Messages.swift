import ArgumentParser
import ContactIO
import IntercomAPI
import JSONText

extension IntercomETL {
    /// `intercom-etl messages send`.
    struct Messages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send messages from an admin to a contact.", subcommands: [Send.self])
    }
}

extension IntercomETL.Messages {
    struct Send: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(abstract: "Send an in-app message or an email to a contact.")

        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case inApp = "in-app"
            case email
        }

        enum Template: String, ExpressibleByArgument, CaseIterable {
            case plain
            case personal
        }

        @Option(help: "in-app or email.")
        var type: Kind

        @Option(help: "The message text.")
        var body: String

        @Option(help: "The subject (email only, and required there).")
        var subject: String?

        @Option(help: "plain or personal.")
        var template: Template = .plain

        @Option(help: "The id of the admin sending it (see whoami). Default: the token's own admin (GET /me).")
        var from: String?

        @Option(help: "The Intercom id of the contact receiving it.")
        var to: String

        @Option(name: .customLong("to-role"), help: "user or lead.")
        var toRole: ContactRole = .user

        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            if type == .email && (subject ?? "").isEmpty {
                throw ValidationError("an email needs --subject")
            }
            if body.isEmpty { throw ValidationError("--body cannot be empty") }
        }

        func run() async throws {
            var message: JSONObject = [
                "message_type": .string(type == .email ? "email" : "inapp"),
                "body": .string(body), "template": .string(template.rawValue),
                "to": .object(["type": .string(toRole.rawValue), "id": .string(to)]),
            ]
            if let subject, type == .email { message["subject"] = .string(subject) }
            let request = message
            let from = self.from
            printJSON(
                try await connection.withClient { client throws(IntercomError) in
                    var request = request
                    // Without --from, the message is sent as the admin the token belongs to.
                    let sender: String
                    if let from {
                        sender = from
                    } else if let id = try await client.me()["id"]?.stringValue {
                        sender = id
                    } else {
                        throw IntercomError(.configuration, message: "GET /me named no admin: pass --from ADMIN_ID")
                    }
                    request["from"] = .object([
                        "type": .string("admin"), "id": Int(sender).map { .number(String($0)) } ?? .string(sender),
                    ])
                    return try await client.sendMessage(request)
                })
        }
    }
}

extension IntercomETL {
    /// `intercom-etl whoami`: checks the token.
    struct Whoami: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(
            abstract: "Check the token and print the admin and workspace it belongs to.")

        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            printJSON(try await connection.withClient { client throws(IntercomError) in try await client.me() })
            // Which credential answered, always: with several set, the wrong one must not go unnoticed.
            if let credentials = try? connection.credentials(), credentials.unused.isEmpty {
                StandardStreams.printError(credentials.description)
            }
        }
    }
}
