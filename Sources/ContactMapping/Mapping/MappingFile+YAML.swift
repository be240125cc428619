import Foundation
import Yams

extension MappingFile {
    /// Reads a mapping file.
    /// - Throws: ``MappingError`` naming the file and line of the first problem.
    public static func load(path: String) throws(MappingError) -> MappingFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MappingError(file: path, line: nil, message: "cannot read the mapping file")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses mapping YAML; `path` names it in errors.
    public static func parse(_ yaml: String, path: String) throws(MappingError) -> MappingFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw MappingError(file: path, line: error.line, message: "not valid YAML: \(error.problem)")
        } catch {
            throw MappingError(file: path, line: nil, message: "not valid YAML: \(error)")
        }
        guard let root, case .mapping(let top) = root else {
            throw MappingError(
                file: path, line: root?.mark?.line, message: "a mapping file is a YAML mapping with 'fields:'")
        }
        var mapping = MappingFile(path: path)
        func fail(_ node: Node?, _ message: String) -> MappingError {
            MappingError(file: path, line: node?.mark?.line, message: message)
        }
        var sawFields = false
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "role":
                mapping.role = try parseRole(value, fail: fail)
            case "match":
                guard let text = value.string, let match = MatchKey(rawValue: text) else {
                    throw fail(value, "match must be one of: email, external_id, id")
                }
                mapping.match = match
            case "empty":
                guard let text = value.string, let empty = EmptyCells(rawValue: text) else {
                    throw fail(value, "empty must be skip (send nothing) or clear (send null)")
                }
                mapping.empty = empty
            case "fields":
                sawFields = true
                guard case .mapping(let fields) = value else {
                    throw fail(value, "fields must be a mapping of field: rule")
                }
                for (nameNode, ruleNode) in fields {
                    let name = nameNode.string ?? ""
                    guard let type = contactFields[name] else {
                        let known = contactFields.keys.sorted().joined(separator: ", ")
                        throw fail(
                            nameNode,
                            "'\(name)' is not a contact field (known: \(known); put others under custom_attributes)")
                    }
                    mapping.rules.append(
                        try parseRule(name, type: type, custom: false, ruleNode, line: nameNode.mark?.line, fail: fail))
                }
            case "custom_attributes":
                guard case .mapping(let attributes) = value else {
                    throw fail(value, "custom_attributes must be a mapping of attribute: rule")
                }
                for (nameNode, ruleNode) in attributes {
                    let name = nameNode.string ?? ""
                    guard !name.isEmpty, contactFields[name] == nil else {
                        throw fail(nameNode, "'\(name)' is a standard field: map it under fields")
                    }
                    var typeName = "string"
                    if case .mapping(let ruleMapping) = ruleNode, let typeNode = ruleMapping["type"] {
                        typeName = typeNode.string ?? ""
                    }
                    guard let type = ValueType(rawValue: typeName),
                        [.string, .integer, .float, .boolean, .date].contains(type)
                    else {
                        throw fail(
                            ruleNode, "custom attribute '\(name)': type must be string, integer, float, boolean or date"
                        )
                    }
                    mapping.rules.append(
                        try parseRule(name, type: type, custom: true, ruleNode, line: nameNode.mark?.line, fail: fail))
                }
            case "tags":
                mapping.rules += try parseTags(value, fail: fail)
            case "company":
                mapping.rules += try parseCompany(value, fail: fail)
            default:
                throw fail(
                    keyNode,
                    "unknown key '\(key)' (known: role, match, empty, fields, custom_attributes, tags, company)")
            }
        }
        guard sawFields else { throw MappingError(file: path, line: nil, message: "the mapping has no 'fields:'") }
        try addExtensionRules(&mapping)
        let matchField = mapping.match.rawValue
        let contactFields = mapping.contactRules
        if let key = contactFields.first(where: { !$0.isCustomAttribute && $0.name == matchField }), key.skipsInvalid {
            throw MappingError(
                file: path, line: key.line,
                message:
                    "'\(matchField)' is the match key: a row without a valid one cannot be imported (invalid: skip)")
        }
        guard contactFields.contains(where: { !$0.isCustomAttribute && $0.name == matchField }) else {
            throw MappingError(
                file: path, line: nil, message: "match is '\(matchField)' but no field '\(matchField)' is mapped")
        }
        return mapping
    }

    /// `tags:`: a list of tag names and of `{column: NAME, separator: ";"}` (with the usual keys).
    private static func parseTags(_ node: Node, fail: (Node?, String) -> MappingError) throws(MappingError) -> [Rule] {
        let items: [Node]
        if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
        var rules: [Rule] = []
        for item in items {
            var rule: Rule
            if let constant = item.string {
                guard !constant.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw fail(item, "tags: a tag name cannot be blank")
                }
                rule = Rule(
                    name: "tags", isCustomAttribute: false, type: .string, source: .constant(constant),
                    line: item.mark?.line)
            } else {
                rule = try parseRule("tags", type: .string, custom: false, item, line: item.mark?.line, fail: fail)
                if case .mapping(let spec) = item, let separator = spec["separator"] {
                    guard let text = separator.string, !text.isEmpty else {
                        throw fail(separator, "tags: separator must be one or more characters")
                    }
                    rule.listSeparator = text
                }
            }
            rule.target = .tag
            rules.append(rule)
        }
        return rules
    }

    /// `company:`: the company fields from columns, a `company_id` that may come from the name, company custom
    /// attributes, and a separator for cells that name several companies.
    private static func parseCompany(_ node: Node, fail: (Node?, String) -> MappingError)
        throws(MappingError) -> [Rule]
    {
        guard case .mapping(let spec) = node else {
            throw fail(
                node,
                "company must be a mapping: company_id, name, plan, size, website, industry, "
                    + "monthly_spend, custom_attributes, separator")
        }
        var rules: [Rule] = []
        var separator: String?
        var derivedID: Node?
        for (keyNode, value) in spec {
            let key = keyNode.string ?? ""
            if key == "separator" {
                guard let text = value.string, !text.isEmpty else {
                    throw fail(value, "company: separator must be one or more characters")
                }
                separator = text
            } else if key == "custom_attributes" {
                guard case .mapping(let attributes) = value else {
                    throw fail(value, "company: custom_attributes must be a mapping of attribute: rule")
                }
                for (nameNode, ruleNode) in attributes {
                    let name = nameNode.string ?? ""
                    var typeName = "string"
                    if case .mapping(let ruleMapping) = ruleNode, let typeNode = ruleMapping["type"] {
                        typeName = typeNode.string ?? ""
                    }
                    guard !name.isEmpty, let type = ValueType(rawValue: typeName),
                        [.string, .integer, .float, .boolean, .date].contains(type)
                    else {
                        throw fail(
                            ruleNode,
                            "company custom attribute '\(name)': type must be string, integer, "
                                + "float, boolean or date")
                    }
                    var rule = try parseRule(
                        name, type: type, custom: true, ruleNode, line: nameNode.mark?.line, fail: fail)
                    rule.target = .company
                    rules.append(rule)
                }
            } else if let type = companyFields[key] {
                if key == "company_id", case .mapping(let idSpec) = value, let from = idSpec["from"] {
                    guard from.string == "name", idSpec["slug"]?.string == "true" || idSpec["slug"] == nil else {
                        throw fail(value, "company: company_id: {from: name, slug: true} makes the id from the name")
                    }
                    derivedID = value
                    continue
                }
                var rule = try parseRule(key, type: type, custom: false, value, line: keyNode.mark?.line, fail: fail)
                rule.target = .company
                rules.append(rule)
            } else {
                let known = (companyFields.keys.sorted() + ["custom_attributes", "separator"]).joined(separator: ", ")
                throw fail(keyNode, "company: unknown key '\(key)' (known: \(known))")
            }
        }
        if let derivedID {
            guard var id = rules.first(where: { !$0.isCustomAttribute && $0.name == "name" }) else {
                throw fail(derivedID, "company: company_id comes from the name, but no name is mapped")
            }
            id.name = "company_id"
            id.slug = true
            id.line = derivedID.mark?.line
            rules.insert(id, at: 0)
        }
        guard rules.contains(where: { !$0.isCustomAttribute && $0.name == "company_id" }) else {
            throw fail(
                node,
                "company: Intercom needs a company_id for each company: map a column, or "
                    + "company_id: {from: name, slug: true}")
        }
        if let separator {
            if let other = rules.first(where: { $0.isCustomAttribute || !["company_id", "name"].contains($0.name) }) {
                throw fail(
                    node,
                    "company: with a separator (several companies in a cell) only company_id and name can be "
                        + "mapped; '\(other.name)' cannot say which company it belongs to")
            }
            for index in rules.indices { rules[index].listSeparator = separator }
        }
        return rules
    }

    /// A custom attribute rule for each phone rule's `extension_to`: the same source and region, giving the extension.
    private static func addExtensionRules(_ mapping: inout MappingFile) throws(MappingError) {
        for rule in mapping.rules {
            guard let attribute = rule.extensionTo else { continue }
            guard !mapping.contactRules.contains(where: { $0.isCustomAttribute && $0.name == attribute }) else {
                throw MappingError(
                    file: mapping.path, line: rule.line,
                    message: "extension_to: '\(attribute)' is also mapped under custom_attributes; map it once")
            }
            var extensionRule = rule
            extensionRule.name = attribute
            extensionRule.isCustomAttribute = true
            extensionRule.extensionTo = nil
            extensionRule.takesExtension = true
            extensionRule.skipsInvalid = true  // the phone rule itself says what an invalid number costs
            mapping.rules.append(extensionRule)
        }
    }

    private static func parseRole(_ node: Node, fail: (Node?, String) -> MappingError) throws(MappingError) -> RoleRule
    {
        if let text = node.string {
            guard text == "user" || text == "lead" else { throw fail(node, "role must be user, lead, or {column: …}") }
            return .fixed(text)
        }
        guard case .mapping(let rule) = node, let column = rule["column"]?.string else {
            throw fail(node, "role must be user, lead, or {column: NAME, map: {value: user|lead}, default: user|lead}")
        }
        var map: [String: String] = [:]
        if let mapNode = rule["map"] {
            guard case .mapping(let pairs) = mapNode else { throw fail(mapNode, "role map must be a mapping") }
            for (from, to) in pairs {
                guard let target = to.string, target == "user" || target == "lead" else {
                    throw fail(to, "role map values must be user or lead")
                }
                map[from.string ?? ""] = target
            }
        }
        let defaultRole = rule["default"]?.string
        if let defaultRole, defaultRole != "user" && defaultRole != "lead" {
            throw fail(rule["default"], "role default must be user or lead")
        }
        return .column(column, map: map, defaultRole: defaultRole)
    }

    private static func parseRule(
        _ name: String, type: ValueType, custom: Bool, _ node: Node, line: Int?, fail: (Node?, String) -> MappingError
    ) throws(MappingError) -> Rule {
        // A bare string is shorthand for {column: NAME}.
        if let column = node.string {
            return Rule(name: name, isCustomAttribute: custom, type: type, source: .column(column), line: line)
        }
        guard case .mapping(let spec) = node else {
            throw fail(node, "'\(name)': a rule is a column name or a mapping")
        }
        var source: Source?
        var rule = Rule(name: name, isCustomAttribute: custom, type: type, source: .constant(""), line: line)
        for (keyNode, value) in spec {
            let key = keyNode.string ?? ""
            switch key {
            case "column":
                guard let column = value.string else { throw fail(value, "'\(name)': column must be a column name") }
                source = .column(column)
            case "constant":
                guard let constant = value.string else { throw fail(value, "'\(name)': constant must be a value") }
                source = .constant(constant)
            case "concat":
                guard case .sequence(let items) = value, !items.isEmpty else {
                    throw fail(value, "'\(name)': concat must be a list of column names")
                }
                let separator = spec["separator"]?.string ?? " "
                source = .concat(items.map { $0.string ?? "" }, separator: separator)
            case "coalesce":
                guard case .sequence(let items) = value, !items.isEmpty, items.allSatisfy({ $0.string != nil }) else {
                    throw fail(value, "'\(name)': coalesce must be a list of column names")
                }
                source = .coalesce(items.map { $0.string ?? "" })
            case "separator", "type":
                continue
            case "transforms":
                guard case .sequence(let items) = value else {
                    throw fail(value, "'\(name)': transforms must be a list")
                }
                guard items.count <= RuleProgram.maxTransforms else {
                    throw fail(value, "'\(name)': at most \(RuleProgram.maxTransforms) transforms")
                }
                for item in items {
                    guard let transform = TextTransform(rawValue: item.string ?? "") else {
                        throw fail(
                            item, "'\(name)': unknown transform '\(item.string ?? "")' (known: trim, lower, upper)")
                    }
                    rule.transforms.append(transform)
                }
            case "default":
                rule.defaultValue = value.string
            case "map":
                guard case .mapping(let pairs) = value else { throw fail(value, "'\(name)': map must be a mapping") }
                for (from, to) in pairs { rule.valueMap[from.string ?? ""] = to.string ?? "" }
            case "phone", "country":
                guard type == .phone, let country = value.string else {
                    throw fail(value, "'\(name)': \(key): COUNTRY applies to the phone field")
                }
                guard let region = PhoneRegion(country) else {
                    throw fail(
                        value, "'\(name)': unknown country '\(country)' (use an ISO code such as US, GB, DE, FR)")
                }
                rule.region = region
            case "country_column":
                guard type == .phone, let column = value.string else {
                    throw fail(value, "'\(name)': country_column: COLUMN applies to the phone field")
                }
                rule.regionColumn = column
            case "extension_to":
                guard type == .phone, !custom, let attribute = value.string, !attribute.isEmpty else {
                    throw fail(value, "'\(name)': extension_to: ATTRIBUTE applies to the phone field")
                }
                guard contactFields[attribute] == nil else {
                    throw fail(value, "'\(name)': extension_to names a standard field; name a custom attribute")
                }
                rule.extensionTo = attribute
            case "invalid":
                switch value.string {
                case "skip": rule.skipsInvalid = true
                case "reject": rule.skipsInvalid = false
                default:
                    throw fail(
                        value, "'\(name)': invalid must be reject (the row is refused) or skip (sent without it)")
                }
            case "timezone":
                guard type == .date, let zone = value.string else {
                    throw fail(value, "'\(name)': timezone applies to date fields")
                }
                guard TimeZoneOffsets(identifier: zone) != nil else {
                    throw fail(value, "'\(name)': unknown time zone '\(zone)' (use a name such as Europe/Berlin)")
                }
                rule.timeZone = zone
            case "date":
                guard type == .date else { throw fail(value, "'\(name)': date formats apply to date fields") }
                let names: [String]
                if case .sequence(let items) = value {
                    names = items.map { $0.string ?? "" }
                } else {
                    names = [value.string ?? ""]
                }
                var formats: [DateFormat] = []
                for formatName in names {
                    guard let format = DateFormat(formatName) else {
                        throw fail(
                            value,
                            "'\(name)': bad date format '\(formatName)' (iso8601, epoch, excel, or a pattern with yyyy, MM, dd, HH, mm, ss)"
                        )
                    }
                    formats.append(format)
                }
                rule.dateFormats = formats
            default:
                throw fail(
                    keyNode,
                    "'\(name)': unknown key '\(key)' (known: column, constant, concat, coalesce, separator, transforms, default, map, "
                        + "invalid, country, country_column, extension_to, date, timezone, type)"
                )
            }
        }
        guard let source else { throw fail(node, "'\(name)': give a column, a constant, a concat or a coalesce") }
        rule.source = source
        return rule
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): mark.line
        default: nil
        }
    }

    var problem: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _): problem
        default: "\(self)"
        }
    }
}
