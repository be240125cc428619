import JSONText

/// A validated `POST /contacts/search` query: a single filter or AND/OR groups, within Intercom's limits.
indirect enum SearchQuery: Sendable {
    case filter(SearchFilter)
    case group(isAnd: Bool, [SearchQuery])

    /// Intercom's limits: "max 2 nested filters" and "max 15 filters for each AND or OR group".
    static let maxNesting = 2
    static let maxGroupSize = 15

    /// Parses and validates a query object.
    /// - Throws: ``IntercomAPIError`` 400 naming what is wrong (emulator-defined wording, Intercom's codes).
    static func parse(_ value: JSONValue, customAttributes: [String: DataAttribute], depth: Int = 0) throws
        -> SearchQuery
    {
        guard case .object(let object) = value else {
            throw IntercomAPIError.invalid("A query must be an object with field, operator and value, or a group")
        }
        guard case .string(let op)? = object["operator"] else {
            throw IntercomAPIError.invalid("Each query needs an operator")
        }
        if object["field"] == nil, op == "AND" || op == "OR" {
            guard depth < maxNesting else {
                throw IntercomAPIError.invalid("Queries can be nested at most \(maxNesting) levels deep")
            }
            guard case .array(let children)? = object["value"] else {
                throw IntercomAPIError.invalid("An \(op) group needs an array of queries as its value")
            }
            guard !children.isEmpty else {
                throw IntercomAPIError.invalid("An \(op) group needs at least one query in its value")
            }
            guard children.count <= maxGroupSize else {
                throw IntercomAPIError.invalid("An \(op) group can hold at most \(maxGroupSize) filters")
            }
            return .group(
                isAnd: op == "AND",
                try children.map { try parse($0, customAttributes: customAttributes, depth: depth + 1) })
        }
        return .filter(try SearchFilter(object, operator: op, customAttributes: customAttributes))
    }
}

/// One `{field, operator, value}` filter, with its value converted to the field's type.
///
/// A class: a scan tests every contact against it, and taking a struct out of the query's enum copied it, a retain
/// and a release of each of its parts (half of a scan's time).
final class SearchFilter: Sendable {
    enum Operator: String, Sendable {
        case equal = "="
        case notEqual = "!="
        case isIn = "IN"
        case notIn = "NIN"
        case greater = ">"
        case less = "<"
        case greaterOrEqual = ">="
        case lessOrEqual = "<="
        case contains = "~"
        case notContains = "!~"
        case startsWith = "^"
        case endsWith = "$"
    }

    let field: SearchField
    let op: Operator
    /// The values to compare with (one, or several for IN/NIN); nil stands for JSON null.
    let values: [SearchValue?]

    init(_ object: JSONObject, operator name: String, customAttributes: [String: DataAttribute]) throws {
        guard case .string(let fieldName)? = object["field"] else {
            throw IntercomAPIError.invalid("Each filter needs a field")
        }
        guard let field = SearchField(name: fieldName, customAttributes: customAttributes) else {
            throw IntercomAPIError.invalid("'\(fieldName)' is not a searchable field", field: fieldName)
        }
        guard let op = Operator(rawValue: name) else {
            throw IntercomAPIError.invalid("'\(name)' is not a valid operator", field: fieldName)
        }
        guard field.type.allows(op) else {
            throw IntercomAPIError.invalid(
                "The operator '\(name)' is not supported for the \(field.type.rawValue) field '\(fieldName)'",
                field: fieldName)
        }
        let raw = object["value"] ?? .null
        var values: [JSONValue]
        if op == .isIn || op == .notIn {
            guard case .array(let items) = raw else {
                throw IntercomAPIError.invalid("The value of '\(name)' must be an array", field: fieldName)
            }
            values = items
        } else {
            values = [raw]
        }
        self.field = field
        self.op = op
        self.values = try values.map { value in
            if value == .null { return nil }
            guard let converted = SearchValue(value, as: field.type) else {
                throw IntercomAPIError.invalid(
                    "The value for '\(fieldName)' must be a \(field.type.rawValue)", field: fieldName)
            }
            return converted
        }
    }

    func matches(_ contact: UnsafePointer<Contact>) -> Bool {
        let actual = field.value(of: contact)
        switch op {
        case .equal: return equals(actual, values[0])
        case .notEqual: return !equals(actual, values[0])
        case .isIn: return values.contains { equals(actual, $0) }
        case .notIn: return !values.contains { equals(actual, $0) }
        case .greater, .less, .greaterOrEqual, .lessOrEqual: return compare(actual, values[0])
        case .contains, .notContains, .startsWith, .endsWith: return matchText(actual, values[0])
        }
    }

