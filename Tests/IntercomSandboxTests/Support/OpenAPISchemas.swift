import Foundation
import JSONText
import Yams

/// The component schemas of an OpenAPI 3.0 description, and a validator of JSON against them.
///
/// Written for the keywords Intercom's description uses (type, properties, required, nullable, enum, items,
/// additionalProperties, allOf/anyOf/oneOf, $ref, min/maxLength, maxItems), with OpenAPI 3.0's meanings: `nullable`
/// admits null, `format` is an annotation, `additionalProperties` is enforced only where the description says so.
/// It keeps `make test` free of anything but Swift.
struct OpenAPISchemas: Sendable {
    /// A schema object as Yams reads it.
    typealias Schema = [String: any Sendable]

    let schemas: [String: Schema]

    /// Reads `components.schemas` of the description at `path`.
    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let document = try Yams.load(yaml: text) as? [String: Any],
            let components = document["components"] as? [String: Any],
            let schemas = components["schemas"] as? [String: Any]
        else { throw SandboxTestError(message: "\(path) has no components.schemas") }
        self.schemas = schemas.compactMapValues { Self.sendable($0) as? Schema }
    }

    /// The problems of `value` against the schema named `name`, as `path: message` lines; empty when it conforms.
    func problems(of value: JSONValue, against name: String) -> [String] {
        guard schemas[name] != nil else { return ["$: no schema named '\(name)' in components.schemas"] }
        var found: [String] = []
        check(value, ["$ref": "#/components/schemas/\(name)"], at: "$", into: &found)
        return found
    }

    private func check(_ value: JSONValue, _ schema: Schema, at path: String, into found: inout [String]) {
        if value == .null, schema["nullable"] as? Bool == true { return }
        if let reference = schema["$ref"] as? String {
            let name = String(reference.split(separator: "/").last ?? "")
            guard let target = schemas[name] else {
                found.append("\(path): unresolved $ref \(reference)")
                return
            }
            check(value, target, at: path, into: &found)
        }
        if let type = schema["type"] as? String, !Self.value(value, hasType: type) {
            found.append("\(path): \(value.jsonText.prefix(80)) is not of type \(type)")
            return
        }
        if let options = schema["enum"] as? [any Sendable], !options.contains(where: { Self.value(value, equals: $0) })
        {
            found.append("\(path): \(value.jsonText.prefix(80)) is not one of \(options)")
        }
        if case .string(let text) = value {
            if let most = schema["maxLength"] as? Int, text.count > most {
                found.append("\(path): longer than \(most)")
            }
            if let least = schema["minLength"] as? Int, text.count < least {
                found.append("\(path): shorter than \(least)")
            }
        }
        if case .object(let object) = value {
            let properties = schema["properties"] as? [String: any Sendable] ?? [:]
            for required in schema["required"] as? [String] ?? [] where object[required] == nil {
                found.append("\(path): '\(required)' is required")
            }
            for member in object.members {
                if let property = properties[member.key] as? Schema {
                    check(member.value, property, at: "\(path).\(member.key)", into: &found)
                } else if schema["additionalProperties"] as? Bool == false {
                    found.append("\(path): '\(member.key)' is not allowed")
                } else if let extra = schema["additionalProperties"] as? Schema {
                    check(member.value, extra, at: "\(path).\(member.key)", into: &found)
                }
            }
        }
        if case .array(let items) = value {
            if let most = schema["maxItems"] as? Int, items.count > most {
                found.append("\(path): more than \(most) items")
            }
            if let itemSchema = schema["items"] as? Schema {
                for (index, item) in items.enumerated() {
                    check(item, itemSchema, at: "\(path)[\(index)]", into: &found)
                }
            }
        }
        for part in schema["allOf"] as? [Schema] ?? [] {
            check(value, part, at: path, into: &found)
        }
        if let choices = schema["anyOf"] as? [Schema] {
            let failures = choices.map { choice in
                var problems: [String] = []
                check(value, choice, at: path, into: &problems)
                return problems
            }
            if !failures.contains(where: \.isEmpty) {
                found.append("\(path): matches none of anyOf (first: \(failures.first?.first ?? "?"))")
            }
        }
        if let choices = schema["oneOf"] as? [Schema] {
            let matching = choices.filter { choice in
                var problems: [String] = []
                check(value, choice, at: path, into: &problems)
                return problems.isEmpty
            }
            if matching.count != 1 {
                found.append("\(path): matches \(matching.count) of oneOf, not exactly one")
            }
        }
    }

    private static func value(_ value: JSONValue, hasType type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .number):
            true
        case ("integer", .number(let text)): Int64(text) != nil || (Double(text).map { $0 == $0.rounded() } ?? false)
        default: false
        }
    }

    private static func value(_ value: JSONValue, equals option: any Sendable) -> Bool {
        switch (value, option) {
        case (.string(let a), let b as String): a == b
        case (.bool(let a), let b as Bool): a == b
        case (.number(let a), let b as Int): Int64(a) == Int64(b)
        case (.number(let a), let b as Double): Double(a) == b
        case (.null, is NSNull): true
        default: false
        }
    }

    /// Yams' `Any` tree as `Sendable` values (dictionaries, arrays, strings, numbers, booleans).
    private static func sendable(_ node: Any) -> (any Sendable)? {
        switch node {
        case let dictionary as [String: Any]: dictionary.compactMapValues(sendable) as Schema
        case let array as [Any]: array.compactMap(sendable) as [any Sendable]
        case let text as String: text
        case let flag as Bool: flag
        case let number as Int: number
        case let number as Double: number
        default: nil
        }
    }
}
