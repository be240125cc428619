import IntercomAPI
import JSONText

/// The tags and companies an export names: their names for the CSV columns, and the complete lists of a contact whose
/// object shows only the first ten (`has_more`), fetched for that contact alone.
struct ExportRelations: Sendable {
    /// Tag names by Intercom id.
    var tagNames: [String: String] = [:]
    /// Companies by Intercom id.
    var companies: [String: IntercomClient.Company] = [:]
    /// Whether the CSV columns need names (NDJSON only completes the lists).
    var needsNames = false

    /// The workspace's tags and companies, when CSV columns name them (two lists, read at the same time, not a call
    /// per contact). NDJSON keeps Intercom's lists as they are and needs no names.
    static func load(client: IntercomClient, columns: ExportColumns, format: ExportFormat) async throws
        -> ExportRelations
    {
        var relations = ExportRelations()
        relations.needsNames =
            format == .csv && !Set(columns.names).isDisjoint(with: ExportColumns.relationColumns)
        guard relations.needsNames else { return relations }
        async let tags = client.listTags()
        async let companies = client.listCompanies()
        for tag in try await tags { relations.tagNames[tag.id] = tag.name }
        for company in try await companies { relations.companies[company.id] = company }
        return relations
    }

    /// `page`, with the complete tag and company lists of each contact whose object shows only part of them, or
    /// (for CSV) names one that the lists loaded at the start do not know (made during the export).
    func complete(_ page: ContactPage, client: IntercomClient) async throws -> ContactPage {
        var page = page
        for (index, contact) in page.contacts.enumerated() {
            var raw = contact.raw
            var changed = false
            if needs(raw["tags"], known: { tagNames[$0] != nil }) {
                let tags = try await client.contactTags(id: contact.id)
                raw = Self.replacing(
                    "tags", in: raw,
                    with: tags.map {
                        .object([
                            "type": .string("tag"), "id": .string($0.id), "url": .string("/tags/\($0.id)"),
                            "name": .string($0.name),
                        ])
                    })
                changed = true
            }
            if needs(raw["companies"], known: { companies[$0] != nil }) {
                let attached = try await client.contactCompanies(id: contact.id)
                raw = Self.replacing(
                    "companies", in: raw,
                    with: attached.map {
                        .object([
                            "type": .string("company"), "id": .string($0.id), "url": .string("/companies/\($0.id)"),
                            "company_id": .string($0.companyID), "name": $0.name.map(JSONValue.string) ?? .null,
                        ])
                    })
                changed = true
            }
            if changed { page.replacements[index] = raw }
        }
        return page
    }

    /// Whether a contact's list must be fetched: it has more than it shows, or (CSV) names an unknown item.
    private func needs(_ list: JSONValue?, known: (String) -> Bool) -> Bool {
        guard let list else { return false }
        if list["has_more"] == .bool(true) { return true }
        guard needsNames, case .array(let items)? = list["data"] else { return false }
        return items.contains { item in item["id"]?.stringValue.map { !known($0) } ?? false }
    }

    /// The contact with its `key` list holding `items`, all of them (`has_more` false).
    static func replacing(_ key: String, in contact: JSONValue, with items: [JSONValue]) -> JSONValue {
        guard case .object(var object) = contact else { return contact }
        var list: JSONObject
        if case .object(let existing)? = object[key] { list = existing } else { list = ["type": .string("list")] }
        list["data"] = .array(items)
        list["total_count"] = .number(String(items.count))
        list["has_more"] = .bool(false)
        object[key] = .object(list)
        return .object(object)
    }

    /// The CSV cell of a relation column: tag names, company names or company ids, joined by `;`.
    func cell(_ column: String, of contact: JSONValue) -> String {
        switch column {
        case "tags":
            return items(contact["tags"]).map { $0["name"]?.stringValue ?? tagNames[id($0)] ?? "" }
                .joined(separator: ";")
        case "companies":
            return items(contact["companies"]).map { $0["name"]?.stringValue ?? companies[id($0)]?.name ?? "" }
                .joined(separator: ";")
        default:
            return items(contact["companies"]).map {
                $0["company_id"]?.stringValue ?? companies[id($0)]?.companyID ?? ""
            }.joined(separator: ";")
        }
    }

    private func items(_ list: JSONValue?) -> [JSONValue] {
        if case .array(let items)? = list?["data"] { return items }
        return []
    }

    private func id(_ item: JSONValue) -> String { item["id"]?.stringValue ?? "" }
}
