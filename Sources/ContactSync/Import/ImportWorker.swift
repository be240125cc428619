import ContactIO
import ContactMapping
import IntercomAPI
import Synchronization

/// What every worker shares: the client, the options, where outcomes go, and the stop switch.
struct ImportContext: Sendable {
    var client: IntercomClient
    var options: ImportOptions
    var match: MappingFile.MatchKey
    var recorder: ImportRecorder
    var control: ImportControl
    /// The mapping's standard fields and custom attributes, for comparing contacts (see ``ContactDiff``).
    var standardFields: [String]
    var customFields: [String]
    var memory: SharedKeyMemory
    var router: KeyRouter
    /// Where confirmed writes go, with a sync state (never in a dry run).
    var journal: StateJournal?
}

/// One of the import's Dispatch workers: it applies the rows routed to it in order, in batches that share a lookup.
///
/// While a key has rows in a worker, every row of that key goes to the same worker (see ``KeyRouter``), so repeated
/// keys are applied in file order.
final class ImportWorker: Sendable {
    let queue: BoundedQueue<ImportRow>
    /// Rows routed to this worker and not done yet (the router's measure of load).
    let pending = Atomic<Int>(0)
    private let context: ImportContext
    /// Why `--mode create` leaves a row alone.
    private static let existsInCreateMode = "the contact exists (--mode create)"

    init(context: ImportContext) {
        self.context = context
        queue = BoundedQueue(
            capacity: max(
                4 * context.options.lookupBatch, context.options.bufferedRows / max(1, context.options.concurrency)))
    }

    private var memory: SharedKeyMemory { context.memory }

    private var client: IntercomClient { context.client }
    private var options: ImportOptions { context.options }
    private var recorder: ImportRecorder { context.recorder }

    /// Processes batches until the queue is finished, or abandons what is left once the run is stopped.
    ///
    /// While a batch is written, the next batch's lookup is already in flight when its rows are waiting, so that a
    /// worker spends its time on writes: the search is hidden behind them instead of adding to every 15 rows.
    func run() {
        let size = options.lookupBatch
        var batch = queue.take(upTo: size, linger: options.linger)
        var lookup = startLookup(batch)
        while !batch.isEmpty {
            guard !context.control.isStopped else {
                for row in batch { recorder.notSent(row) }
                break
            }
            let next = queue.takeIfReady(upTo: size)
            let nextLookup = startLookup(next)
            process(batch, lookup: lookup)
            if next.isEmpty {
                batch = queue.take(upTo: size, linger: options.linger)
                lookup = startLookup(batch)
            } else {
                batch = next
                lookup = nextLookup
            }
        }
        for row in queue.abandon() { recorder.notSent(row) }
    }

    /// A batch's search, and the keys it asked for.
    private struct BatchLookup {
        var call: PendingCall<[String: IntercomContact]>?
        var searched: Set<String> = []
    }

    /// Starts the search for the batch's keys that this worker does not already know.
    private func startLookup(_ batch: [ImportRow]) -> BatchLookup {
        var keys: [String] = []
        var roles: [String: String] = [:]
        // A row with an id from the sync state is updated by that id: no lookup.
        for row in batch
        where row.storedID == nil && memory[row.contact.matchKey] == nil && roles[row.contact.matchKey] == nil {
            keys.append(row.contact.matchKey)
            roles[row.contact.matchKey] = row.contact.role
        }
        guard !keys.isEmpty else { return BatchLookup() }
        let search = ContactLookup(client: client, match: context.match)
        let (wanted, rolesByKey) = (keys, roles)
        return BatchLookup(
            call: PendingCall { () async throws(IntercomError) in try await search.find(wanted, roles: rolesByKey) },
            searched: Set(keys))
    }

    private func process(_ batch: [ImportRow], lookup: BatchLookup) {
        var found: [String: IntercomContact] = [:]
        if let call = lookup.call {
            do throws(IntercomError) {
                found = try call.wait()
            } catch {
                for row in batch {
                    fail(row, error)
                    done(row)
                }
                return
            }
        }
        for (position, row) in batch.enumerated() {
            guard !context.control.isStopped else {
                for rest in batch[position...] { recorder.notSent(rest) }
                return
            }
            let key = row.contact.matchKey
            handle(row, found: found[key], searched: lookup.searched.contains(key))
            done(row)
        }
    }