    private func equals(_ actual: SearchValue?, _ wanted: SearchValue?) -> Bool {
        guard let actual, let wanted else { return actual == nil && wanted == nil }
        switch (actual, wanted) {
        case (.text(let a), .text(let b)):
            return field.caseInsensitive ? a.lowercased() == b.lowercased() : a == b
        case (.number(let a), .number(let b)):
            // Dates match by calendar day (the sandbox workspace's time zone is UTC), as Intercom does.
            return field.type == .date ? Self.day(a) == Self.day(b) : a == b
        case (.flag(let a), .flag(let b)):
            return a == b
        default:
            return false
        }
    }

    private func compare(_ actual: SearchValue?, _ wanted: SearchValue?) -> Bool {
        guard case .number(let a)? = actual, case .number(let b)? = wanted else { return false }
        if field.type == .date {
            // `>` starts at the next day, `<` ends before the start of the given day.
            let start = Self.day(b) * 86_400
            return op == .greater ? a >= start + 86_400 : a < start
        }
        switch op {
        case .greater: return a > b
        case .less: return a < b
        case .greaterOrEqual: return a >= b
        default: return a <= b
        }
    }

    private func matchText(_ actual: SearchValue?, _ wanted: SearchValue?) -> Bool {
        guard case .text(let a)? = actual, case .text(let b)? = wanted else { return op == .notContains }
        return Self.asciiMatch(a, b, op: op, foldCase: field.caseInsensitive)
            ?? Self.characterMatch(a, b, op: op, foldCase: field.caseInsensitive)
    }

    /// The text tests (`~ !~ ^ $`) by characters, lowercased first for a field that ignores case.
    static func characterMatch(_ text: String, _ part: String, op: Operator, foldCase: Bool) -> Bool {
        let (a, b) = foldCase ? (text.lowercased(), part.lowercased()) : (text, part)
        switch op {
        case .contains: return a.contains(b)
        case .notContains: return !a.contains(b)
        case .startsWith: return a.hasPrefix(b)
        default: return a.hasSuffix(b)
        }
    }

    /// The text test byte by byte, where both strings are ASCII without a carriage return (so that bytes are
    /// characters, and lowercasing is per byte); nil otherwise. `String`'s own tests compare characters, and were most
    /// of a scan's time for a partitioned export's `id $ "3"`.
    static func asciiMatch(_ text: String, _ part: String, op: Operator, foldCase: Bool) -> Bool? {
        text.utf8.withContiguousStorageIfAvailable { a in
            part.utf8.withContiguousStorageIfAvailable { b -> Bool? in
                func plain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { !bytes.contains { $0 >= 0x80 || $0 == 0x0D } }
                guard plain(a), plain(b) else { return nil }
                func same(_ x: UInt8, _ y: UInt8) -> Bool {
                    guard foldCase else { return x == y }
                    return (x &- 0x41 < 26 ? x | 0x20 : x) == (y &- 0x41 < 26 ? y | 0x20 : y)
                }
                func matches(at start: Int) -> Bool {
                    var index = 0
                    while index < b.count {
                        if !same(a[start + index], b[index]) { return false }
                        index += 1
                    }
                    return true
                }
                guard b.count <= a.count else { return op == .notContains }
                switch op {
                case .startsWith: return matches(at: 0)
                case .endsWith: return matches(at: a.count - b.count)
                default:
                    // As `String.contains` has it, nothing is found in a text by looking for nothing.
                    let found = !b.isEmpty && (0...(a.count - b.count)).contains { matches(at: $0) }
                    return op == .contains ? found : !found
                }
            } ?? nil
        } ?? nil
    }

    static func day(_ seconds: Double) -> Double {
        (seconds / 86_400).rounded(.down)
    }
}

/// A comparable value of a contact field or of a filter.
enum SearchValue: Sendable, Equatable {
    case text(String)
    case number(Double)
    case flag(Bool)

    init?(_ value: JSONValue, as type: SearchField.FieldType) {
        switch (type, value) {
        case (.string, .string(let text)): self = .text(text)
        case (.string, .number(let text)): self = .text(text)
        case (.integer, .number(let text)), (.float, .number(let text)), (.date, .number(let text)),
            (.integer, .string(let text)), (.float, .string(let text)), (.date, .string(let text)):
            // Double("nan") parses; a NaN would break the order that paging relies on.
            guard let number = Double(text), !number.isNaN else { return nil }
            self = .number(number)
        case (.boolean, .bool(let flag)): self = .flag(flag)
        case (.boolean, .string(let text)) where text == "true" || text == "false": self = .flag(text == "true")
        default: return nil
        }
    }

    /// Where values of different kinds stand in the sort order.
    var kindRank: Int {
        switch self {
        case .flag: 0
        case .number: 1
        case .text: 2
        }
    }
}
