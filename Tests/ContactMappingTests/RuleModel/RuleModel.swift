import ContactIO
import ContactMapping
import Foundation
import JSONText

/// The mapping's rules written plainly, on Strings, with nothing shared with the engine (``ContactMapper`` and its
/// ``RuleProgram``): the oracle of ``RuleModelTests``. Slow and obvious on purpose.
struct ModelMapping {
    enum Source {
        case column(Int)
        case constant(String)
        case concat([Int], String)
        /// The first column whose cell is not blank.
        case coalesce([Int])
    }

    struct Rule {
        var name: String
        var custom: Bool
        /// string, integer, float, boolean, date, email, phone, url.
        var type: String
        var source: Source
        var transforms: [String] = []
        var valueMap: [(String, String)] = []
        var defaultValue: String?
        var country: (name: String, code: String)?
        /// The column naming each row's country (a phone rule's `country_column`).
        var countryColumn: Int?
        /// The custom attribute of the phone's extension (`extension_to`).
        var extensionTo: String?
        /// `invalid: skip`.
        var skip = false
        var dateFormats: [String] = []
        /// The time zone of timestamps without an offset.
        var timeZone: String?
    }

    enum Role {
        case fixed(String)
        case column(Int, map: [(String, String)], defaultRole: String?)
    }

    var header: [String]
    var role: Role
    var match: String
    var clear: Bool
    var rules: [Rule]
}

/// What the model makes of a row.
struct ModelOutcome: Equatable {
    /// The payload as JSON text, when the row maps.
    var payload: String?
    var matchKey: String?
    /// (field or "row", reason) of every problem, in order.
    var problems: [String]
    /// The value the key's rule gives, whether or not the row maps.
    var keyValue: String?
    /// (field, reason) of what a mapped row is sent without.
    var warnings: [String] = []
}