    /// The row's outcome is recorded: its key may move to another worker, and this worker has one row less.
    private func done(_ row: ImportRow) {
        context.router.release(row.contact.matchKey)
        pending.subtract(1, ordering: .relaxed)
    }

    // MARK: One row

    /// - Parameter searched: the batch's search asked for the key (it did not when the run remembered the key then).
    private func handle(_ row: ImportRow, found: IntercomContact?, searched: Bool) {
        let key = row.contact.matchKey
        let payload = row.contact.payload
        if let known = memory[key] {
            recorder.repeatedKey()
            if let state = known.state {
                apply(row, id: known.id, changes: ContactDiff.changes(payload, comparedWith: state), state: state)
            } else if known.payloadHash == row.hash {
                remember(row, id: known.id, state: nil)
                confirm(row, id: known.id)
                recorder.unchanged()
            } else if options.mode == .create {
                recorder.unchanged(skipped: Self.existsInCreateMode)
            } else if options.dryRun || known.id.isEmpty {
                remember(row, id: known.id, state: nil)
                recorder.updated()
            } else {
                update(row, id: known.id, fields: payload)
            }
            return
        }
        if let id = row.storedID {
            updateStored(row, id: id)
        } else if !searched {
            // The run remembered the key when the search left it out, and has forgotten it since (the memory is
            // bounded): look it up now rather than create it again and meet a 409.
            lookUpAndHandle(row)
        } else {
            handle(row, lookedUp: found)
        }
    }

    /// Looks the row's key up alone, then handles the row with what the search found.
    private func lookUpAndHandle(_ row: ImportRow) {
        let search = ContactLookup(client: client, match: context.match)
        let (key, role) = (row.contact.matchKey, row.contact.role)
        do throws(IntercomError) {
            let found = try waitFor { () async throws(IntercomError) in try await search.find([key], roles: [key: role])
            }
            handle(row, lookedUp: found[key])
        } catch {
            fail(row, error)
        }
    }

    /// A row whose key was looked up (or that the sync state had no id for).
    private func handle(_ row: ImportRow, lookedUp found: IntercomContact?) {
        let key = row.contact.matchKey
        let payload = row.contact.payload
        if let contact = found {
            apply(row, to: contact)
            return
        }
        guard options.mode != .update else {
            recorder.unchanged(skipped: "no such contact in Intercom (--mode update)")
            return
        }
        guard context.match != .id else {
            recorder.failed(
                row, reason: "not_found",
                message: "no contact has id '\(key)', and a contact cannot be created with a given id")
            return
        }
        if options.dryRun {
            remember(row, id: "", state: ContactDiff.applying(payload, to: [:]))
            // An earlier row of this key would have created the contact, even if this run no longer remembers it.
            if row.hadEarlier { recorder.updated() } else { recorder.created() }
            return
        }
        create(row)
    }

    /// A row whose contact Intercom returned: compared with it, then applied.
    private func apply(_ row: ImportRow, to contact: IntercomContact) {
        let state = self.state(of: contact)
        apply(row, id: contact.id, changes: ContactDiff.changes(row.contact.payload, comparedWith: state), state: state)
    }

    /// A row whose contact exists and whose differences from it are `changes`.
    private func apply(_ row: ImportRow, id: String, changes: JSONObject, state: JSONObject) {
        var changes = changes
        // A later row of the key sets the role as well, and it is the one that counts: this row's role is no change
        // to make (and a user cannot be made a lead again, so a rerun would fail the row every night).
        if row.hasLater { changes.members.removeAll { $0.key == "role" } }
        if options.mode == .create {
            recorder.unchanged(skipped: Self.existsInCreateMode)
        } else if changes.members.isEmpty {
            // Nothing new to remember about a contact that search finds as it is, unless later rows will ask.
            if row.hasLater { remember(row, id: id, state: state) }
            if !options.dryRun { confirm(row, id: id) }
            recorder.unchanged()
        } else if options.dryRun || id.isEmpty {
            remember(row, id: id, state: ContactDiff.applying(changes, to: state))
            recorder.updated()
        } else {
            update(row, id: id, fields: changes)
        }
    }

    /// A changed row whose id the sync state keeps: one update by that id, no lookup. If Intercom no longer has the
    /// id (deleted or merged since), the key is reported, looked up again and created if missing.
    private func updateStored(_ row: ImportRow, id: String) {
        guard options.mode != .create else {
            recorder.unchanged(skipped: Self.existsInCreateMode)
            return
        }
        guard !options.dryRun else {
            remember(row, id: id, state: nil)
            recorder.updated(byStoredID: true)
            return
        }
        update(row, id: id, fields: row.contact.payload, byStoredID: true)
    }

