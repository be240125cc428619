import ContactIO
import Foundation
import JSONText
import SandboxTestSupport

/// Seeded random mappings and hostile rows for ``RuleModelTests``: every transform in every order, concatenations
/// with separators of any length, both empty-cell policies, fixed roles and roles from a column, every date format
/// and value type, phone countries, defaults and value maps.
struct MappingGenerator {
    static let columns = 16
    var random: SplitMix
    /// The type of the rule that reads each column (nil: the role, or no rule), for rows that rules mostly accept.
    var columnTypes: [String?] = Array(repeating: nil, count: columns)

    init(seed: UInt64) {
        random = SplitMix(seed: seed)
    }

    mutating func below(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Cells that break naive code: spaces and tabs around values, NBSP, combining marks, emoji, dates with `t`/`z`,
    /// quotes, line breaks, values of 250-260 bytes or characters, numbers in forms JSON does not allow.
    static let hostile: [String] = [
        "", " ", "\t", "  a  ", "\u{00A0}x\u{00A0}", " \u{0301}abc", "abc \u{0301}", "😀", "Ünïcödé", "ÉLITE",
        "2024-03-01T09:30:00Z", "2024-03-01t09:30:00z", " 2024-02-29 ", "2023-02-29", "03/04/2024", "3/4/2024",
        "2024-03-01 09:30", "2024-03-01T09:30:00.123+05:30", "1709285400", "1709285400123", "yesterday",
        "\"quoted\"", "a\r\nb", "line\nbreak", "+14155550123", "007", "1.", ".5", "1e400", "1e-400", "-0", "NaN", "inf",
        "0x1p3", "155.5", "-12", "9223372036854775807", "9223372036854775808", "yes", "No", "TRUE", "off", "checked",
        "Ann@Example.COM", " bob@x.io ", "bad@", "a..b@x.com", "é@x.com", "+1 (415) 555-0123", "030 1234567",
        "0044 20 7946 0001", "06 18 82 92 28", "call me", "https://example.com/a.png", "http://x.io/a b",
        "https://x", "HTTPS://EXAMPLE.COM/UP", "Customer", "customer ", "LEAD", "Prospect", "user", "lead", "VIP",
        String(repeating: "n", count: 255), String(repeating: "n", count: 256), String(repeating: "é", count: 130),
        String(repeating: "é", count: 200), String(repeating: "é", count: 256),
        String(repeating: "e\u{0301}", count: 200), String(repeating: "ab ", count: 84),
    ]

    /// Cells that a rule of each type mostly accepts, so that accepted rows are common enough to compare payloads.
    static let friendly: [String: [String]] = [
        "email": ["ann@example.com", " Bob@Example.org ", "c.d+tag@mail.example.co.uk"],
        "string": ["Élodie", "O'Brien", "id-7", "  spaced  ", "Ann Smith"],
        "phone": [
            "+14155550123", "+44 20 7946 0001", "(415) 555-0123", "030 1234567", "06 18 82 92 28",
            "295-589-1584 ext. 362", "(415) 555-0123 x48", "+49 (0)30 5320199", "030 512301-99", "+1 555 0111",
        ],
        "country": RuleModel.countryCells.keys.sorted(),
        "url": ["https://example.com/a.png", " http://img.example/p/1.jpg "],
        "date": [
            "2024-03-01", "2024-03-01T09:30:00Z", "1709285400", "03/04/2024", "2024-03-01 09:30:00+02:00",
            "03/04/2024 09:30 PM", "3/4/2024 12:05 am", "12/31/2023 12:00 PM", "07/15/2024 13:00 PM",
            "2024-07-15 18:45",
        ],
        "boolean": ["true", "No", "1", "yes", "off"],
        "integer": ["42", "-7", "+3", "0"],
        "float": ["3.25", "155.5", "-0.5", "10", "1e3"],
        "role": ["Customer", "customer ", "user", "LEAD", "Prospect", ""],
    ]

    mutating func cell(for type: String?) -> String {
        if chance(12) { return pick(Self.hostile) }
        switch type {
        case "email"?: return chance(50) ? "User\(below(1_000_000))@Example.com" : pick(Self.friendly["email"]!)
        case "string"?: return chance(50) ? "id-\(below(1_000_000))" : pick(Self.friendly["string"]!)
        case let type?: return pick(Self.friendly[type]!)
        case nil: return pick(Self.friendly["role"]!)
        }
    }

    mutating func row() -> [String] { columnTypes.map { cell(for: $0) } }

    mutating func transforms() -> [String] {
        (0..<below(4)).map { _ in pick(["trim", "lower", "upper"]) }
    }

    mutating func mapping() -> ModelMapping {
        let header = (0..<Self.columns).map { "c\($0)" }
        var rules: [ModelMapping.Rule] = []
        columnTypes = Array(repeating: nil, count: Self.columns)
        var nextColumn = 1  // column 0 is the role's
        func source(concatAllowed: Bool, type: String) -> ModelMapping.Source {
            if concatAllowed && chance(20) {
                let count = 2 + below(3)
                let separators = ["", " ", ", ", " -------------------- ", String(repeating: "=", count: 40), "\t"]
                return .concat((0..<count).map { _ in below(Self.columns) }, pick(separators))
            }
            if chance(10) { return .coalesce((0..<(2 + below(2))).map { _ in below(Self.columns) }) }
            if chance(5) { return .constant(pick(Self.hostile)) }
            if chance(5) { return .column(below(Self.columns)) }  // a column another rule reads too
            let column = min(nextColumn, Self.columns - 1)
            nextColumn += 1
            columnTypes[column] = type
            return .column(column)
        }
        let standard: [(String, String)] = [
            ("email", "email"), ("external_id", "string"), ("name", "string"), ("phone", "phone"), ("avatar", "url"),
            ("signed_up_at", "date"), ("unsubscribed_from_emails", "boolean"), ("owner_id", "integer"),
            ("id", "string"),
        ]
        for (name, type) in standard where name == "email" ? chance(85) : chance(40) {
            rules.append(rule(name, type, custom: false, source: source(concatAllowed: type == "string", type: type)))
        }
        for type in ["string", "integer", "float", "boolean", "date"] where chance(45) {
            rules.append(
                rule("\(type)_attr", type, custom: true, source: source(concatAllowed: type == "string", type: type)))
        }
        var keys = rules.filter { !$0.custom && ["email", "external_id", "id"].contains($0.name) }.map(\.name)
        if keys.isEmpty {
            // A mapping must map its match key.
            rules.insert(
                rule("external_id", "string", custom: false, source: source(concatAllowed: true, type: "string")), at: 0
            )
            keys = ["external_id"]
        }
        let match = pick(keys)
        // The match key cannot be skipped: a row without one cannot be imported.
        for index in rules.indices where !rules[index].custom && rules[index].name == match {
            rules[index].skip = false
        }
        var role = ModelMapping.Role.fixed(pick(["user", "lead"]))
        if chance(30) {
            let map = [("Customer", "user"), ("Prospect ", "lead"), ("VIP", "user"), ("lead", "user")].filter { _ in
                chance(60)
            }
            role = .column(0, map: map, defaultRole: chance(50) ? pick(["user", "lead"]) : nil)
        }
        return ModelMapping(header: header, role: role, match: match, clear: chance(30), rules: rules)
    }

    mutating func rule(_ name: String, _ type: String, custom: Bool, source: ModelMapping.Source)
        -> ModelMapping.Rule
    {
        var rule = ModelMapping.Rule(name: name, custom: custom, type: type, source: source)
        rule.transforms = transforms()
        if chance(15) {
            rule.valueMap = (0..<(1 + below(3))).map { _ in (pick(Self.hostile), pick(Self.hostile)) }
            // A map is exact: keys are unique (the YAML loader keeps the last of a repeated key).
            var seen = Set<String>()
            rule.valueMap = rule.valueMap.reversed().filter { seen.insert($0.0).inserted }.reversed()
        }
        if chance(15) { rule.defaultValue = pick(Self.hostile) }
        if type == "phone" && chance(70) {
            rule.country = pick([("US", "1"), ("DE", "49"), ("FR", "33"), ("IT", "39")])
        }
        if type == "phone" && chance(20) {
            // Country cells in a column of their own, read by no other rule.
            let column = Self.columns - 1
            columnTypes[column] = "country"
            rule.countryColumn = column
        }
        if type == "phone" && !custom && chance(25) { rule.extensionTo = "phone_ext" }
        if type == "date" {
            let formats = ["iso8601", "epoch", "MM/dd/yyyy", "MM/dd/yyyy hh:mm a"]
            rule.dateFormats = (0..<(1 + below(3))).map { _ in pick(formats) }
            if chance(25) { rule.timeZone = pick(["Europe/Berlin", "America/New_York", "Asia/Kolkata"]) }
        }
        rule.skip = chance(25)
        return rule
    }
}

extension ModelMapping {
    /// The mapping as a mapping file says it.
    var yaml: String {
        func quoted(_ text: String) -> String { JSONValue.string(text).jsonText }
        var lines: [String] = []
        switch role {
        case .fixed(let fixed): lines.append("role: \(fixed)")
        case .column(let index, let map, let defaultRole):
            var parts = ["column: \(header[index])"]
            if !map.isEmpty {
                parts.append("map: {" + map.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}")
            }
            if let defaultRole { parts.append("default: \(defaultRole)") }
            lines.append("role: {" + parts.joined(separator: ", ") + "}")
        }
        lines.append("match: \(match)")
        lines.append("empty: \(clear ? "clear" : "skip")")
        func render(_ rule: Rule) -> String {
            var parts: [String] = []
            switch rule.source {
            case .column(let index): parts.append("column: \(header[index])")
            case .constant(let text): parts.append("constant: \(quoted(text))")
            case .concat(let columns, let separator):
                parts.append("concat: [" + columns.map { header[$0] }.joined(separator: ", ") + "]")
                parts.append("separator: \(quoted(separator))")
            case .coalesce(let columns):
                parts.append("coalesce: [" + columns.map { header[$0] }.joined(separator: ", ") + "]")
            }
            if rule.custom { parts.append("type: \(rule.type)") }
            if !rule.transforms.isEmpty {
                parts.append("transforms: [" + rule.transforms.joined(separator: ", ") + "]")
            }
            if !rule.valueMap.isEmpty {
                parts.append(
                    "map: {" + rule.valueMap.map { "\(quoted($0.0)): \(quoted($0.1))" }.joined(separator: ", ") + "}")
            }
            if let value = rule.defaultValue { parts.append("default: \(quoted(value))") }
            // Both spellings of a phone rule's region: `phone: US` (the first) and `country: DE`.
            if let country = rule.country {
                parts.append("\(country.name == "US" ? "phone" : "country"): \(country.name)")
            }
            if let column = rule.countryColumn { parts.append("country_column: \(header[column])") }
            if let attribute = rule.extensionTo { parts.append("extension_to: \(attribute)") }
            if rule.skip { parts.append("invalid: skip") }
            if let zone = rule.timeZone { parts.append("timezone: \(zone)") }
            if !rule.dateFormats.isEmpty {
                parts.append("date: [" + rule.dateFormats.map(quoted).joined(separator: ", ") + "]")
            }
            return "  \(rule.name): {" + parts.joined(separator: ", ") + "}"
        }
        let fields = rules.filter { !$0.custom }
        let custom = rules.filter(\.custom)
        lines.append(fields.isEmpty ? "fields: {}" : "fields:")
        lines += fields.map(render)
        if !custom.isEmpty {
            lines.append("custom_attributes:")
            lines += custom.map(render)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rows as a CSV file with this mapping's header, every cell quoted.
    func csv(_ rows: [[String]]) -> String {
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return ([header] + rows).map { $0.map(quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
