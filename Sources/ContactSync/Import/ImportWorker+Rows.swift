import ContactIO
import ContactMapping
import IntercomAPI
import JSONText

/// One row: what the worker knows of its contact, the ``RowDecision`` for it, and the calls that carry it out.
extension ImportWorker {
    /// - Parameter searched: the batch's search asked for the key (it did not when the run remembered the key then).
    func handle(_ row: ImportRow, found: IntercomContact?, searched: Bool) {
        if let known = memory[row.contact.matchKey] {
            recorder.repeatedKey()
            if let state = known.state {
                act(row, .found(id: known.id, state: state))
            } else {
                act(row, .written(id: known.id, payloadHash: known.payloadHash))
            }
        } else if let id = row.storedID {
            act(row, .stored(id: id))
        } else if !searched {
            // The run remembered the key when the search left it out, and has forgotten it since (the memory is
            // bounded): look it up now rather than create it again and meet a 409.
            lookUpAndAct(row)
        } else {
            act(
                row, found.map { .found(id: $0.id, state: state(of: $0)) } ?? .absent,
                relations: found.map(ContactRelations.init))
        }
    }

    /// Carries out the decision for `row` whose contact is `contact`.
    /// - Parameter relations: the tags and companies the contact object showed, when the row found one.
    func act(_ row: ImportRow, _ contact: RowDecision.Contact, relations: ContactRelations? = nil) {
        let rules = RowDecision.Rules(
            mode: options.mode, dryRun: options.dryRun, match: context.match, unarchive: options.unarchive)
        let facts = RowDecision.Row(
            payload: row.contact.payload, hash: row.hash, key: row.contact.matchKey, hasLater: row.hasLater,
            hadEarlier: row.hadEarlier)
        // The values the contact has now, when known: what a dry run remembers it would have after the row.
        var values: JSONObject?
        if case .found(_, let state) = contact { values = state }
        if case .absent = contact { values = [:] }
        let byStoredID = if case .stored = contact { true } else { false }
        switch RowDecision.decide(facts, contact, rules) {
        case .create:
            create(row)
        case .update(let id, let fields):
            update(row, id: id, fields: fields, byStoredID: byStoredID)
        case .fetch(let id):
            fetchAndAct(row, id: id)
        case .unarchiveAndUpdate(let id, let fields):
            unarchiveAndUpdate(row, id: id, fields: fields)
        case .unchanged(let id):
            // Nothing new to remember about a contact that search finds as it is, unless later rows will ask.
            if row.hasLater || values == nil { remember(row, id: id, state: values) }
            if !options.dryRun { settle(row, id: id, current: relations ?? .unknown) }
            recorder.unchanged(row, id: id)
        case .skip(let reason):
            recorder.unchanged(row, id: contact.id, skipped: reason)
        case .wouldCreate:
            remember(row, id: "", state: ContactDiff.applying(row.contact.payload, to: [:]))
            recorder.created(row, id: "")
        case .wouldUpdate(let id, let fields):
            remember(row, id: id, state: values.map { ContactDiff.applying(fields, to: $0) })
            recorder.updated(row, id: id, fields: fields, byStoredID: byStoredID)
        case .fail(let reason, let message):
            recorder.failed(row, reason: reason, message: message)
        }
    }

    /// Looks the row's key up alone, then acts on what the search found.
    func lookUpAndAct(_ row: ImportRow) {
        let search = ContactLookup(client: client, match: context.match)
        let (key, role) = (row.contact.matchKey, row.contact.role)
        do throws(IntercomError) {
            let found = try waitFor { () async throws(IntercomError) in try await search.find([key], roles: [key: role])
            }
            act(
                row, found[key].map { .found(id: $0.id, state: state(of: $0)) } ?? .absent,
                relations: found[key].map(ContactRelations.init))
        } catch {
            fail(row, error)
        }
    }

    /// Intercom confirmed that the contact holds the row: the sync state may record it (each row of a repeated key
    /// under its own entry).
    func confirm(_ row: ImportRow, id: String) {
        guard let journal = context.journal, !id.isEmpty else { return }
        journal.add(
            key: SyncStateStore.rowKey(row.contact.matchKey, ordinal: row.ordinal), id: id, payloadHash: row.stateHash,
            sequence: row.line)
    }

    /// Confirms the row once its contact `id` holds its tags and companies too (at once without them): a row whose
    /// tags wait for their batch is confirmed when the batch is sent; one whose companies failed is not confirmed,
    /// so that the next run with the sync state tries it again.
    func settle(_ row: ImportRow, id: String, current: ContactRelations) {
        guard let relations = context.relations, !id.isEmpty,
            !row.contact.tags.isEmpty || !row.contact.companies.isEmpty || relations.syncTags
        else {
            confirm(row, id: id)
            return
        }
        let (tags, companies, line) = (row.contact.tags, row.contact.companies, row.line)
        try? waitFor {
            try await relations.settle(
                contactID: id, line: line, tags: tags, companies: companies, current: current
            ) { [self] in self.confirm(row, id: id) }
        }
    }

    /// Remembers the row's key; the contact's state only while later rows of the key are to come.
    func remember(_ row: ImportRow, id: String, state: @autoclosure () -> JSONObject?) {
        memory.remember(row.contact.matchKey, id: id, payloadHash: row.hash, state: row.hasLater ? state() : nil)
    }

    func state(of contact: IntercomContact) -> JSONObject {
        ContactDiff.state(of: contact, standard: context.standardFields, custom: context.customFields)
    }
}