enum RuleModel {
    static let maxLength = 255

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }

    static func trim(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, isSpace(last) { scalars.removeLast() }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }

    static func isBlank(_ text: String) -> Bool { text.unicodeScalars.allSatisfy(isSpace) }

    enum Value {
        case blank
        case value(String)  // JSON text
        case problem(String)  // reason
    }

    /// The country cells the generator writes, by what they name (nil: no country, the rule's own applies).
    static let countryCells: [String: String?] = [
        "DE": "DE", "fr": "FR", "Germany": "DE", "Frankreich": "FR", "United Kingdom": "GB", "": nil,
        "Atlantis": nil, " us ": "US", "España": "ES",
    ]

    /// A phone rule's region for a row.
    static func region(_ rule: ModelMapping.Rule, _ cells: [String]) -> String? {
        guard let column = rule.countryColumn, column < cells.count else { return rule.country?.name }
        let cell = cells[column]
        if let named = countryCells[cell] ?? nil { return named }
        // Any two letters libphonenumber knows as a region are its code (another rule's "No" is Norway).
        let code = trim(cell).uppercased()
        if code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }),
            PhoneNumbers.exampleNumber(region: code, mobile: true) != nil
        {
            return code
        }
        return rule.country?.name
    }

    /// One rule on one row: source, transforms, map, default, then the type.
    static func evaluate(_ rule: ModelMapping.Rule, _ cells: [String]) -> (Value, keyText: String?) {
        let text = text(rule, cells)
        if isBlank(text) { return (.blank, nil) }
        return typed(rule, text, cells)
    }

    /// A rule's text for a row: source, transforms, map, default.
    static func text(_ rule: ModelMapping.Rule, _ cells: [String]) -> String {
        var text: String
        switch rule.source {
        case .column(let index): text = index < cells.count ? cells[index] : ""
        case .constant(let constant): text = constant
        case .concat(let columns, let separator):
            text = columns.map { trim($0 < cells.count ? cells[$0] : "") }.filter { !$0.isEmpty }
                .joined(separator: separator)
        case .coalesce(let columns):
            text = columns.map { $0 < cells.count ? cells[$0] : "" }.first { !isBlank($0) } ?? ""
        }
        for transform in rule.transforms {
            switch transform {
            case "trim": text = trim(text)
            case "lower": text = text.lowercased()
            default: text = text.uppercased()
            }
        }
        if let mapped = rule.valueMap.last(where: { $0.0 == text }) { text = mapped.1 }
        if isBlank(text), let fallback = rule.defaultValue { text = fallback }
        return text
    }

    /// The rule's type applied to its text.
    static func typed(_ rule: ModelMapping.Rule, _ text: String, _ cells: [String]) -> (Value, keyText: String?) {
        let trimmed = trim(text)
        func string(_ value: String) -> String { JSONValue.string(value).jsonText }
        switch rule.type {
        case "string":
            guard text.utf8.count <= maxLength || text.count <= maxLength else { return (.problem("too_long"), nil) }
            return (.value(string(text)), text)
        case "email":
            let email = trimmed.lowercased()
            guard PlainRules.isPlausibleEmail(Array(email.utf8)) else { return (.problem("invalid_email"), nil) }
            return (.value(string(email)), email)
        case "phone":
            guard let phone = PhoneValidityTests.plainly(trimmed, region(rule, cells)) else {
                return (.problem("invalid_phone"), nil)
            }
            return (.value(string(phone)), phone)
        case "url":
            guard trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://"), trimmed.utf8.count > 10,
                !trimmed.unicodeScalars.contains(" ")
            else { return (.problem("invalid_url"), nil) }
            return (.value(string(trimmed)), trimmed)
        case "date":
            for format in rule.dateFormats {
                if let seconds = PlainRules.date(trimmed, format: format, zone: rule.timeZone) {
                    return (.value(String(seconds)), nil)
                }
            }
            return (.problem("invalid_date"), nil)
        case "boolean":
            switch trimmed.lowercased() {
            case "true", "t", "yes", "y", "1", "on", "x", "checked": return (.value("true"), nil)
            case "false", "f", "no", "n", "0", "off", "unchecked": return (.value("false"), nil)
            default: return (.problem("invalid_boolean"), nil)
            }
        case "integer":
            guard let number = Int64(trimmed) else { return (.problem("invalid_integer"), nil) }
            return (.value(String(number)), nil)
        default:  // float
            guard let number = Double(trimmed), number.isFinite else { return (.problem("invalid_float"), nil) }
            let mantissa = trimmed.prefix { !"eEpP".contains($0) }
            if number == 0 && mantissa.contains(where: { ("1"..."9").contains($0) }) {
                return (.problem("invalid_float"), nil)
            }
            let json = #/-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/#
            return (.value(trimmed.wholeMatch(of: json) != nil ? trimmed : String(number)), nil)
        }
    }

    static func run(_ mapping: ModelMapping, _ cells: [String]) -> ModelOutcome {
        var problems: [String] = []
        var role: String?
        switch mapping.role {
        case .fixed(let fixed): role = fixed
        case .column(let index, let map, let defaultRole):
            let key = trim(index < cells.count ? cells[index] : "").lowercased()
            if let mapped = map.last(where: { trim($0.0).lowercased() == key }) {
                role = mapped.1
            } else if key == "user" || key == "lead" {
                role = key
            } else if let defaultRole {
                role = defaultRole
            } else {
                problems.append("role: invalid_role")
            }
        }
        var standard: [(String, String)] = []
        var custom: [(String, String)] = []
        var matchKey: String?
        var keyValue: String?
        var identity = false
        var explained = false
        var warnings: [String] = []
        var skippedProblems: [String] = []
        var extensions: [(String, String)] = []
        for rule in mapping.rules {
            let isID = !rule.custom && rule.name == "id"
            let isIdentity = !rule.custom && (rule.name == "email" || rule.name == "external_id")
            let isMatch = !rule.custom && rule.name == mapping.match
            let (value, keyText) = evaluate(rule, cells)
            switch value {
            case .blank:
                if mapping.clear && !isID {
                    if rule.custom { custom.append((rule.name, "null")) } else { standard.append((rule.name, "null")) }
                }
            case .value(let json):
                if isMatch {
                    matchKey = keyText
                    keyValue = keyText
                }
                if isIdentity { identity = true }
                if !isID {
                    if rule.custom { custom.append((rule.name, json)) } else { standard.append((rule.name, json)) }
                }
            case .problem(let reason) where rule.skip:
                warnings.append("\(rule.name): \(reason)")
                skippedProblems.append("\(rule.name): \(reason)")
            case .problem(let reason):
                if isIdentity || isMatch { explained = true }
                problems.append("\(rule.name): \(reason)")
            }
            if rule.type == "phone" {
                var digits: String?
                if case .value = value {
                    digits =
                        PhoneNumbers.authority(trim(text(rule, cells)), region: region(rule, cells)).extensionDigits
                    if digits != nil && rule.extensionTo == nil {
                        warnings.append("\(rule.name): phone_extension_not_sent")
                    }
                }
                // The extension's attribute is a rule of its own: with empty: clear, no extension clears it.
                if let attribute = rule.extensionTo, digits != nil || mapping.clear {
                    extensions.append((attribute, digits.map { JSONValue.string($0).jsonText } ?? "null"))
                }
            }
        }
        // Extension attributes follow the mapping's own custom attributes.
        custom += extensions
        if role == "user" && !identity && !explained { problems.append("row: missing_email_or_external_id") }
        if matchKey == nil && !explained { problems.append("\(mapping.match): missing_match_key") }
        // The values skipped follow the problems that reject the row.
        guard problems.isEmpty, let role else {
            let all = problems.isEmpty ? [] : problems + skippedProblems
            return ModelOutcome(payload: nil, matchKey: nil, problems: all, keyValue: keyValue)
        }
        var members = [("role", JSONValue.string(role).jsonText)] + standard
        if !custom.isEmpty {
            let inner = custom.map { "\(JSONValue.string($0.0).jsonText):\($0.1)" }.joined(separator: ",")
            members.append(("custom_attributes", "{\(inner)}"))
        }
        let payload = "{" + members.map { "\(JSONValue.string($0.0).jsonText):\($0.1)" }.joined(separator: ",") + "}"
        return ModelOutcome(payload: payload, matchKey: matchKey, problems: [], keyValue: keyValue, warnings: warnings)
    }
}

