import ContactIO
import ContactMapping
import IntercomAPI
import JSONText

/// The calls that carry a ``RowDecision`` out, and what their failures mean for the row.
extension ImportWorker {
    func create(_ row: ImportRow) {
        let payload = row.contact.payload
        let client = self.client
        do throws(IntercomError) {
            // A retry after a lost answer may meet the contact its first attempt created: it is this row's if it
            // holds the row.
            let contact = try waitFor {
                try await client.createContact(payload) {
                    ContactDiff.changes(payload, comparedWith: $0).members.isEmpty
                }
            }
            remember(row, id: contact.id, state: self.state(of: contact))
            settle(row, id: contact.id, current: .none)
            recorder.created(row, id: contact.id)
        } catch {
            guard case .conflict(let id?, let archived) = error.kind else {
                fail(row, error)
                return
            }
            act(row, archived ? .archived(id: id) : .conflict(id: id))
        }
    }

    /// A create answered 409 naming contact `id`: fetched, then decided again with what it holds. A 409 can also
    /// come from another identifier (an external_id that another person's contact holds): updating that contact
    /// would overwrite it with this row.
    func fetchAndAct(_ row: ImportRow, id: String) {
        let client = self.client
        let existing: IntercomContact
        do throws(IntercomError) {
            existing = try waitFor { try await client.contact(id: id) }
        } catch {
            fail(row, error)
            return
        }
        let key = row.contact.matchKey
        let holds =
            switch context.match {
            case .email: existing.email?.lowercased() == key
            case .externalID: existing.externalID == key
            case .id: existing.id == key
            }
        guard holds else {
            act(row, .other(id: id, email: existing.email, externalID: existing.externalID))
            return
        }
        act(row, .found(id: existing.id, state: state(of: existing)), relations: ContactRelations(existing))
    }

    func unarchiveAndUpdate(_ row: ImportRow, id: String, fields: JSONObject) {
        let client = self.client
        do throws(IntercomError) {
            try waitFor { try await client.setArchived(id: id, false) }
        } catch {
            fail(row, error)
            return
        }
        update(row, id: id, fields: fields, unarchived: true, createIfGone: false)
    }

    /// - Parameter byStoredID: the id comes from the sync state (a 404 means the state is out of date: the key is
    ///   reported, looked up again and created if missing).
    func update(
        _ row: ImportRow, id: String, fields: JSONObject, unarchived: Bool = false, createIfGone: Bool = true,
        byStoredID: Bool = false
    ) {
        let client = self.client
        do throws(IntercomError) {
            let contact = try waitFor { try await client.updateContact(id: id, fields) }
            remember(row, id: contact.id, state: self.state(of: contact))
            settle(row, id: contact.id, current: ContactRelations(contact))
            recorder.updated(row, id: contact.id, fields: fields, unarchived: unarchived, byStoredID: byStoredID)
        } catch {
            if error.kind == .notFound && byStoredID {
                recorder.gone(row, id: id)
                lookUpAndAct(row)
            } else if error.kind == .notFound && createIfGone && options.mode == .upsert && context.match != .id {
                // Deleted since it was found or remembered: the row still wants a contact.
                create(row)
            } else {
                fail(row, error)
            }
        }
    }

    func fail(_ row: ImportRow, _ error: IntercomError) {
        let reason: String
        switch error.kind {
        case .authentication:
            reason = "authentication"
            context.control.stop("\(error)")
        case .forbidden: reason = "forbidden"
        case .notFound: reason = "not_found"
        case .conflict: reason = "conflict"
        case .validation: reason = "refused"
        case .rateLimited: reason = "rate_limited"
        case .server: reason = "server_error"
        case .transport: reason = "transport"
        case .invalidResponse: reason = "invalid_response"
        case .configuration: reason = "configuration"
        }
        recorder.failed(row, reason: reason, message: "\(error)")
    }
}
