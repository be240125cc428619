import ArgumentParser
import ContactIO
import ContactSync
import IntercomAPI
import JSONText

extension IntercomETL {
    /// `intercom-etl contacts …`: the single-contact actions.
    struct Contacts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, update, get, delete, list and search single contacts.",
            discussion: """
                Output is the contact JSON as Intercom returns it (indented on a terminal, one line otherwise). \
                Exit codes: 0 done, 3 authentication failed, 4 not found, 5 conflict, 6 rate limit exhausted, \
                7 server or network failure, 8 a value was refused, 64 bad flags, 78 no token or a refused base URL.
                """,
            subcommands: [Create.self, Update.self, Get.self, Delete.self, List.self, Search.self]
        )
    }
}

/// The writable contact fields, shared by create and update.
struct ContactFieldOptions: ParsableArguments {
    @Option(help: "Email address.")
    var email: String?

    @Option(name: .customLong("external-id"), help: "Your own unique id for the contact (a user's user_id).")
    var externalID: String?

    @Option(help: "Full name.")
    var name: String?

    @Option(help: "Phone number in international format, starting with '+'.")
    var phone: String?

    @Option(help: "Avatar image URL (http or https).")
    var avatar: String?

    func validate() throws {
        if let phone, !phone.hasPrefix("+") {
            throw ValidationError(
                "--phone must start with '+' and the country code, e.g. +14155550123 (got '\(phone)')")
        }
        if let avatar, !(avatar.hasPrefix("https://") || avatar.hasPrefix("http://")) {
            throw ValidationError("--avatar must be an http(s) URL (got '\(avatar)')")
        }
    }

    var fields: JSONObject {
        var object = JSONObject()
        if let email { object["email"] = .string(email.trimmingSpaces().lowercased()) }
        if let externalID { object["external_id"] = .string(externalID) }
        if let name { object["name"] = .string(name) }
        if let phone { object["phone"] = .string(phone) }
        if let avatar { object["avatar"] = .string(avatar) }
        return object
    }
}

enum ContactRole: String, ExpressibleByArgument, CaseIterable {
    case user
    case lead
}

extension IntercomETL.Contacts {
    struct Create: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(
            abstract: "Create a contact (a user needs an email or an external ID).")

        @Option(help: "user or lead.")
        var role: ContactRole

        @OptionGroup var fields: ContactFieldOptions
        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            if role == .user && fields.email == nil && fields.externalID == nil {
                throw ValidationError(
                    "a user contact requires an email or an external ID; supply one, or set role to lead")
            }
        }

        func run() async throws {
            var body = fields.fields
            body.members.insert(JSONObject.Member(key: "role", value: .string(role.rawValue)), at: 0)
            let sent = body
            let contact = try await connection.withClient { client throws(IntercomError) in
                // A retry after a lost answer that meets the contact the first attempt created returns it.
                try await client.createContact(sent) { ContactDiff.changes(sent, comparedWith: $0).members.isEmpty }
            }
            printJSON(contact.raw)
        }
    }

    struct Update: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(
            abstract: "Update fields of a contact; fields not given are left as they are.")

        @Argument(help: "The contact's Intercom id.")
        var id: String

        @OptionGroup var fields: ContactFieldOptions

        @Option(name: .customLong("unsubscribed-from-emails"), help: "true or false.")
        var unsubscribedFromEmails: Bool?

        @Option(help: "Change the role: only lead to user is allowed by Intercom.")
        var role: ContactRole?

        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            if fields.fields.members.isEmpty && unsubscribedFromEmails == nil && role == nil {
                throw ValidationError("nothing to update: give at least one field")
            }
        }

        func run() async throws {
            var body = fields.fields
            if let unsubscribedFromEmails { body["unsubscribed_from_emails"] = .bool(unsubscribedFromEmails) }
            if let role { body["role"] = .string(role.rawValue) }
            let id = self.id
            let contact = try await connection.withClient { client throws(IntercomError) in
                try await client.updateContact(id: id, body)
            }
            printJSON(contact.raw)
        }
    }

    struct Get: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(abstract: "Print a contact.")

        @Argument(help: "The contact's Intercom id.")
        var id: String

        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let id = self.id
            let contact = try await connection.withClient { client throws(IntercomError) in
                try await client.contact(id: id)
            }
            printJSON(contact.raw)
        }
    }

    struct Delete: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(abstract: "Delete a contact (permanently).")

        @Argument(help: "The contact's Intercom id.")
        var id: String

        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let id = self.id
            printJSON(
                try await connection.withClient { client throws(IntercomError) in try await client.deleteContact(id: id)
                })
        }
    }

    struct List: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(
            abstract: "List one page of contacts (with --email, the contacts with that email).",
            discussion: "The output carries next_cursor; pass it to --starting-after for the next page.")

        @Option(help: "Only contacts with this email (searches).")
        var email: String?

        @Option(name: .customLong("per-page"), help: "Contacts per page, 1 to 150.")
        var perPage = 50

        @Option(name: .customLong("starting-after"), help: "The next_cursor of the previous page.")
        var startingAfter: String?

        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            guard (1...150).contains(perPage) else { throw ValidationError("--per-page must be from 1 to 150") }
        }

        func run() async throws {
            let (email, perPage, startingAfter) = (
                self.email?.trimmingSpaces().lowercased(), self.perPage, self.startingAfter
            )
            let page = try await connection.withClient { client throws(IntercomError) in
                if let email {
                    return try await client.searchContacts(
                        query: .object(["field": .string("email"), "operator": .string("="), "value": .string(email)]),
                        perPage: perPage, startingAfter: startingAfter)
                }
                return try await client.listContacts(perPage: perPage, startingAfter: startingAfter)
            }
            printJSON(page.json)
        }
    }

    struct Search: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(abstract: "Find contacts by email or by external ID.")

        @Option(help: "The email to look for.")
        var email: String?

        @Option(name: .customLong("external-id"), help: "The external ID to look for.")
        var externalID: String?

        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            guard (email == nil) != (externalID == nil) else {
                throw ValidationError("give exactly one of --email and --external-id")
            }
        }

        func run() async throws {
            let query: JSONValue =
                if let email {
                    .object([
                        "field": .string("email"), "operator": .string("="),
                        "value": .string(email.trimmingSpaces().lowercased()),
                    ])
                } else {
                    .object([
                        "field": .string("external_id"), "operator": .string("="), "value": .string(externalID ?? ""),
                    ])
                }
            let page = try await connection.withClient { client throws(IntercomError) in
                try await client.searchContacts(query: query)
            }
            printJSON(page.json)
        }
    }
}

extension ContactPage {
    /// The page as printed: the contacts as Intercom sent them, the total, and the cursor of the next page.
    var json: JSONValue {
        .object([
            "type": .string("list"), "data": .array(contacts.map(\.raw)),
            "total_count": totalCount.map { .number(String($0)) } ?? .null,
            "next_cursor": nextCursor.map(JSONValue.string) ?? .null,
        ])
    }
}
