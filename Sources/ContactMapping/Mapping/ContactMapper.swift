import ContactIO

/// Why a row was rejected before any API call.
public enum RejectReason: String, Sendable, CaseIterable {
    case invalidEmail = "invalid_email"
    case invalidPhone = "invalid_phone"
    case invalidURL = "invalid_url"
    case invalidDate = "invalid_date"
    case invalidBoolean = "invalid_boolean"
    case invalidInteger = "invalid_integer"
    case invalidFloat = "invalid_float"
    case invalidRole = "invalid_role"
    case tooLong = "too_long"
    case missingIdentity = "missing_email_or_external_id"
    case missingMatchKey = "missing_match_key"
    case duplicateKey = "duplicate_key"
}

/// A rejected row: which field, its value (shortened) and a reason a person can act on.
public struct FieldReject: Error, Sendable, Equatable {
    public var field: String?
    public var value: String?
    public var reason: RejectReason
    public var message: String
}

/// A row turned into what Intercom is sent.
public struct MappedContact: Sendable, Equatable {
    public var role: String
    /// The value of the mapping's match key (normalised: a lower-case email).
    public var matchKey: String
    /// The create/update body: standard fields, then `custom_attributes`. Fields with empty cells are absent (or
    /// null with `empty: clear`).
    public var payload: JSONObject
}

/// The outcome of mapping one record.
public enum MappingResult: Sendable, Equatable {
    case contact(MappedContact)
    case rejected(FieldReject)
}

/// A mapping bound to one input's columns, applied to every record.
public struct ContactMapper: Sendable {
    /// Intercom's length limit for string values (emails, names, ids, custom strings).
    public static let maxStringLength = 255

    public let mapping: MappingFile
    /// Where a mapped column is: its index in a CSV header, or its key in NDJSON records (keys vary by record).
    enum ColumnReference: Sendable {
        case index(Int)
        case key(String)
    }

    /// Each rule's source columns, resolved once instead of by name on every row.
    let ruleColumns: [[ColumnReference]]
    /// The role column, when the role comes from one.
    let roleColumn: ColumnReference?
    /// The position of the match key's rule.
    let matchRule: Int?
    /// Identifies the mapping in ``sourceFingerprint(_:)`` (see ``mappingFingerprint``).
    let mappingSeed: UInt64
    /// How ``withMatchKey(_:_:)`` reads the key from bytes; nil when only the full path can (NDJSON, value maps).
    let matchPlan: FastPlan?
    /// How `check` validates each rule from bytes; nil when the mapping needs the full path.
    let fastPlans: FastPlans?

    /// Binds `mapping` to a CSV header (or to NDJSON records when `header` is nil).
    /// - Throws: ``MappingError`` naming the mapping line of a column the header does not have.
    public init(mapping: MappingFile, header: [String]?) throws(MappingError) {
        self.mapping = mapping
        matchRule = mapping.rules.firstIndex { !$0.isCustomAttribute && $0.name == mapping.match.rawValue }
        mappingSeed = Self.mappingFingerprint(mapping)
        func columns(of source: MappingFile.Source) -> [String] {
            switch source {
            case .column(let column): [column]
            case .concat(let columns, _): columns
            case .constant: []
            }
        }
        var roleName: String?
        if case .column(let column, _, _) = mapping.role { roleName = column }
        guard let header else {
            ruleColumns = mapping.rules.map { columns(of: $0.source).map(ColumnReference.key) }
            roleColumn = roleName.map(ColumnReference.key)
            fastPlans = nil
            matchPlan = nil
            return
        }
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() where index[name] == nil {
            index[name] = position
        }
        for (column, line) in mapping.columns where index[column] == nil {
            let near = header.first { $0.lowercased() == column.lowercased() }.map { " (did you mean '\($0)'?)" } ?? ""
            throw MappingError(
                file: mapping.path, line: line, message: "column '\(column)' is not in the header\(near)")
        }
        let indices = mapping.rules.map { columns(of: $0.source).map { index[$0]! } }
        ruleColumns = indices.map { $0.map(ColumnReference.index) }
        roleColumn = roleName.map { ColumnReference.index(index[$0]!) }
        fastPlans = FastPlans(mapping, columns: indices)
        if let matchRule {
            var single = mapping
            single.rules = [mapping.rules[matchRule]]
            single.empty = .skip  // a blank key is rejected whatever the policy for other cells
            single.role = .fixed("user")  // the key's plan does not depend on the role
            matchPlan = FastPlans(single, columns: [indices[matchRule]])?.rules.first
        } else {
            matchPlan = nil
        }
    }

