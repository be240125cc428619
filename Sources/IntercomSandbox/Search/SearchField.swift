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

    /// Which of the contact's values the field is, decided once when the query is parsed (not for every contact a
    /// search tests).
    enum Key: Sendable, Equatable {
        case id, role, name, avatar, email, emailDomain, phone, externalID, ownerID
        case createdAt, updatedAt, signedUpAt, lastSeenAt
        case unsubscribed, markedSpam, hardBounced
        case custom(String)
        case unset
    }

    let name: String
    let type: FieldType
    let key: Key
    /// Email matching ignores case (Intercom does not document it; the CLI lower-cases emails anyway).
    let caseInsensitive: Bool

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
        caseInsensitive = name == "email" || name == "email_domain"
        key = Self.key(name)
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

    private static func key(_ name: String) -> Key {
        switch name {
        case "id": .id
        case "role": .role
        case "name": .name
        case "avatar": .avatar
        case "email": .email
        case "email_domain": .emailDomain
        case "phone", "formatted_phone": .phone
        case "external_id": .externalID
        case "owner_id": .ownerID
        case "created_at": .createdAt
        case "updated_at": .updatedAt
        case "signed_up_at": .signedUpAt
        case "last_seen_at": .lastSeenAt
        case "unsubscribed_from_emails": .unsubscribed
        case "marked_email_as_spam": .markedSpam
        case "has_hard_bounced": .hardBounced
        default:
            name.hasPrefix("custom_attributes.") ? .custom(String(name.dropFirst("custom_attributes.".count))) : .unset
        }
    }

    /// The contact's value of this field; nil when unset.
    func value(of contact: Contact) -> SearchValue? {
        withUnsafePointer(to: contact) { value(of: $0) }
    }

    /// The value of this field of the contact at `contact`, read where it lies.
    func value(of pointer: UnsafePointer<Contact>) -> SearchValue? {
        func text(_ value: String?) -> SearchValue? { value.map(SearchValue.text) }
        func number(_ value: Int?) -> SearchValue? { value.map { .number(Double($0)) } }
        switch key {
        case .id: return .text(pointer.pointee.id)
        case .role: return .text(pointer.pointee.role)
        case .name: return text(pointer.pointee.name)
        case .avatar: return text(pointer.pointee.avatar)
        case .email: return text(pointer.pointee.email)
        case .emailDomain: return text(pointer.pointee.emailDomain)
        case .phone: return text(pointer.pointee.phone)
        case .externalID: return text(pointer.pointee.externalID)
        case .ownerID: return number(pointer.pointee.ownerID)
        case .createdAt: return number(pointer.pointee.createdAt)
        case .updatedAt: return number(pointer.pointee.updatedAt)
        case .signedUpAt: return number(pointer.pointee.signedUpAt)
        case .lastSeenAt: return number(pointer.pointee.lastSeenAt)
        case .unsubscribed: return .flag(pointer.pointee.unsubscribedFromEmails)
        case .markedSpam: return .flag(pointer.pointee.markedEmailAsSpam)
        case .hardBounced: return .flag(pointer.pointee.hasHardBounced)
        case .custom(let key):
            guard let value = pointer.pointee.customAttributes[key] else { return nil }
            return SearchValue(value, as: type)
        case .unset: return nil
        }
    }
}
