import ContactIO
import JSONText

/// One row as it will be sent, field by field beside the cells it comes from: what `validate --preview` shows, so
/// that a person can check a mapping by eye before any call.
public struct RowPreview: Sendable, Equatable {
    /// One rule of the mapping on this row.
    public struct Field: Sendable, Equatable {
        /// The field's name; custom attributes as `custom_attributes.NAME`.
        public var name: String
        /// The JSON value sent, or nil when the field is not sent (an empty cell, a value left out, a rejected row).
        public var sent: String?
        /// The source cells: column (or key) and text; a constant as `(constant)`.
        public var sources: [(column: String, value: String)]
        /// Why the value is not sent, or what was left out of it (a refused value, a phone's extension).
        public var note: String?

        public static func == (lhs: Field, rhs: Field) -> Bool {
            lhs.name == rhs.name && lhs.sent == rhs.sent && lhs.note == rhs.note
                && lhs.sources.map(\.column) == rhs.sources.map(\.column)
                && lhs.sources.map(\.value) == rhs.sources.map(\.value)
        }
    }

    public static func == (lhs: RowPreview, rhs: RowPreview) -> Bool {
        lhs.line == rhs.line && lhs.role == rhs.role && lhs.matchKey == rhs.matchKey && lhs.fields == rhs.fields
            && lhs.problems == rhs.problems && lhs.roleSource?.column == rhs.roleSource?.column
            && lhs.roleSource?.value == rhs.roleSource?.value
    }

    public var line: Int
    /// The role sent, or nil for a rejected row.
    public var role: String?
    /// The role's source cell, when the role comes from a column.
    public var roleSource: (column: String, value: String)?
    /// The match key, or nil for a rejected row.
    public var matchKey: String?
    public var fields: [Field]
    /// Every problem of a rejected row (`field: reason`), and the first one's message; empty for a row sent.
    public var problems: [String]
}

extension ContactMapper {
    /// The row in `record` as ``map(_:)`` makes it, beside its source cells: the same mapping, shown field by field.
    public func preview(_ record: RecordBuffer) -> RowPreview {
        let mapped = map(record)
        var contact: MappedContact?
        var reject: FieldReject?
        switch mapped {
        case .contact(let value): contact = value
        case .rejected(let value): reject = value
        }
        let problems = reject?.problems ?? []
        var fields: [RowPreview.Field] = []
        for (index, rule) in mapping.rules.enumerated() {
            var field = RowPreview.Field(
                name: rule.isCustomAttribute ? "custom_attributes." + rule.name : rule.name, sent: nil,
                sources: sources(of: index, rule, in: record), note: nil)
            if let contact {
                let value =
                    rule.isCustomAttribute
                    ? contact.payload["custom_attributes"]?[rule.name] : contact.payload[rule.name]
                field.sent = value?.jsonText
                if rule.type == .date, case .number(let text)? = value, let seconds = Int64(text) {
                    field.sent = text + " (" + TimeArgument.iso8601(Int(seconds)) + ")"
                }
                if rule.name == "id" && !rule.isCustomAttribute { field.note = "finds the contact; never sent" }
                if let warning = contact.warnings.first(where: { $0.field == rule.name }) {
                    field.note = warning.message
                }
            } else if let problem = problems.first(where: { $0.field == rule.name }) {
                field.note = problem.reason.rawValue
                if reject?.field == rule.name, let message = reject?.message { field.note = message }
            }
            fields.append(field)
        }
        var roleSource: (String, String)?
        if case .column(let column, _, _) = mapping.role, let roleColumn {
            roleSource = (column, String(decoding: Self.cellBytes(roleColumn, in: record), as: UTF8.self))
        }
        return RowPreview(
            line: record.line, role: contact?.role, roleSource: roleSource, matchKey: contact?.matchKey,
            fields: fields, problems: reject.map { [$0.problemList, $0.message] } ?? [])
    }

    /// The cells rule `index` reads on this row.
    private func sources(of index: Int, _ rule: MappingFile.Rule, in record: RecordBuffer) -> [(
        column: String, value: String
    )] {
        let names: [String]
        switch rule.source {
        case .column(let column): names = [column]
        case .concat(let columns, _), .coalesce(let columns): names = columns
        case .constant(let text): return [("(constant)", text)]
        }
        return zip(names, program.columns[index]).map { name, reference in
            (name, String(decoding: Self.cellBytes(reference, in: record), as: UTF8.self))
        }
    }
}
