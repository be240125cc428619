import JSONText

/// Tags and companies: what an export needs to name them, and what an import sends.
extension IntercomClient {
    /// A tag: Intercom's id and its name.
    public struct Tag: Sendable, Equatable {
        public var id: String
        public var name: String
    }

    /// A company: Intercom's id, the client's `company_id`, and its name.
    public struct Company: Sendable, Equatable {
        public var id: String
        public var companyID: String
        public var name: String?
        /// The company object as received (its plan, size, custom attributes…).
        public var raw: JSONValue = .null
    }

    /// `GET /tags`: every tag of the workspace.
    public func listTags() async throws(IntercomError) -> [Tag] {
        Self.tags(in: try await send(.listTags)["data"])
    }

    /// `GET /contacts/{id}/tags`: all of a contact's tags (its object shows ten at most).
    public func contactTags(id: String) async throws(IntercomError) -> [Tag] {
        Self.tags(in: try await send(.contactTags, id)["data"])
    }

    /// `GET /companies`, every page: the workspace's companies.
    public func listCompanies(perPage: Int = 60) async throws(IntercomError) -> [Company] {
        var companies: [Company] = []
        var page = 1
        while true {
            let json = try await send(.listCompanies, query: [("per_page", String(perPage)), ("page", String(page))])
            let batch = Self.companies(in: json["data"])
            companies += batch
            let totalPages = json["pages"]?["total_pages"]?.int64Value.map(Int.init) ?? page
            if batch.isEmpty || page >= totalPages { return companies }
            page += 1
        }
    }

    /// `GET /contacts/{id}/companies`: all of a contact's companies.
    public func contactCompanies(id: String) async throws(IntercomError) -> [Company] {
        let json = try await send(.contactCompanies, id)
        // The spec's schema names the list `companies`, its example `data`.
        return Self.companies(in: json["data"] ?? json["companies"])
    }

    /// `POST /tags` with `users`: tags (or untags) these contacts with the tag named `name`, made if missing.
    @discardableResult
    public func tagContacts(name: String, ids: [String], untag: Bool = false) async throws(IntercomError) -> Tag {
        let users: [JSONValue] = ids.map { id in
            untag ? .object(["id": .string(id), "untag": .bool(true)]) : .object(["id": .string(id)])
        }
        let json = try await send(.tagContacts, body: .object(["name": .string(name), "users": .array(users)]))
        return Tag(id: json["id"]?.stringValue ?? "", name: json["name"]?.stringValue ?? name)
    }

    /// `POST /companies`: creates the company with `company_id` in `fields`, or updates it.
    public func upsertCompany(_ fields: JSONObject) async throws(IntercomError) -> Company {
        let json = try await send(.upsertCompany, body: .object(fields))
        guard let company = Self.companies(in: .array([json])).first else {
            throw IntercomError(.invalidResponse, message: "a company without an id")
        }
        return company
    }

    /// `POST /contacts/{id}/companies`: attaches the company (Intercom's id) to the contact.
    public func attachCompany(contactID: String, companyID: String) async throws(IntercomError) {
        _ = try await send(.attachCompany, contactID, body: .object(["id": .string(companyID)]))
    }

    static func tags(in value: JSONValue?) -> [Tag] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            guard let id = item["id"]?.stringValue ?? item["id"]?.int64Value.map(String.init) else { return nil }
            return Tag(id: id, name: item["name"]?.stringValue ?? "")
        }
    }

    static func companies(in value: JSONValue?) -> [Company] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            guard let id = item["id"]?.stringValue else { return nil }
            return Company(
                id: id, companyID: item["company_id"]?.stringValue ?? "", name: item["name"]?.stringValue, raw: item)
        }
    }
}
