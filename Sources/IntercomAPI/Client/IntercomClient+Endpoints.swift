import Foundation
import JSONText

extension IntercomClient {
    // MARK: Contacts

    /// `POST /contacts`.
    ///
    /// - Parameter isOwn: when an attempt's answer was lost and the retry meets a 409 naming a contact, whether that
    ///   contact is the one the lost attempt created (then it is returned as created). Without it, or when it says
    ///   no, the 409 is the caller's to handle: it is a contact someone else made, perhaps with other values.
    public func createContact(_ fields: JSONObject, isOwn: (@Sendable (IntercomContact) -> Bool)? = nil)
        async throws(IntercomError) -> IntercomContact
    {
        var resolve: ConflictResolution?
        if let isOwn {
            resolve = { @Sendable (id: String) async throws(IntercomError) -> Reply? in
                let existing = try await self.exchange(.contact, path: Endpoint.contact.path(id))
                guard let contact = try? IntercomContact(json: existing.json), isOwn(contact) else { return nil }
                return existing
            }
        }
        return try contact(
            from: try await exchange(
                .createContact, path: Endpoint.createContact.path(), body: .object(fields), resolveConflict: resolve
            ).json)
    }

    /// `PUT /contacts/{id}` with only the fields to change.
    public func updateContact(id: String, _ fields: JSONObject) async throws(IntercomError) -> IntercomContact {
        try contact(from: try await send(.updateContact, id, body: .object(fields)))
    }

    /// `GET /contacts/{id}`.
    public func contact(id: String) async throws(IntercomError) -> IntercomContact {
        try contact(from: try await send(.contact, id))
    }

    /// `DELETE /contacts/{id}`; returns the deleted contact's id.
    @discardableResult
    public func deleteContact(id: String) async throws(IntercomError) -> JSONValue {
        try await send(.deleteContact, id)
    }

    /// `POST /contacts/{id}/archive` or `/unarchive`.
    @discardableResult
    public func setArchived(id: String, _ archived: Bool) async throws(IntercomError) -> JSONValue {
        try await send(archived ? .archiveContact : .unarchiveContact, id)
    }

    /// `GET /contacts/find_by_external_id/{external_id}` (users only).
    public func contact(externalID: String) async throws(IntercomError) -> IntercomContact {
        try contact(from: try await send(.contactByExternalID, externalID))
    }

    /// One page of `GET /contacts` (always sends `per_page`, whose default differs between sources).
    public func listContacts(perPage: Int = 150, startingAfter: String? = nil) async throws(IntercomError)
        -> ContactPage
    {
        var query = [("per_page", String(perPage))]
        if let startingAfter { query.append(("starting_after", startingAfter)) }
        return try page(from: try await exchange(.listContacts, path: Endpoint.listContacts.path(), query: query))
    }

    /// One page of `POST /contacts/search`; pagination goes in the body, where Intercom reads it.
    public func searchContacts(
        query: JSONValue, perPage: Int = 150, startingAfter: String? = nil,
        sort: (field: String, ascending: Bool)? = nil
    ) async throws(IntercomError) -> ContactPage {
        var pagination: JSONObject = ["per_page": .number(String(perPage))]
        if let startingAfter { pagination["starting_after"] = .string(startingAfter) }
        var body: JSONObject = ["query": query, "pagination": .object(pagination)]
        if let sort {
            body["sort"] = .object([
                "field": .string(sort.field), "order": .string(sort.ascending ? "ascending" : "descending"),
            ])
        }
        return try page(
            from: try await exchange(
                .searchContacts, path: Endpoint.searchContacts.path(), body: .object(body)))
    }

    // MARK: Data attributes, messages, admin

    /// `GET /data_attributes?model=…`: the `data` array.
    public func dataAttributes(model: String = "contact") async throws(IntercomError) -> [JSONValue] {
        let json = try await send(.dataAttributes, query: [("model", model)])
        guard case .array(let items)? = json["data"] else {
            throw IntercomError(.invalidResponse, message: "a data attribute list without 'data'")
        }
        return items
    }

    /// `POST /data_attributes`.
    public func createDataAttribute(
        name: String, dataType: String, model: String = "contact", description: String? = nil
    )
        async throws(IntercomError) -> JSONValue
    {
        var body: JSONObject = ["name": .string(name), "model": .string(model), "data_type": .string(dataType)]
        if let description { body["description"] = .string(description) }
        return try await send(.createDataAttribute, body: .object(body))
    }

    /// `POST /messages` with a request built by the caller.
    public func sendMessage(_ body: JSONObject) async throws(IntercomError) -> JSONValue {
        try await send(.sendMessage, body: .object(body))
    }

    /// `GET /me`: the admin (and workspace) of the token.
    public func me() async throws(IntercomError) -> JSONValue {
        try await send(.me)
    }

    /// `GET /admins`: the workspace's admins (teammates), as id, name and email.
    public func listAdmins() async throws(IntercomError) -> [(id: String, name: String, email: String)] {
        let json = try await send(.listAdmins)
        guard case .array(let admins)? = json["admins"] else { return [] }
        return admins.compactMap { admin in
            guard let id = admin["id"]?.stringValue ?? admin["id"]?.int64Value.map(String.init) else { return nil }
            return (id, admin["name"]?.stringValue ?? "", admin["email"]?.stringValue ?? "")
        }
    }

    // MARK: Decoding

    private func contact(from json: JSONValue) throws(IntercomError) -> IntercomContact {
        try IntercomContact(json: json)
    }

    private func page(from reply: Reply) throws(IntercomError) -> ContactPage {
        let json = reply.json
        guard case .array(let items)? = json["data"] else {
            throw IntercomError(.invalidResponse, message: "a contact list without 'data'")
        }
        var contacts: [IntercomContact] = []
        contacts.reserveCapacity(items.count)
        for item in items {
            contacts.append(try IntercomContact(json: item))
        }
        return ContactPage(
            contacts: contacts, totalCount: json["total_count"]?.int64Value.map(Int.init),
            nextCursor: json["pages"]?["next"]?["starting_after"]?.stringValue,
            rawContacts: reply.dataRanges.count == contacts.count ? reply.dataRanges.map { reply.body[$0] } : [])
    }

    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: "/"))) ?? text
    }
}
