import ContactIO
import Foundation

/// A validated search: query, page size, cursor and sort, all from the request body as Intercom reads them.
struct SearchRequest: Sendable {
    var query: SearchQuery
    var perPage: Int
    var cursor: SearchCursor?
    var sortField: SearchField?
    var ascending: Bool

    static let defaultPerPage = 50

    init(body: JSONValue, customAttributes: [String: DataAttribute]) throws {
        guard case .object = body, let query = body["query"] else {
            throw IntercomAPIError.invalid("query is required", field: "query")
        }
        self.query = try SearchQuery.parse(query, customAttributes: customAttributes)
        perPage = SearchRequest.defaultPerPage
        if let pagination = body["pagination"] {
            if let size = pagination["per_page"] {
                guard let value = size.int64Value ?? size.stringValue.flatMap({ Int64($0) }), (1...150).contains(value)
                else { throw IntercomAPIError.invalid("per_page must be an integer from 1 to 150", field: "per_page") }
                perPage = Int(value)
            }
            if let after = pagination["starting_after"], after != .null {
                guard case .string(let text) = after, let cursor = SearchCursor(text) else {
                    throw IntercomAPIError.invalidCursor
                }
                self.cursor = cursor
            }
        }
        ascending = false
        if let sort = body["sort"] {
            guard case .string(let name)? = sort["field"],
                let field = SearchField(name: name, customAttributes: customAttributes)
            else { throw IntercomAPIError.invalid("sort.field must be a searchable field", field: "sort") }
            sortField = field
            if let order = sort["order"] {
                guard case .string(let text) = order, text == "ascending" || text == "descending" else {
                    let shown = order.stringValue ?? order.jsonText
                    throw IntercomAPIError(
                        .badRequest, "invalid_sort_order",
                        "Invalid sort order '\(shown)'. Must be one of: ascending, descending")
                }
                ascending = text == "ascending"
            }
        } else {
            // Without a sort the sandbox answers in insertion order, oldest first: stable for paging.
            ascending = true
        }
    }
}

/// Where the next search page starts: after (sort value, sequence) in the request's order. Opaque to clients:
/// base64 of a JSON array, like Intercom's.
struct SearchCursor: Sendable, Equatable {
    var sortValue: SearchValue?
    var sequence: Int
    var page: Int
    /// The first page's `total_count`, carried to the next pages (which then need not count every match again).
    var total: Int?

    init(sortValue: SearchValue?, sequence: Int, page: Int, total: Int? = nil) {
        self.sortValue = sortValue
        self.sequence = sequence
        self.page = page
        self.total = total
    }

    init?(_ text: String) {
        guard let data = Data(base64Encoded: text), let json = try? JSONValue.parse(Array(data)),
            case .array(let parts) = json, parts.count == 3 || parts.count == 4,
            let sequence = parts[1].int64Value, let page = parts[2].int64Value
        else { return nil }
        total = parts.count == 4 ? parts[3].int64Value.map(Int.init) : nil
        switch parts[0] {
        case .null: sortValue = nil
        case .string(let value): sortValue = .text(value)
        case .number(let value): sortValue = Double(value).map(SearchValue.number)
        case .bool(let value): sortValue = .flag(value)
        default: return nil
        }
        self.sequence = Int(sequence)
        self.page = Int(page)
    }

    var encoded: String {
        let first: JSONValue =
            switch sortValue {
            case nil: .null
            case .text(let value): .string(value)
            case .number(let value): .number(String(Int64(value)))
            case .flag(let value): .bool(value)
            }
        var parts: [JSONValue] = [first, .number(String(sequence)), .number(String(page))]
        if let total { parts.append(.number(String(total))) }
        let json = JSONValue.array(parts).jsonText
        return Data(json.utf8).base64EncodedString()
    }
}

extension IntercomAPIError {
    static let invalidCursor = IntercomAPIError(
        .badRequest, "client_error",
        "Invalid starting_after param. Please try again using a starting_after value from a paginated response")
}
