import JSONText

/// The fields a create or update request sets, validated; a field absent from the request is nil, an explicit
/// JSON null is `.some(nil)`.
struct ContactChanges: Sendable {
    var role: String?
    var externalID: String??
    var email: String??
    var phone: String??
    var name: String??
    var avatar: String??
    var ownerID: Int??
    var unsubscribedFromEmails: Bool?
    var signedUpAt: Int??
    var lastSeenAt: Int??
    var customAttributes: [(String, JSONValue)] = []

    /// Reads and validates a request body against the workspace's attributes.
    /// - Throws: ``IntercomAPIError`` 400 with Intercom's messages where they are known; the others (marked
    ///   emulator-defined in the README) follow Intercom's `parameter_invalid` pattern.
    init(body: JSONValue, customAttributes attributes: [String: DataAttribute], adminIDs: Set<Int>) throws {
        guard case .object(let object) = body else {
            throw IntercomAPIError.invalid("The request body must be a JSON object")
        }
        for member in object.members {
            let value = member.value
            switch member.key {
            case "role":
                guard case .string(let role) = value, role == "user" || role == "lead" else {
                    throw IntercomAPIError.invalid("Role must be one of: user, lead", field: "role")
                }
                self.role = role
            case "external_id":
                switch value {
                case .null: externalID = .some(nil)
                case .string(let text): externalID = text.isEmpty ? .some(nil) : text
                case .number(let text): externalID = text
                default: throw IntercomAPIError.invalid("External ID must be a string", field: "external_id")
                }
            case "email":
                let text = try Self.optionalString(value, field: "email")
                if let text, !text.isEmpty, !Self.looksLikeEmail(text) {
                    throw IntercomAPIError.invalid("Email is invalid", field: "email")
                }
                email = .some(text.flatMap { $0.isEmpty ? nil : $0 })
            case "phone": phone = .some(try Self.optionalString(value, field: "phone"))
            case "name": name = .some(try Self.optionalString(value, field: "name"))
            case "avatar":
                let text = try Self.optionalString(value, field: "avatar")
                if let text, !(text.hasPrefix("https://") || text.hasPrefix("http://")) {
                    throw IntercomAPIError.invalid("Avatar must be a URL", field: "avatar")
                }
                avatar = .some(text)
            case "owner_id":
                if value == .null {
                    ownerID = .some(nil)
                } else {
                    let owner: Int? =
                        switch value {
                        case .number(let text): Int(text)
                        case .string(let text): Int(text)
                        default: nil
                        }
                    guard let owner, adminIDs.contains(owner) else {
                        throw IntercomAPIError.invalid("The owner specified is not a member of the workspace")
                    }
                    ownerID = owner
                }
            case "unsubscribed_from_emails":
                // Nullable in the spec. Null changes nothing: reading it as "subscribed" would make people who
                // opted out emailable again.
                if value == .null { continue }
                guard case .bool(let flag) = value else {
                    throw IntercomAPIError.invalid(
                        "Unsubscribed from emails must be a boolean", field: "unsubscribed_from_emails")
                }
                unsubscribedFromEmails = flag
            case "signed_up_at": signedUpAt = .some(try Self.optionalTimestamp(value, field: "signed_up_at"))
            case "last_seen_at": lastSeenAt = .some(try Self.optionalTimestamp(value, field: "last_seen_at"))
            case "custom_attributes":
                // Nullable in the spec: null sets no custom attribute.
                if value == .null { continue }
                guard case .object(let custom) = value else {
                    throw IntercomAPIError.invalid("Custom attributes must be an object", field: "custom_attributes")
                }
                for attribute in custom.members {
                    guard let definition = attributes[attribute.key] else {
                        throw IntercomAPIError.invalid("Custom attribute '\(attribute.key)' does not exist")
                    }
                    try Self.check(attribute.value, against: definition)
                    customAttributes.append((attribute.key, attribute.value))
                }
            default:
                // Intercom ignores keys it does not know (type, id, workspace_id in an echoed contact, …).
                continue
            }
        }
    }

    /// A practical check: something@something.something, no spaces.
    static func looksLikeEmail(_ text: String) -> Bool {
        guard let at = text.firstIndex(of: "@"), at != text.startIndex, !text.contains(" ") else { return false }
        let domain = text[text.index(after: at)...]
        guard let dot = domain.lastIndex(of: "."), dot != domain.startIndex,
            domain.index(after: dot) != domain.endIndex, !domain.contains("@")
        else { return false }
        return true
    }

    private static func optionalString(_ value: JSONValue, field: String) throws -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        default: throw IntercomAPIError.invalid("\(field.capitalized) must be a string", field: field)
        }
    }

    private static func optionalTimestamp(_ value: JSONValue, field: String) throws -> Int? {
        switch value {
        case .null: return nil
        case .number(let text):
            if let seconds = Int(text) { return seconds }
        default: break
        }
        throw IntercomAPIError.invalid("\(field) must be a UNIX timestamp in seconds", field: field)
    }

    static func check(_ value: JSONValue, against attribute: DataAttribute) throws {
        let ok: Bool
        switch (attribute.dataType, value) {
        case (_, .null): ok = true
        case (.string, .string), (.options, .string): ok = true
        case (.integer, .number(let text)), (.date, .number(let text)), (.datetime, .number(let text)):
            ok = Int64(text) != nil
        case (.float, .number): ok = true
        case (.boolean, .bool): ok = true
        default: ok = false
        }
        guard ok else {
            throw IntercomAPIError.invalid(
                "Custom attribute '\(attribute.name)' must be of type \(attribute.dataType.rawValue)",
                field: "custom_attributes.\(attribute.name)")
        }
    }
}
