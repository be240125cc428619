import JSONText

extension WorkspaceStore {
    /// Every tag, in creation order.
    func allTags() -> [Tag] {
        state.withLock { state in state.tagOrder.compactMap { state.tags[$0] } }
    }

    func tag(id: String) throws -> Tag {
        try state.withLock { state in
            guard let tag = state.tags[id] else { throw IntercomAPIError.routeNotFound }
            return tag
        }
    }

    /// The tag named `name` (in any case), created if there is none.
    func findOrCreateTag(named name: String) throws -> Tag {
        try state.withLock { state in try findOrCreateTag(named: name, in: &state) }
    }

    /// Renames tag `id`.
    func renameTag(id: String, to name: String) throws -> Tag {
        try state.withLock { state in
            guard var tag = state.tags[id] else { throw IntercomAPIError.routeNotFound }
            if let other = state.tagIDByName[name.lowercased()], other != id {
                throw IntercomAPIError.invalid("(sandbox) a tag named '\(name)' exists", field: "name")
            }
            state.tagIDByName[tag.name.lowercased()] = nil
            tag.name = name
            state.tagIDByName[name.lowercased()] = id
            state.tags[id] = tag
            try persist { try $0.save(tag) }
            return tag
        }
    }

    /// Deletes a tag, and takes it off every contact and company.
    func deleteTag(id: String) throws {
        try state.withLock { state in
            guard let tag = state.tags.removeValue(forKey: id) else { throw IntercomAPIError.routeNotFound }
            state.tagIDByName[tag.name.lowercased()] = nil
            state.tagOrder.removeAll { $0 == id }
            for (contactID, contact) in state.contacts where contact.tags.contains(where: { $0.id == id }) {
                var changed = contact
                changed.tags.removeAll { $0.id == id }
                try persist { try $0.save(changed) }
                state.contacts[contactID] = changed
                scheduleSearchUpdate(contactID, now: clock.now(), in: &state)
            }
            for (companyID, company) in state.companies where company.tagIDs.contains(id) {
                var changed = company
                changed.tagIDs.removeAll { $0 == id }
                try persist { try $0.save(changed) }
                state.companies[companyID] = changed
            }
            try persist { try $0.deleteTag(id: id) }
        }
    }

    /// Tags (or, with `untag`, untags) the contacts `ids` with the tag named `name`, created if missing; every id
    /// must name a contact, or nothing is changed.
    /// - Throws: 404 `User Not Found` for an unknown id.
    func tagContacts(named name: String, ids: [(id: String, untag: Bool)]) throws -> Tag {
        let now = Int(clock.now())
        return try state.withLock { state in
            for (id, _) in ids where state.contacts[id] == nil {
                throw IntercomAPIError(.notFound, "not_found", "User Not Found")
            }
            let tag = try findOrCreateTag(named: name, in: &state)
            for (id, untag) in ids {
                try setTag(tag.id, on: id, present: !untag, now: now, in: &state)
            }
            return tag
        }
    }

    /// Puts tag `tagID` on contact `contactID` (or takes it off); returns the tag as applied.
    func setContactTag(contactID: String, tagID: String, present: Bool) throws -> (Tag, AppliedTag) {
        let now = Int(clock.now())
        return try state.withLock { state in
            guard state.contacts[contactID] != nil else {
                throw IntercomAPIError(.notFound, "not_found", "User Not Found")
            }
            guard let tag = state.tags[tagID] else { throw IntercomAPIError.routeNotFound }
            let applied = try setTag(tagID, on: contactID, present: present, now: now, in: &state)
            return (tag, applied ?? AppliedTag(id: tagID, appliedAt: now))
        }
    }

    /// The tags of a contact, with when each was applied.
    func contactTags(id: String) throws -> [(Tag, AppliedTag)] {
        try state.withLock { state in
            guard let contact = state.contacts[id] else {
                throw IntercomAPIError(.notFound, "not_found", "User Not Found")
            }
            return contact.tags.compactMap { applied in state.tags[applied.id].map { ($0, applied) } }
        }
    }

    /// Tags (or untags) companies, each given by Intercom's `id` or the client's `company_id`.
    func tagCompanies(named name: String, references: [(reference: CompanyReference, untag: Bool)]) throws -> (
        Tag, [(id: String, tagged: Bool)]
    ) {
        let now = Int(clock.now())
        return try state.withLock { state in
            let ids = try references.map { reference, untag in
                guard let id = state.companyID(reference) else { throw IntercomAPIError.companyNotFound }
                return (id, untag)
            }
            let tag = try findOrCreateTag(named: name, in: &state)
            for (id, untag) in ids {
                var company = state.companies[id]!
                let had = company.tagIDs.contains(tag.id)
                guard had == untag else { continue }
                if untag { company.tagIDs.removeAll { $0 == tag.id } } else { company.tagIDs.append(tag.id) }
                company.updatedAt = max(now, company.updatedAt)
                try persist { try $0.save(company) }
                state.companies[id] = company
            }
            return (tag, ids.map { ($0.0, !$0.1) })
        }
    }

    private func findOrCreateTag(named name: String, in state: inout State) throws -> Tag {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw IntercomAPIError.invalid("invalid tag parameters", field: "name") }
        if let id = state.tagIDByName[trimmed.lowercased()], let tag = state.tags[id] { return tag }
        let tag = Tag(id: String(state.nextTagID), name: trimmed)
        try persist { try $0.save(tag) }
        state.nextTagID += 1
        state.tags[tag.id] = tag
        state.tagOrder.append(tag.id)
        state.tagIDByName[trimmed.lowercased()] = tag.id
        return tag
    }

    /// Applies or removes one tag on one contact; the tag as applied, nil when it was removed or absent.
    @discardableResult
    private func setTag(_ tagID: String, on contactID: String, present: Bool, now: Int, in state: inout State) throws
        -> AppliedTag?
    {
        guard var contact = state.contacts[contactID] else { return nil }
        let existing = contact.tags.first { $0.id == tagID }
        if present, let existing { return existing }
        if !present && existing == nil { return nil }
        if present {
            contact.tags.append(AppliedTag(id: tagID, appliedAt: now))
        } else {
            contact.tags.removeAll { $0.id == tagID }
        }
        try persist { try $0.save(contact) }
        state.contacts[contactID] = contact
        scheduleSearchUpdate(contactID, now: Double(now), in: &state)
        return present ? contact.tags.last : nil
    }
}

/// How a request names a company: by Intercom's id or by the client's `company_id`.
enum CompanyReference: Sendable, Equatable {
    case id(String)
    case companyID(String)
}

extension WorkspaceStore.State {
    /// Intercom's id of the company a reference names, if it exists.
    func companyID(_ reference: CompanyReference) -> String? {
        switch reference {
        case .id(let id): companies[id] == nil ? nil : id
        case .companyID(let remote): companyIDByRemoteID[remote]
        }
    }
}

extension IntercomAPIError {
    static let companyNotFound = IntercomAPIError(.notFound, "company_not_found", "Company Not Found")
}