    /// Maps and validates the record in `record`.
    public func map(_ record: RecordBuffer) -> MappingResult {
        let role: String
        switch mapping.role {
        case .fixed(let fixed):
            role = fixed
        case .column(_, let map, let defaultRole):
            let raw = roleColumn.map { cell($0, in: record) }?.trimmingSpaces() ?? ""
            if let mapped = map[raw] {
                role = mapped
            } else if raw == "user" || raw == "lead" {
                role = raw
            } else if raw.isEmpty || map.isEmpty, let defaultRole {
                role = defaultRole
            } else {
                return .rejected(
                    FieldReject(
                        field: "role", value: Self.shorten(raw), reason: .invalidRole,
                        message:
                            "role '\(Self.shorten(raw))' is neither user nor lead; add it to the role map or set a default"
                    ))
            }
        }
        var payload = JSONObject()
        payload.members.reserveCapacity(mapping.rules.count + 2)
        payload.members.append(JSONObject.Member(key: "role", value: .string(role)))
        var custom = JSONObject()
        var matchKey: String?
        for (position, rule) in mapping.rules.enumerated() {
            switch value(ofRule: position, in: record) {
            case .blank:
                if mapping.empty == .clear && rule.name != "id" {
                    append(.null, for: rule, to: &payload, custom: &custom)
                }
            case .value(let value):
                if !rule.isCustomAttribute && rule.name == mapping.match.rawValue, case .string(let key) = value {
                    matchKey = key
                }
                if rule.name != "id" || rule.isCustomAttribute {
                    append(value, for: rule, to: &payload, custom: &custom)
                }
            case .rejected(let reject):
                return .rejected(reject)
            }
        }
        if !custom.members.isEmpty {
            payload.members.append(JSONObject.Member(key: "custom_attributes", value: .object(custom)))
        }
        if role == "user" && payload["email"]?.stringValue == nil && payload["external_id"]?.stringValue == nil {
            return .rejected(
                FieldReject(
                    field: nil, value: nil, reason: .missingIdentity,
                    message: "a user contact requires an email or an external ID; supply one, or set role to lead"))
        }
        guard let matchKey else {
            return .rejected(
                FieldReject(
                    field: mapping.match.rawValue, value: nil, reason: .missingMatchKey,
                    message: "the match key '\(mapping.match.rawValue)' is empty, so the contact cannot be looked up"))
        }
        return .contact(MappedContact(role: role, matchKey: matchKey, payload: payload))
    }

    /// One rule's value for the record.
    enum RuleValue {
        /// Empty after the transforms and the default.
        case blank
        case value(JSONValue)
        case rejected(FieldReject)
    }

    /// The rule at `position` applied to the record: source, transforms, value map, default, then conversion.
    func value(ofRule position: Int, in record: RecordBuffer) -> RuleValue {
        let rule = mapping.rules[position]
        var text = source(rule.source, ruleColumns[position], in: record)
        for transform in rule.transforms {
            switch transform {
            case .trim: text = text.trimmingSpaces()
            case .lower: text = text.lowercasedFast()
            case .upper: text = text.uppercased()
            }
        }
        if let mapped = rule.valueMap[text] { text = mapped }
        if text.isBlank, let fallback = rule.defaultValue { text = fallback }
        if text.isBlank { return .blank }
        switch convert(text, rule) {
        case .success(let value): return .value(value)
        case .failure(let reject): return .rejected(reject)
        }
    }

