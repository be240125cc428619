import ContactIO
import ContactMapping
import IntercomAPI

/// Custom attributes that stop an import before it writes anything.
public struct PreflightError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Mapped attributes the workspace does not have: name and mapped type.
    public var missing: [(name: String, type: String)]
    /// Mapped attributes whose workspace type differs: name, mapped type, workspace type.
    public var mismatched: [(name: String, mapped: String, workspace: String)]

    public static func == (lhs: PreflightError, rhs: PreflightError) -> Bool {
        lhs.description == rhs.description
    }

    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty {
            let list = missing.map { "\($0.name) (\($0.type))" }.joined(separator: ", ")
            parts.append(
                "custom attributes missing from the workspace: \(list); create them in Intercom or run with "
                    + "--create-attributes")
        }
        if !mismatched.isEmpty {
            let list = mismatched.map { "\($0.name) is \($0.workspace) in Intercom but \($0.mapped) in the mapping" }
                .joined(separator: ", ")
            parts.append("custom attributes with another type in the workspace: \(list); change the mapping's type")
        }
        return parts.joined(separator: "; ")
    }
}

/// Checks the mapping's custom attributes against the workspace (`GET /data_attributes?model=contact`) before an
/// import spends any write, and creates the missing ones when asked (`POST /data_attributes`).
public enum AttributePreflight {
    /// - Returns: the names of the attributes it created.
    /// - Throws: ``PreflightError`` listing every missing (unless created) and mismatched attribute, or the
    ///   client's ``IntercomError``.
    public static func run(mapping: MappingFile, client: IntercomClient, createMissing: Bool) async throws -> [String] {
        var missing: [(String, String, String)] = []
        var mismatched: [(String, String, String)] = []
        // The contact's custom attributes, then the company's (a model of their own in Intercom).
        for (model, target) in [("contact", MappingFile.Target.contact), ("company", .company)] {
            let custom = mapping.rules.filter { $0.isCustomAttribute && $0.target == target }
            guard !custom.isEmpty else { continue }
            var existing: [String: String] = [:]
            for attribute in try await client.dataAttributes(model: model) where attribute["custom"] == .bool(true) {
                if let name = attribute["name"]?.stringValue {
                    existing[name] = attribute["data_type"]?.stringValue ?? "string"
                }
            }
            let label = { (name: String) in model == "company" ? "company." + name : name }
            for rule in custom {
                guard let type = existing[rule.name] else {
                    missing.append((rule.name, rule.type.rawValue, model))
                    continue
                }
                if !compatible(rule.type, type) {
                    mismatched.append((label(rule.name), rule.type.rawValue, type))
                }
            }
        }
        if !mismatched.isEmpty || (!missing.isEmpty && !createMissing) {
            let listed = missing.map { (name: $0.2 == "company" ? "company." + $0.0 : $0.0, type: $0.1) }
            throw PreflightError(missing: createMissing ? [] : listed, mismatched: mismatched)
        }
        var created: [String] = []
        for (name, type, model) in missing {
            _ = try await client.createDataAttribute(
                name: name, dataType: type, model: model, description: "Created by intercom-etl from \(mapping.path)")
            created.append(model == "company" ? "company." + name : name)
        }
        return created
    }

    static func compatible(_ mapped: MappingFile.ValueType, _ workspace: String) -> Bool {
        switch mapped {
        case .string: workspace == "string" || workspace == "options"
        case .integer: workspace == "integer"
        case .float: workspace == "float"
        case .boolean: workspace == "boolean"
        case .date: workspace == "date" || workspace == "datetime"
        case .email, .phone, .url: workspace == "string"
        }
    }
}
