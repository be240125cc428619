import JSONText

/// A validated search: query, page size, cursor and sort, all from the request body as Intercom reads them.
struct SearchRequest: Sendable {
    var query: SearchQuery
    var perPage: Int
    var cursor: SearchCursor?
    var sortField: SearchField?
    var ascending: Bool

    static let defaultPerPage = 50

    init(body: JSONValue, customAttributes: [String: DataAttribute], cursors: CursorSealer) throws {
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
                guard case .string(let text) = after, let cursor = SearchCursor(text, cursors: cursors) else {
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

extension IntercomAPIError {
    static let invalidCursor = IntercomAPIError(
        .badRequest, "client_error",
        "Invalid starting_after param. Please try again using a starting_after value from a paginated response")
}