    private func append(
        _ value: JSONValue, for rule: MappingFile.Rule, to payload: inout JSONObject, custom: inout JSONObject
    ) {
        if rule.isCustomAttribute {
            custom.members.append(JSONObject.Member(key: rule.name, value: value))
        } else {
            payload.members.append(JSONObject.Member(key: rule.name, value: value))
        }
    }

    private func cell(_ column: ColumnReference, in record: RecordBuffer) -> String {
        switch column {
        case .index(let index):
            return index < record.fieldCount ? record.value(index) : ""
        case .key(let key):
            guard let index = record.index(ofKey: key), record.kind(index) != .null else { return "" }
            return record.value(index)
        }
    }

    private func source(_ source: MappingFile.Source, _ columns: [ColumnReference], in record: RecordBuffer)
        -> String
    {
        switch source {
        case .column:
            return cell(columns[0], in: record)
        case .constant(let constant):
            return constant
        case .concat(_, let separator):
            var parts: [String] = []
            for column in columns {
                let part = cell(column, in: record).trimmingSpaces()
                if !part.isEmpty { parts.append(part) }
            }
            return parts.joined(separator: separator)
        }
    }

    /// The value as the JSON Intercom expects for the rule's type, or the reason it cannot be.
    private func convert(_ raw: String, _ rule: MappingFile.Rule) -> Result<JSONValue, FieldReject> {
        func reject(_ reason: RejectReason, _ message: String) -> Result<JSONValue, FieldReject> {
            .failure(FieldReject(field: rule.name, value: Self.shorten(raw), reason: reason, message: message))
        }
        let text = raw.trimmingSpaces()
        switch rule.type {
        case .string:
            guard raw.utf8.count <= Self.maxStringLength || raw.count <= Self.maxStringLength else {
                return reject(
                    .tooLong, "\(rule.name) is \(raw.count) characters; Intercom keeps at most \(Self.maxStringLength)")
            }
            return .success(.string(raw))
        case .email:
            let email = text.lowercasedFast()
            guard EmailAddresses.isPlausible(email) else {
                return reject(.invalidEmail, "'\(Self.shorten(raw))' is not a valid email address")
            }
            return .success(.string(email))
        case .phone:
            guard let phone = PhoneNumbers.e164(text, defaultCallingCode: rule.callingCode) else {
                let hint = rule.callingCode == nil ? "; set phone: COUNTRY in the mapping for national numbers" : ""
                return reject(
                    .invalidPhone, "'\(Self.shorten(raw))' is not a phone number in international form (+…)\(hint)")
            }
            return .success(.string(phone))
        case .url:
            guard (text.hasPrefix("https://") || text.hasPrefix("http://")) && text.count > 10 && !text.contains(" ")
            else {
                return reject(.invalidURL, "'\(Self.shorten(raw))' is not an http(s) URL")
            }
            return .success(.string(text))
        case .date:
            var utf8 = text
            let seconds = utf8.withUTF8 { bytes in rule.dateFormats.lazy.compactMap { $0.parse(bytes) }.first }
            guard let seconds else {
                let formats = rule.dateFormats.map(\.description).joined(separator: ", ")
                return reject(.invalidDate, "'\(Self.shorten(raw))' is not a date in any of the formats \(formats)")
            }
            return .success(.number(String(seconds)))
        case .boolean:
            guard let flag = Booleans.parse(text) else {
                return reject(
                    .invalidBoolean, "'\(Self.shorten(raw))' is not true or false (yes/no, 1/0 … are understood)")
            }
            return .success(.bool(flag))
        case .integer:
            guard let number = Int64(text) else {
                return reject(.invalidInteger, "'\(Self.shorten(raw))' is not a whole number")
            }
            return .success(.number(String(number)))
        case .float:
            guard let number = Double(text), number.isFinite else {
                return reject(.invalidFloat, "'\(Self.shorten(raw))' is not a number")
            }
            return .success(.number(text))
        }
    }

    /// A value shortened for reports (at most 60 characters).
    static func shorten(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "…"
    }
}
