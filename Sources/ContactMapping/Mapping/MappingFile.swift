/// A mapping file: how the columns of one export become Intercom contacts.
///
/// ```yaml
/// role: user                      # user | lead | {column: Type, map: {Customer: user, Prospect: lead}, default: lead}
/// match: email                    # the key that identifies a contact: email | external_id | id
/// empty: skip                     # an empty cell sends nothing (skip) or clears the field in Intercom (clear)
/// fields:
///   email: {column: Email, transforms: [trim, lower]}
///   external_id: {column: Record ID}
///   name: {concat: [First Name, Last Name], separator: " "}
///   phone: {column: Phone Number, country: US, invalid: skip, extension_to: phone_ext}
///   signed_up_at: {column: Create Date, date: [iso8601, MM/dd/yyyy]}
///   unsubscribed_from_emails: {column: Opted Out, map: {Yes: "true", No: "false"}}
///   owner_id: {constant: "512"}
/// custom_attributes:
///   plan: {column: Plan, type: string, transforms: [lower], default: free}
///   seats: {column: Seats, type: integer}
/// tags: [imported-2026-12, {column: Tags, separator: ";"}]
/// company:
///   company_id: {from: name, slug: true}   # or a column
///   name: {column: Company Name}
///   size: {column: Employees}
///   separator: ";"                        # a cell may name several companies (company_id and name only)
/// ```
public struct MappingFile: Sendable {
    /// The standard contact fields a mapping can fill, with the type each must have.
    public static let contactFields: [String: ValueType] = [
        "email": .email, "external_id": .string, "name": .string, "phone": .phone, "avatar": .url,
        "signed_up_at": .date, "last_seen_at": .date, "owner_id": .integer, "unsubscribed_from_emails": .boolean,
        "id": .string,
    ]

    /// The company fields a mapping's `company:` can fill (Intercom's `POST /companies`), with their types.
    public static let companyFields: [String: ValueType] = [
        "company_id": .string, "name": .string, "plan": .string, "size": .integer, "website": .url,
        "industry": .string, "monthly_spend": .float,
    ]

    /// Where a rule's value goes.
    public enum Target: String, Sendable {
        /// The contact's payload (a standard field, or a custom attribute).
        case contact
        /// A tag name (or several, split at the rule's separator) for the contact.
        case tag
        /// A field of the contact's company (or companies) (`company_id`, `name`, …, or a company custom attribute).
        case company
    }

    /// What a value must be to be sent.
    public enum ValueType: String, Sendable, CaseIterable {
        case string
        case integer
        case float
        case boolean
        case date
        case email
        case phone
        case url
    }

    public enum MatchKey: String, Sendable, CaseIterable {
        case email
        case externalID = "external_id"
        case id
    }

    public enum EmptyCells: String, Sendable {
        /// An empty cell sends nothing, so an import never blanks data in Intercom by accident.
        case skip
        /// An empty cell sends null, clearing the field.
        case clear
    }

    /// Where a value comes from.
    public enum Source: Sendable, Equatable {
        case column(String)
        case constant(String)
        /// The non-empty values of several columns, joined (first + last name).
        case concat([String], separator: String)
        /// The first of several columns whose cell is not blank (a work email, else a private one).
        case coalesce([String])

        /// The columns the source reads, in order (none for a constant).
        public var columns: [String] {
            switch self {
            case .column(let column): [column]
            case .concat(let columns, _), .coalesce(let columns): columns
            case .constant: []
            }
        }
    }

    public enum TextTransform: String, Sendable, CaseIterable {
        case trim
        case lower
        case upper
    }

    /// How one contact field or custom attribute is filled.
    public struct Rule: Sendable {
        /// `email`, `signed_up_at`, … or a custom attribute's name.
        public var name: String
        public var isCustomAttribute: Bool
        public var type: ValueType
        public var source: Source
        public var transforms: [TextTransform] = []
        /// Used when the value is empty after the transforms.
        public var defaultValue: String?
        /// Exact replacements applied after the transforms ("Yes" → "true").
        public var valueMap: [String: String] = [:]
        /// For phones: the region of numbers written without their calling code (`country: DE`).
        public var region: PhoneRegion?
        /// For phones: the column that names each row's country (an ISO code or a name); ``region`` is the fallback
        /// for a row whose cell is empty or names no country.
        public var regionColumn: String?
        /// For phones: the custom attribute that gets a number's extension (`extension_to: phone_ext`); without one,
        /// extensions are not sent and are counted.
        public var extensionTo: String?
        /// This rule gives the extension of the phone rule it was made from (the custom attribute of
        /// ``extensionTo``), not the number.
        public var takesExtension = false
        /// `invalid: skip`: a value that fails the rule is left out and the contact sent without it (a warning);
        /// otherwise (`invalid: reject`, the default) the row is rejected.
        public var skipsInvalid = false
        /// For dates: the time zone of timestamps written without an offset (`timezone: Europe/Berlin`); UTC when
        /// nil.
        public var timeZone: String?
        /// For dates: the formats to try, in order.
        public var dateFormats: [DateFormat] = [.iso8601, .epoch]
        /// The line of the rule in the mapping file, for messages.
        public var line: Int?
        /// Where the value goes: the contact, its tags or its companies.
        public var target = Target.contact
        /// Tags and companies: a cell names several, split at this separator (each piece trimmed; blank ones
        /// ignored).
        public var listSeparator: String?
        /// A company id made from the name (`company_id: {from: name, slug: true}`): the same name always gives the
        /// same id.
        public var slug = false
    }

    /// How the role is chosen.
    public enum RoleRule: Sendable {
        case fixed(String)
        case column(String, map: [String: String], defaultRole: String?)
    }

    public var path: String
    public var role: RoleRule = .fixed("user")
    public var match: MatchKey = .email
    public var empty: EmptyCells = .skip
    public var rules: [Rule] = []

    /// The rules of the contact's own fields and custom attributes (not its tags and companies).
    public var contactRules: [Rule] { rules.filter { $0.target == .contact } }

    /// The columns the mapping reads, for checking them against a header.
    public var columns: [(String, Int?)] {
        var result: [(String, Int?)] = []
        if case .column(let column, _, _) = role { result.append((column, nil)) }
        for rule in rules {
            if let column = rule.regionColumn { result.append((column, rule.line)) }
            result += rule.source.columns.map { ($0, rule.line) }
        }
        return result
    }
}
