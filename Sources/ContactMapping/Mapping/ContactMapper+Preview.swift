import ContactIO
import JSONText

/// One row as it will be sent, field by field beside the cells it comes from: what `validate --preview` shows, so
/// that a person can check a mapping by eye before any call.
public struct RowPreview: Sendable, Equatable {
    /// A source cell: its column (or key), and its text.
    public struct Cell: Sendable, Equatable {
        public var column: String
        public var value: String
    }

    /// One rule of the mapping on this row.
    public struct Field: Sendable, Equatable {
        /// The field's name; custom attributes as `custom_attributes.NAME`.
        public var name: String
        /// The JSON value sent, or nil when the field is not sent (an empty cell, a value left out, a rejected row).
        public var sent: String?
        /// The source cells: column (or key) and text; a constant as `(constant)`.
        public var sources: [Cell]
        /// Why the value is not sent, or what was left out of it (a refused value, a phone's extension).
        public var note: String?
    }

    public var line: Int
    /// The role sent, or nil for a rejected row.
    public var role: String?
    /// The role's source cell, when the role comes from a column.
    public var roleSource: Cell?
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
            var name = rule.isCustomAttribute ? "custom_attributes." + rule.name : rule.name
            if rule.target == .company { name = "company." + name }
            var field = RowPreview.Field(
                name: name, sent: nil, sources: sources(of: index, rule, in: record), note: nil)
            if let contact, rule.target != .contact {
                // Tags and companies are sent by calls of their own: every one the row names is shown.
                let values: [String] =
                    rule.target == .tag
                    ? contact.tags
                    : contact.companies.compactMap { company in
                        (rule.isCustomAttribute
                            ? company.payload["custom_attributes"]?[rule.name]
                            : company.payload[rule.name])?.jsonText
                    }
                field.sent = values.isEmpty ? nil : values.joined(separator: rule.target == .tag ? "; " : ", ")
            } else if let contact {
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
        var roleSource: RowPreview.Cell?
        if case .column(let column, _, _) = mapping.role, let roleColumn {
            roleSource = RowPreview.Cell(
                column: column, value: String(decoding: Self.cellBytes(roleColumn, in: record), as: UTF8.self))
        }
        return RowPreview(
            line: record.line, role: contact?.role, roleSource: roleSource, matchKey: contact?.matchKey,
            fields: fields, problems: reject.map { [$0.problemList, $0.message] } ?? [])
    }

    /// The cells rule `index` reads on this row.
    private func sources(of index: Int, _ rule: MappingFile.Rule, in record: RecordBuffer) -> [RowPreview.Cell] {
        if case .constant(let text) = rule.source { return [RowPreview.Cell(column: "(constant)", value: text)] }
        return zip(rule.source.columns, program.columns[index]).map { name, reference in
            RowPreview.Cell(column: name, value: String(decoding: Self.cellBytes(reference, in: record), as: UTF8.self))
        }
    }
}
