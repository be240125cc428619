import JSONText

extension WorkspaceStore {
    /// `POST /companies`: creates the company with that `company_id`, or updates it.
    func upsertCompany(_ body: JSONValue) throws -> Company {
        let now = Int(clock.now())
        return try state.withLock { state in
            guard case .object(let fields) = body else {
                throw IntercomAPIError(.badRequest, "bad_request", "(sandbox) the body must be a JSON object")
            }
            guard let remote = fields["company_id"]?.stringValue ?? fields["company_id"]?.int64Value.map(String.init),
                !remote.isEmpty
            else {
                throw IntercomAPIError(
                    .badRequest, "bad_request", "(sandbox) company_id is required", field: "company_id")
            }
            var company: Company
            if let id = state.companyIDByRemoteID[remote], let existing = state.companies[id] {
                company = existing
            } else {
                var id = state.ids.next(time: Double(now))
                while state.companies[id] != nil || state.contacts[id] != nil { id = state.ids.next(time: Double(now)) }
                company = Company(id: id, companyID: remote, createdAt: now, updatedAt: now)
            }
            let before = company
            for member in fields.members {
                let value = member.value
                switch member.key {
                case "company_id": break
                case "name": company.name = try Self.text(value, "name")
                case "plan":
                    company.plan = try Self.text(value, "plan")
                    if let plan = company.plan, state.planIDs[plan] == nil {
                        state.planIDs[plan] = String(state.planIDs.count + 1)
                    }
                case "size": company.size = try Self.integer(value, "size")
                case "website": company.website = try Self.text(value, "website")
                case "industry": company.industry = try Self.text(value, "industry")
                case "monthly_spend":
                    // Intercom truncates a fraction and takes at most 2^31 - 1.
                    guard case .number(let text) = value, let spend = Double(text), spend >= 0, spend <= 2_147_483_647
                    else {
                        throw IntercomAPIError(
                            .badRequest, "bad_request", "(sandbox) monthly_spend must be a number from 0 to 2147483647",
                            field: "monthly_spend")
                    }
                    company.monthlySpend = Int(spend)
                case "remote_created_at": company.remoteCreatedAt = try Self.integer(value, "remote_created_at")
                case "update_last_request_at": if value == .bool(true) { company.lastRequestAt = now }
                case "custom_attributes":
                    guard case .object(let custom) = value else {
                        throw IntercomAPIError(
                            .badRequest, "bad_request", "Custom attributes must be an object",
                            field: "custom_attributes")
                    }
                    for attribute in custom.members {
                        guard let known = state.companyAttributes[attribute.key] else {
                            throw IntercomAPIError(
                                .badRequest, "bad_request", "Custom attribute '\(attribute.key)' does not exist",
                                field: "custom_attributes.\(attribute.key)")
                        }
                        try ContactChanges.check(attribute.value, against: known)
                        company.customAttributes[attribute.key] = attribute.value
                    }
                default:
                    throw IntercomAPIError(.badRequest, "bad_request", "bad '\(member.key)' parameter")
                }
            }
            guard company != before || state.companies[company.id] == nil else { return company }
            company.updatedAt = max(now, company.updatedAt)
            try persist { try $0.save(company) }
            if state.companies[company.id] == nil {
                state.companyOrder.append(company.id)
                state.companyIDByRemoteID[remote] = company.id
            }
            state.companies[company.id] = company
            return company
        }
    }

    func company(id: String) throws -> Company {
        try state.withLock { state in
            guard let company = state.companies[id] else { throw IntercomAPIError.companyNotFound }
            return company
        }
    }

    /// Companies, filtered by `company_id`, name or tag, one page of them (pages from 1), and how many in all.
    func companies(companyID: String?, name: String?, tagID: String?, page: Int, perPage: Int) -> (
        companies: [Company], total: Int
    ) {
        state.withLock { state in
            var all = state.companyOrder.compactMap { state.companies[$0] }
            if let companyID { all = all.filter { $0.companyID == companyID } }
            if let name { all = all.filter { $0.name == name } }
            if let tagID { all = all.filter { $0.tagIDs.contains(tagID) } }
            let start = min(all.count, (page - 1) * perPage)
            return (Array(all[start..<min(all.count, start + perPage)]), all.count)
        }
    }

    /// Attaches company `companyID` (Intercom's id) to a contact, once.
    func attachCompany(contactID: String, companyID: String) throws -> Company {
        try state.withLock { state in
            guard var contact = state.contacts[contactID] else {
                throw IntercomAPIError(.notFound, "not_found", "User Not Found")
            }
            guard var company = state.companies[companyID] else { throw IntercomAPIError.companyNotFound }
            guard !contact.companyIDs.contains(companyID) else { return company }
            contact.companyIDs.append(companyID)
            company.userCount += 1
            try persist { try $0.save(contact) }
            state.contacts[contactID] = contact
            state.companies[companyID] = company
            scheduleSearchUpdate(contactID, now: clock.now(), in: &state)
            return company
        }
    }

    /// Detaches a company from a contact.
    func detachCompany(contactID: String, companyID: String) throws -> Company {
        try state.withLock { state in
            guard var contact = state.contacts[contactID] else {
                throw IntercomAPIError(.notFound, "not_found", "User Not Found")
            }
            guard var company = state.companies[companyID], contact.companyIDs.contains(companyID) else {
                throw IntercomAPIError.companyNotFound
            }
            contact.companyIDs.removeAll { $0 == companyID }
            company.userCount -= 1
            try persist { try $0.save(contact) }
            state.contacts[contactID] = contact
            state.companies[companyID] = company
            scheduleSearchUpdate(contactID, now: clock.now(), in: &state)
            return company
        }
    }

    /// The companies of a contact, in the order they were attached.
    func contactCompanies(id: String) throws -> [Company] {
        try state.withLock { state in
            guard let contact = state.contacts[id] else {
                throw IntercomAPIError(.notFound, "not_found", "User Not Found")
            }
            return contact.companyIDs.compactMap { state.companies[$0] }
        }
    }

    /// The tags and plan ids that rendering a company needs.
    func companyContext() -> (tags: [String: Tag], plans: [String: String]) {
        state.withLock { ($0.tags, $0.planIDs) }
    }

    /// The tags (by id) that rendering contacts needs.
    func tagsByID() -> [String: Tag] {
        state.withLock { $0.tags }
    }

    private static func text(_ value: JSONValue, _ field: String) throws -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        default: throw IntercomAPIError(.badRequest, "bad_request", "(sandbox) \(field) must be a string", field: field)
        }
    }

    private static func integer(_ value: JSONValue, _ field: String) throws -> Int? {
        switch value {
        case .null: return nil
        case .number(let text):
            if let number = Int(text) { return number }
        default: break
        }
        throw IntercomAPIError(.badRequest, "bad_request", "(sandbox) \(field) must be an integer", field: field)
    }
}
