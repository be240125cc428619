import ContactIO
import ContactMapping
import Foundation
import JSONText

/// The CSV columns of an export and how each cell is made from a contact as Intercom returned it.
///
/// The header is fixed by the workspace, not by the contacts that come first: the standard fields, then one
/// `custom_attributes.NAME` column per custom contact attribute of the workspace (`GET /data_attributes`).
public struct ExportColumns: Sendable {
    /// The standard columns, in order.
    public static let standard = [
        "id", "external_id", "role", "email", "phone", "name", "avatar", "owner_id", "unsubscribed_from_emails",
        "has_hard_bounced", "marked_email_as_spam", "created_at", "updated_at", "signed_up_at", "last_seen_at",
        "location.country", "location.region", "location.city", "tags", "companies", "company_ids",
    ]
    /// Columns made from the contact's tag and company lists: names (and the client's company ids) joined by `;`.
    static let relationColumns: Set<String> = ["tags", "companies", "company_ids"]
    static let timestamps: Set<String> = ["created_at", "updated_at", "signed_up_at", "last_seen_at"]
    static let customPrefix = "custom_attributes."

    /// One column: its header name, where its value is, and whether it is a timestamp.
    struct Column: Sendable {
        var name: String
        var path: [String]
        var isTimestamp: Bool
    }

    public let names: [String]
    let columns: [Column]

    /// The columns for a workspace whose custom contact attributes are `custom` (name and data type), optionally
    /// only `fields`.
    /// - Throws: ``ExportError`` naming a field that is not a column.
    public init(custom: [(name: String, dataType: String)], fields: [String]? = nil) throws(ExportError) {
        var all = Self.standard.map { name in
            Column(
                name: name, path: name.split(separator: ".").map(String.init),
                isTimestamp: Self.timestamps.contains(name))
        }
        for attribute in custom.sorted(by: { $0.name < $1.name }) {
            all.append(
                Column(
                    name: Self.customPrefix + attribute.name, path: ["custom_attributes", attribute.name],
                    isTimestamp: attribute.dataType == "date"))
        }
        if let fields {
            let byName = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            var chosen: [Column] = []
            for field in fields {
                guard let column = byName[field] else {
                    let known = all.map(\.name).joined(separator: ", ")
                    throw ExportError("--fields: '\(field)' is not a column; the columns are \(known)")
                }
                chosen.append(column)
            }
            all = chosen
        }
        columns = all
        names = all.map(\.name)
    }

    /// The cells of one contact.
    func cells(of contact: JSONValue, epoch: Bool, safe: Bool, relations: ExportRelations = ExportRelations())
        -> [String]
    {
        columns.map { column in
            if Self.relationColumns.contains(column.name) {
                let text = relations.cell(column.name, of: contact)
                return safe ? Self.defused(text) : text
            }
            var value: JSONValue? = contact
            for key in column.path { value = value?[key] }
            if column.name == "avatar", case .object? = value { value = value?["image_url"] }
            let text = Self.text(value, timestamp: column.isTimestamp && !epoch)
            return safe ? Self.defused(text) : text
        }
    }

    /// A contact with only the chosen members (NDJSON with `--fields`).
    func selecting(from contact: JSONValue) -> JSONValue {
        var object = JSONObject()
        var custom = JSONObject()
        for column in columns {
            if column.path.count == 2 && column.path[0] == "custom_attributes" {
                custom[column.path[1]] = contact["custom_attributes"]?[column.path[1]] ?? .null
            } else if let value = contact[column.path[0]] {
                object[column.path[0]] = value
            }
        }
        if !custom.members.isEmpty { object["custom_attributes"] = .object(custom) }
        return .object(object)
    }

    static func text(_ value: JSONValue?, timestamp: Bool) -> String {
        switch value {
        case .string(let text)?:
            return text
        case .number(let text)?:
            guard timestamp, let seconds = Int64(text) else { return text }
            return iso8601(seconds)
        case .bool(let flag)?:
            return flag ? "true" : "false"
        case .null?, nil:
            return ""
        case let other?:
            return other.jsonText
        }
    }

    /// `2024-03-01T09:30:00Z`, as bookmarks are written.
    static func iso8601(_ seconds: Int64) -> String {
        TimeArgument.iso8601(Int(seconds))
    }

    /// A cell a spreadsheet would run as a formula, prefixed with `'` (OWASP's advice for CSV injection).
    static func defused(_ text: String) -> String {
        guard let first = text.utf8.first, [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(first) else { return text }
        return "'" + text
    }
}

/// An export that cannot run as asked.
public struct ExportError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
