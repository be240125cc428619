import Foundation
import JSONText

/// A contact as Intercom returned it: the fields the tool uses, typed, and the whole object as sent.
///
/// Decoding is lenient where Intercom varies by version (`owner_id` integer or string, `avatar` string or object,
/// unknown keys ignored) and strict where it matters (`id`, `role`, `created_at`, `updated_at`).
public struct IntercomContact: Sendable, Equatable {
    public var id: String
    public var role: String
    public var externalID: String?
    public var email: String?
    public var phone: String?
    public var name: String?
    public var avatarURL: String?
    public var ownerID: String?
    public var unsubscribedFromEmails: Bool
    public var createdAt: Int
    public var updatedAt: Int
    public var signedUpAt: Int?
    public var lastSeenAt: Int?
    public var customAttributes: JSONObject
    /// The object exactly as received (NDJSON export writes it as it is).
    public var raw: JSONValue

    /// - Throws: ``IntercomError`` `.invalidResponse` naming the missing or mistyped field.
    public init(json: JSONValue) throws(IntercomError) {
        func fail(_ field: String) -> IntercomError {
            IntercomError(.invalidResponse, message: "a contact without a valid '\(field)'")
        }
        func string(_ key: String) -> String? {
            switch json[key] {
            case .string(let text)?: text.isEmpty ? nil : text
            case .number(let text)?: text
            default: nil
            }
        }
        func integer(_ key: String) -> Int? { json[key]?.int64Value.map(Int.init) }
        guard case .object = json else {
            throw IntercomError(.invalidResponse, message: "a contact that is not an object")
        }
        guard let id = json["id"]?.stringValue, !id.isEmpty else { throw fail("id") }
        guard let role = json["role"]?.stringValue, role == "user" || role == "lead" else { throw fail("role") }
        guard let created = integer("created_at") else { throw fail("created_at") }
        guard let updated = integer("updated_at") else { throw fail("updated_at") }
        self.id = id
        self.role = role
        externalID = string("external_id")
        email = string("email")
        phone = string("phone")
        name = string("name")
        switch json["avatar"] {
        case .string(let url)?: avatarURL = url
        case .object?: avatarURL = json["avatar"]?["image_url"]?.stringValue
        default: avatarURL = nil
        }
        ownerID = string("owner_id")
        unsubscribedFromEmails = json["unsubscribed_from_emails"] == .bool(true)
        createdAt = created
        updatedAt = updated
        signedUpAt = integer("signed_up_at")
        lastSeenAt = integer("last_seen_at")
        if case .object(let custom)? = json["custom_attributes"] {
            customAttributes = custom
        } else {
            customAttributes = JSONObject()
        }
        raw = json
    }
}

/// One page of a contact list or search.
public struct ContactPage: Sendable {
    public var contacts: [IntercomContact]
    public var totalCount: Int?
    /// The cursor of the next page; nil on the last one.
    public var nextCursor: String?
    /// Each contact's JSON exactly as received, in the order of `contacts` (empty when not known).
    public var rawContacts: [ArraySlice<UInt8>] = []
    /// Contacts to write as these values instead (an export's completed tag and company lists), by index.
    public var replacements: [Int: JSONValue] = [:]

    public init(
        contacts: [IntercomContact], totalCount: Int?, nextCursor: String?, rawContacts: [ArraySlice<UInt8>] = []
    ) {
        self.contacts = contacts
        self.totalCount = totalCount
        self.nextCursor = nextCursor
        self.rawContacts = rawContacts
    }

    /// The JSON text of the contact at `index` as received, when it is known and holds no line break (so that it can
    /// be one NDJSON line as it is).
    public func rawLine(at index: Int) -> ArraySlice<UInt8>? {
        guard index < rawContacts.count, replacements[index] == nil else { return nil }
        let raw = rawContacts[index]
        let broken = raw.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 0x0A, bytes.count) != nil || memchr(base, 0x0D, bytes.count) != nil
        }
        return broken ? nil : raw
    }
}
