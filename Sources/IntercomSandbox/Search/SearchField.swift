import JSONText

/// A field that search can filter and sort on, with its type.
struct SearchField: Sendable {
    enum FieldType: String, Sendable {
        case string
        case integer
        case float
        case boolean
        case date

        /// The operators Intercom documents for each type.
        func allows(_ op: SearchFilter.Operator) -> Bool {
            switch self {
            case .string:
                [.equal, .notEqual, .isIn, .notIn, .contains, .notContains, .startsWith, .endsWith].contains(op)
            case .boolean: [.equal, .notEqual, .isIn, .notIn].contains(op)
            case .integer, .float:
                [.equal, .notEqual, .isIn, .notIn, .greater, .less, .greaterOrEqual, .lessOrEqual].contains(op)
            case .date: [.equal, .greater, .less].contains(op)
            }
        }
    }

    let name: String
    let type: FieldType
    /// Email matching ignores case (Intercom does not document it; the CLI lower-cases emails anyway).
    var caseInsensitive: Bool { name == "email" || name == "email_domain" }

    private static let standard: [String: FieldType] = [
        "id": .string, "role": .string, "name": .string, "avatar": .string, "email": .string,
        "email_domain": .string, "phone": .string, "formatted_phone": .string, "external_id": .string,
        "language_override": .string, "browser": .string, "browser_language": .string, "os": .string,
        "location.country": .string, "location.region": .string, "location.city": .string,
        "owner_id": .integer, "segment_id": .string, "tag_id": .string,
        "created_at": .date, "signed_up_at": .date, "updated_at": .date, "last_seen_at": .date,
        "last_contacted_at": .date, "last_replied_at": .date, "last_email_opened_at": .date,
        "last_email_clicked_at": .date,
        "unsubscribed_from_emails": .boolean, "marked_email_as_spam": .boolean, "has_hard_bounced": .boolean,
    ]

    init?(name: String, customAttributes: [String: DataAttribute]) {
        self.name = name
        if let type = SearchField.standard[name] {
            self.type = type
        } else if name.hasPrefix("custom_attributes."),
            let attribute = customAttributes[String(name.dropFirst("custom_attributes.".count))]
        {
            switch attribute.dataType {
            case .string, .options: type = .string
            case .integer: type = .integer
            case .float: type = .float
            case .boolean: type = .boolean
            case .date, .datetime: type = .date
            }
        } else {
            return nil
        }
    }

    /// The contact's value of this field; nil when unset.
    func value(of contact: Contact) -> SearchValue? {
        func text(_ value: String?) -> SearchValue? { value.map(SearchValue.text) }
        func number(_ value: Int?) -> SearchValue? { value.map { .number(Double($0)) } }
        switch name {
        case "id": return .text(contact.id)
        case "role": return .text(contact.role)
        case "name": return text(contact.name)
        case "avatar": return text(contact.avatar)
        case "email": return text(contact.email)
        case "email_domain": return text(contact.emailDomain)
        case "phone", "formatted_phone": return text(contact.phone)
        case "external_id": return text(contact.externalID)
        case "owner_id": return number(contact.ownerID)
        case "created_at": return number(contact.createdAt)
        case "updated_at": return number(contact.updatedAt)
        case "signed_up_at": return number(contact.signedUpAt)
        case "last_seen_at": return number(contact.lastSeenAt)
        case "unsubscribed_from_emails": return .flag(contact.unsubscribedFromEmails)
        case "marked_email_as_spam": return .flag(contact.markedEmailAsSpam)
        case "has_hard_bounced": return .flag(contact.hasHardBounced)
        default:
            guard name.hasPrefix("custom_attributes.") else { return nil }
            let key = String(name.dropFirst("custom_attributes.".count))
            guard let value = contact.customAttributes[key] else { return nil }
            return SearchValue(value, as: type)
        }
    }
}
