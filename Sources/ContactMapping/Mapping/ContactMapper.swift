import ContactIO
import JSONText

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
    /// A company name without a company id (Intercom needs one to create a company).
    case missingCompanyID = "company_without_id"
    /// A cell of company ids and one of names that name different numbers of companies.
    case companyListMismatch = "company_ids_and_names_differ"
    /// Not a reject: a phone's extension that is not sent (no `extension_to`), counted as a warning.
    case extensionDropped = "phone_extension_not_sent"
}

/// A rejected row: which field, its value (shortened) and a reason a person can act on, for its first problem; and
/// every problem of the row, so that a person can fix a file in one round.
public struct FieldReject: Error, Sendable, Equatable {
    public var field: String?
    public var value: String?
    public var reason: RejectReason
    public var message: String
    /// Every problem of the row, the first one included, in the mapping's order.
    public var problems: [Problem] = []

    /// One problem of a row: the field (nil for the row as a whole) and the reason.
    public struct Problem: Sendable, Equatable {
        public var field: String?
        public var reason: RejectReason
    }

    public init(field: String?, value: String?, reason: RejectReason, message: String) {
        self.field = field
        self.value = value
        self.reason = reason
        self.message = message
    }

    /// `field: reason; field: reason`, the reject report's `_problems`.
    public var problemList: String {
        let all = problems.isEmpty ? [Problem(field: field, reason: reason)] : problems
        return all.map { "\($0.field ?? "row"): \($0.reason.rawValue)" }.joined(separator: "; ")
    }
}

/// A row turned into what Intercom is sent.
public struct MappedContact: Sendable, Equatable {
    public var role: String
    /// The value of the mapping's match key (normalised: a lower-case email).
    public var matchKey: String
    /// The create/update body: standard fields, then `custom_attributes`. Fields with empty cells are absent (or
    /// null with `empty: clear`).
    public var payload: JSONObject
    /// What was left out of the payload: values refused by a rule with `invalid: skip`, phone extensions not sent.
    public var warnings: [FieldReject] = []
    /// The tags the row gives the contact (each once, in the mapping's order; Intercom's names ignore case).
    public var tags: [String] = []
    /// The companies the row attaches the contact to.
    public var companies: [CompanyInput] = []
}

/// A company a row names: its `company_id` and the body of `POST /companies` (an upsert by `company_id`).
public struct CompanyInput: Sendable, Equatable {
    public var companyID: String
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
        /// An NDJSON key with dots: the record's own key of that name if it has one, else the dotted path into its
        /// nested objects (``RecordBuffer/valueBytes(atPath:)``).
        case path(String, [String])