/// Rules written plainly that more than one test holds the engine to.
enum PlainRules {
    /// The email check: one `@`, something before it, a dot in the domain with something after it, no space,
    /// control character, comma or semicolon, no `..`, at most 254 bytes.
    static func isPlausibleEmail(_ bytes: [UInt8]) -> Bool {
        let forbidden = Set(Array(",;".utf8) + [0x7F] + Array(0...0x20))
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard bytes.count <= 254, !bytes.contains(where: forbidden.contains), parts.count == 2, !parts[0].isEmpty,
            !String(decoding: bytes, as: UTF8.self).contains("..")
        else { return false }
        let domain = Array(parts[1])
        guard domain.first != UInt8(ascii: "."), let lastDot = domain.lastIndex(of: UInt8(ascii: ".")) else {
            return false
        }
        return lastDot < domain.count - 1
    }

    /// Epoch seconds of a date in `format` (iso8601, epoch, MM/dd/yyyy, MM/dd/yyyy hh:mm a), by Foundation's
    /// calendar; a time without an offset is one of `zone` (UTC when nil). Nil if none.
    static func date(_ text: String, format: String, zone: String? = nil) -> Int? {
        let characters = Array(text)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= characters.count else { return nil }
            let part = characters[range]
            guard part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(String(part))
        }
        func digits(_ part: Substring, _ counts: ClosedRange<Int>) -> Int? {
            guard counts.contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(part)
        }
        switch format {
        case "epoch":
            guard (1...13).contains(characters.count), let value = Int(text), characters.allSatisfy(\.isNumber) else {
                return nil
            }
            return characters.count == 13 ? value / 1000 : value
        case "MM/dd/yyyy", "MM/dd/yyyy hh:mm a":
            // One or two digits for month, day, hour and minute, four for the year.
            var parts = text.split(separator: " ", omittingEmptySubsequences: false)
            var hour = 0
            var minute = 0
            if format == "MM/dd/yyyy hh:mm a" {
                guard parts.count == 3 else { return nil }
                let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
                guard clock.count == 2, let h = digits(clock[0], 1...2), let m = digits(clock[1], 1...2),
                    (1...12).contains(h), ["am", "pm"].contains(parts[2].lowercased())
                else { return nil }
                hour = h % 12 + (parts[2].lowercased() == "pm" ? 12 : 0)
                minute = m
                parts = [parts[0]]
            }
            guard parts.count == 1 else { return nil }
            let pieces = parts[0].split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count == 3, let month = digits(pieces[0], 1...2), let day = digits(pieces[1], 1...2),
                let year = digits(pieces[2], 4...4)
            else { return nil }
            return civil(year, month, day, hour, minute, 0, zone: zone)
        default:  // iso8601
            guard let year = number(0..<4), characters.count >= 10, characters[4] == "-", let month = number(5..<7),
                characters[7] == "-", let day = number(8..<10)
            else { return nil }
            if characters.count == 10 { return civil(year, month, day, 0, 0, 0, zone: zone) }
            guard characters[10] == "T" || characters[10] == " ", let hour = number(11..<13), characters.count > 13,
                characters[13] == ":", let minute = number(14..<16)
            else { return nil }
            var index = 16
            var second = 0
            if index < characters.count && characters[index] == ":" {
                guard let value = number(17..<19) else { return nil }
                second = value
                index = 19
                if index < characters.count && (characters[index] == "." || characters[index] == ",") {
                    index += 1
                    while index < characters.count && characters[index].isASCII && characters[index].isNumber {
                        index += 1
                    }
                }
            }
            var offset = 0
            var naive = true
            if index < characters.count {
                naive = false
                let sign = characters[index]
                if sign == "Z" {
                    index += 1
                } else if sign == "+" || sign == "-" {
                    guard let hours = number((index + 1)..<(index + 3)) else { return nil }
                    index += 3
                    if index < characters.count && characters[index] == ":" { index += 1 }
                    guard let minutes = number(index..<(index + 2)), hours < 24, minutes < 60 else { return nil }
                    index += 2
                    offset = (hours * 3600 + minutes * 60) * (sign == "+" ? 1 : -1)
                } else {
                    return nil
                }
            }
            guard index == characters.count,
                let seconds = civil(year, month, day, hour, minute, second, zone: naive ? zone : nil)
            else {
                return nil
            }
            return seconds - offset
        }
    }

    /// Seconds since 1970 for a calendar time in `zone` (UTC when nil; a 60th second allowed), or nil when the date
    /// does not exist.
    static func civil(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, zone: String? = nil
    ) -> Int? {
        guard year >= 1, hour < 24, minute < 60, second < 61 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
            calendar.dateComponents([.year, .month, .day], from: date) == components
        else { return nil }
        let utc = Int(date.timeIntervalSince1970.rounded()) + hour * 3600 + minute * 60 + second
        guard let zone, let timeZone = TimeZone(identifier: zone) else { return utc }
        // The wall-clock time in the zone: its offset at that moment (no test time falls in a change of offset).
        var local = Calendar(identifier: .gregorian)
        local.timeZone = timeZone
        let wall = DateComponents(
            year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        guard let instant = local.date(from: wall) else { return nil }
        return Int(instant.timeIntervalSince1970.rounded()) + max(0, second - 59)
    }
}