    /// The sync state's id for the row's key answered 404: reported, then the key is looked up again.
    private func lookUpAgain(_ row: ImportRow, goneID id: String) {
        recorder.gone(row, id: id)
        lookUpAndHandle(row)
    }

    /// Intercom confirmed that the contact holds the row: the sync state may record it (each row of a repeated key
    /// under its own entry).
    private func confirm(_ row: ImportRow, id: String) {
        guard let journal = context.journal, !id.isEmpty else { return }
        journal.add(
            key: SyncStateStore.rowKey(row.contact.matchKey, ordinal: row.ordinal), id: id, payloadHash: row.stateHash,
            sequence: row.line)
    }

    /// Remembers the row's key; the contact's state only while later rows of the key are to come.
    private func remember(_ row: ImportRow, id: String, state: @autoclosure () -> JSONObject?) {
        memory.remember(row.contact.matchKey, id: id, payloadHash: row.hash, state: row.hasLater ? state() : nil)
    }

    private func state(of contact: IntercomContact) -> JSONObject {
        ContactDiff.state(of: contact, standard: context.standardFields, custom: context.customFields)
    }

    private func create(_ row: ImportRow) {
        let payload = row.contact.payload
        let client = self.client
        do throws(IntercomError) {
            let contact = try waitFor { try await client.createContact(payload) }
            remember(row, id: contact.id, state: self.state(of: contact))
            confirm(row, id: contact.id)
            recorder.created()
        } catch {
            guard case .conflict(let id?, let archived) = error.kind else {
                fail(row, error)
                return
            }
            guard options.mode != .create else {
                // The search missed it, but the contact exists, and this mode never updates.
                recorder.unchanged(skipped: Self.existsInCreateMode)
                return
            }
            // The search missed a contact that exists (index lag, or someone else created it meanwhile): it is ours
            // to update, not to duplicate, if it is the contact of this row's key.
            guard archived else {
                updateAfterConflict(row, id: id)
                return
            }
            guard options.unarchive else {
                recorder.failed(
                    row, reason: "archived",
                    message: "an archived contact (id=\(id)) has this key; re-run with --unarchive to restore and "
                        + "update it")
                return
            }
            do throws(IntercomError) {
                try waitFor { try await client.setArchived(id: id, false) }
            } catch {
                fail(row, error)
                return
            }
            update(row, id: id, fields: payload, unarchived: true, createIfGone: false)
        }
    }

    /// A create answered 409 naming contact `id`: fetched, and updated with the row's differences only if it is the
    /// contact of the row's key. A 409 can also come from another identifier (an external_id that another person's
    /// contact holds): updating that contact would overwrite it with this row, so the row fails instead.
    private func updateAfterConflict(_ row: ImportRow, id: String) {
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
            recorder.failed(
                row, reason: "conflict",
                message: "creating it conflicts with contact \(id) (email \(existing.email ?? "none"), external_id "
                    + "\(existing.externalID ?? "none")), which has another \(context.match.rawValue); fix the row or "
                    + "that contact")
            return
        }
        apply(row, to: existing)
    }

    /// - Parameter byStoredID: the id comes from the sync state (a 404 means the state is out of date).
    private func update(
        _ row: ImportRow, id: String, fields: JSONObject, unarchived: Bool = false, createIfGone: Bool = true,
        byStoredID: Bool = false
    ) {
        let client = self.client
        do throws(IntercomError) {
            let contact = try waitFor { try await client.updateContact(id: id, fields) }
            remember(row, id: contact.id, state: self.state(of: contact))
            confirm(row, id: contact.id)
            recorder.updated(unarchived: unarchived, byStoredID: byStoredID)
        } catch {
            if error.kind == .notFound && byStoredID {
                lookUpAgain(row, goneID: id)
            } else if error.kind == .notFound && createIfGone && options.mode == .upsert && context.match != .id {
                // Deleted since it was found or remembered: the row still wants a contact.
                create(row)
            } else {
                fail(row, error)
            }
        }
    }

    // MARK: Failures

    private func fail(_ row: ImportRow, _ error: IntercomError) {
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
        recorder.failed(
            row, reason: reason, message: "\(error)")
    }
}