        /// The reference to NDJSON key (or dotted path) `name`.
        static func named(_ name: String) -> Self {
            let segments = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            return segments.count > 1 && !segments.contains("") ? .path(name, segments) : .key(name)
        }
    }

    /// The role column, when the role comes from one.
    let roleColumn: ColumnReference?
    /// Identifies the mapping in ``sourceFingerprint(_:)`` (see ``mappingFingerprint``).
    let mappingSeed: UInt64
    /// The rules compiled for this input's layout: the one evaluation behind map, check and the match key.
    let program: RuleProgram
    /// The role map by its trimmed, lower-cased keys (a role from a column matches "Customer " as "customer").
    let roleMap: [String: String]

    /// Binds `mapping` to a CSV header (or to NDJSON records when `header` is nil).
    /// - Throws: ``MappingError`` naming the mapping line of a column the header does not have.
    public init(mapping: MappingFile, header: [String]?) throws(MappingError) {
        self.mapping = mapping
        mappingSeed = Self.mappingFingerprint(mapping)
        var roleName: String?
        var roleMap: [String: String] = [:]
        if case .column(let column, let map, _) = mapping.role {
            roleName = column
            for (key, role) in map { roleMap[key.trimmingSpaces().lowercased()] = role }
        }
        self.roleMap = roleMap
        guard let header else {
            roleColumn = roleName.map(ColumnReference.named)
            program = RuleProgram(
                mapping, columns: mapping.rules.map { $0.source.columns.map(ColumnReference.named) },
                regionColumns: mapping.rules.map { $0.regionColumn.map(ColumnReference.named) })
            return
        }
        // A repeated name's later columns are `Name (2)`, `Name (3)` (``HeaderNames``).
        let names = HeaderNames.distinct(header)
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil {
            index[name] = position
        }
        for (column, line) in mapping.columns where index[column] == nil {
            let near = names.first { $0.lowercased() == column.lowercased() }.map { " (did you mean '\($0)'?)" } ?? ""
            throw MappingError(
                file: mapping.path, line: line, message: "column '\(column)' is not in the header\(near)")
        }
        let indices = mapping.rules.map { $0.source.columns.map { index[$0]! } }
        roleColumn = roleName.map { ColumnReference.index(index[$0]!) }
        program = RuleProgram(
            mapping, columns: indices.map { $0.map(ColumnReference.index) },
            regionColumns: mapping.rules.map { rule in rule.regionColumn.map { ColumnReference.index(index[$0]!) } })
    }

    /// Maps and validates the record in `record`: the payload an import sends, or every problem of the row.
    public func map(_ record: RecordBuffer) -> MappingResult {
        map(record, buildsPayload: true)
    }

    /// ``map(_:)``; without `buildsPayload` the contact's payload is left empty (its key, role and warnings are
    /// made): the cheaper mode for a verdict that needs the problems and warnings only.
    func map(_ record: RecordBuffer, buildsPayload: Bool) -> MappingResult {
        Scratch.with { scratch in
            var problems: [FieldReject] = []
            var role: String?
            switch self.role(of: record) {
            case .success(let value): role = value
            case .failure(let reject): problems.append(reject)
            }
            var payload = JSONObject()
            payload.members.reserveCapacity(program.count + 2)
            if let role { payload.members.append(JSONObject.Member(key: "role", value: .string(role))) }
            var custom = JSONObject()
            var matchKey: String?
            var identity = false
            var identityRejected = false
            var warnings: [FieldReject] = []
            var companyPieces = CompanyPieces()
            var lists = ListValues()
            for position in 0..<program.count {
                let step = program.steps[position]
                switch program.evaluate(position, record, &scratch) {
                case .blank:
                    if buildsPayload && mapping.empty == .clear && !step.isID && step.target == .contact {
                        append(.null, for: step, position, to: &payload, custom: &custom)
                    }
                case .value(let value) where step.target != .contact:
                    if case .text(let text) = value { companyPieces.add(position, text, program) }
                    if buildsPayload { lists.add(position, value, program) }
                case .value(let value):
                    if step.isMatch, case .text(let key) = value {
                        matchKey = String(decoding: key, as: UTF8.self)
                    }
                    if step.isEmail || step.isExternalID { identity = true }
                    if buildsPayload && !step.isID {
                        append(value.json, for: step, position, to: &payload, custom: &custom)
                    }
                    if case .phone(let number, true) = value, !step.extensionMapped {
                        warnings.append(program.fieldReject(position, .extensionDropped, number))
                    }
                case .rejected(let reason, let text) where step.skipsInvalid:
                    warnings.append(program.fieldReject(position, reason, text))
                case .rejected(let reason, let text):
                    if step.isEmail || step.isExternalID || step.isMatch { identityRejected = true }
                    problems.append(program.fieldReject(position, reason, text))
                }
                scratch.reset()
            }
            // A missing identity or key is a problem of its own only when no problem of those fields explains it.
            if role == "user" && !identity && !identityRejected {
                problems.append(
                    FieldReject(
                        field: nil, value: nil, reason: .missingIdentity,
                        message: "a user contact requires an email or an external ID; supply one, or set role to lead"
                    ))
            }
            if matchKey == nil && !identityRejected {
                problems.append(
                    FieldReject(
                        field: mapping.match.rawValue, value: nil, reason: .missingMatchKey,
                        message:
                            "the match key '\(mapping.match.rawValue)' is empty, so the contact cannot be looked up"))
            }
            if let reason = companyPieces.problem {
                problems.append(companyProblem(reason, companyPieces))
            }
            if var first = problems.first {
                // The values an `invalid: skip` rule left out are listed after the problems that reject the row, so
                // that the file can be fixed in one round.
                let skipped = warnings.filter { $0.reason != .extensionDropped }
                first.problems = (problems + skipped).map { FieldReject.Problem(field: $0.field, reason: $0.reason) }
                return .rejected(first)
            }
            if !custom.members.isEmpty {
                payload.members.append(JSONObject.Member(key: "custom_attributes", value: .object(custom)))
            }
            var contact = MappedContact(
                role: role ?? "user", matchKey: matchKey ?? "", payload: payload, warnings: warnings)
            if buildsPayload { (contact.tags, contact.companies) = lists.finish() }
            return .contact(contact)
        }
    }

    /// The row's role: the mapping's, or its role column's through the role map (trimmed, any case), `user` and
    /// `lead` as themselves, and the default for an empty cell or a value the map does not list.
    func role(of record: RecordBuffer) -> Result<String, FieldReject> {
        switch mapping.role {
        case .fixed(let fixed):
            return .success(fixed)
        case .column(_, let map, let defaultRole):
            let raw = roleColumn.map { String(decoding: Self.cellBytes($0, in: record), as: UTF8.self) } ?? ""
            let key = raw.trimmingSpaces().lowercased()
            if let mapped = roleMap[key] { return .success(mapped) }
            if key == "user" || key == "lead" { return .success(key) }
            if let defaultRole { return .success(defaultRole) }
            let listed = map.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
            let shown = Self.shorten(raw.trimmingSpaces())
            return .failure(
                FieldReject(
                    field: "role", value: shown, reason: .invalidRole,
                    message: "role '\(shown)' is not user, lead or a value of the role map"
                        + (listed.isEmpty ? "" : " (\(listed))") + "; add it to the map or set a default"))
        }
    }

    private func append(
        _ value: JSONValue, for step: RuleProgram.Step, _ position: Int, to payload: inout JSONObject,
        custom: inout JSONObject
    ) {
        let member = JSONObject.Member(key: program.names[position], value: value)
        if step.isCustomAttribute {
            custom.members.append(member)
        } else {
            payload.members.append(member)
        }
    }

    /// A value shortened for reports (at most 60 characters).
    static func shorten(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "…"
    }
}
