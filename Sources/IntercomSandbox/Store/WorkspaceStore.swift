import Foundation
import Hummingbird
import JSONText
import Synchronization

/// The sandbox workspace: contacts, data attributes and admins, behind one lock, with an injected clock.
///
/// Two views of the contacts, as on the real service: the live one (get, list, conflicts) sees every write at once;
/// the search index sees a write only `searchLag` seconds later, so the races of search-then-create integrations
/// (duplicate creates, 409s) can be reproduced.
final class WorkspaceStore: Sendable {
    struct Settings: Sendable {
        var workspaceID = "sandbox1"
        var searchLag: Double = 0
        var seed: UInt64 = 1
        /// Every admin of the workspace; the first is the token's own (`GET /me`).
        var admins = [SandboxAdmin.owner] + SandboxAdmin.teammates
        var admin: SandboxAdmin { admins[0] }
        /// Where the workspace is kept across restarts; nil keeps it in memory only.
        var database: WorkspaceDatabase?
        /// The secret that seals paging cursors; nil takes the database's, or a random one without a database.
        var cursorSecret: [UInt8]?
        /// The most contacts one `POST /tags` may tag.
        var tagBatchLimit = 1_000
    }

    struct State: Sendable {
        var contacts: [String: Contact] = [:]
        /// Contact ids by sequence - 1; nil where a contact was deleted.
        var bySequence: [String?] = []
        var liveCount = 0
        /// Archived contacts among the live ones: list and search leave them out, and so must their counts.
        var archivedCount = 0
        var userIDByEmail: [String: String] = [:]
        var idByExternalID: [String: String] = [:]
        var customAttributes: [String: DataAttribute] = [:]
        var customAttributeOrder: [String] = []
        /// Custom attributes of the company model: a list of their own, unknown to contacts.
        var companyAttributes: [String: DataAttribute] = [:]
        var companyAttributeOrder: [String] = []
        var nextAttributeID = 12_878
        var ids: IdentifierGenerator
        var search = SearchIndex()
        /// Writes not yet visible to search: due time, contact id and the contact as written (nil: deleted), in due
        /// order since the lag is constant.
        var pendingIndex: [(Double, String, Contact?)] = []
        var pendingHead = 0
        /// Tags by id, in creation order, and by lower-cased name (names are unique in any case).
        var tags: [String: Tag] = [:]
        var tagOrder: [String] = []
        var tagIDByName: [String: String] = [:]
        var nextTagID = 7_522_900
        /// Companies by Intercom id, in creation order, and by the client's `company_id`.
        var companies: [String: Company] = [:]
        var companyOrder: [String] = []
        var companyIDByRemoteID: [String: String] = [:]
        /// Plan ids by plan name (a company's `plan` is a name on input, an object with an id on output).
        var planIDs: [String: String] = [:]
    }

    let settings: Settings
    /// The ids `owner_id` accepts: every admin's.
    let adminIDs: Set<Int>
    let clock: SandboxClock
    let state: Mutex<State>
    /// Seals and opens the cursors of list and search pages.
    let cursors: CursorSealer

    /// - Throws: when the database of `settings` cannot be read.
    init(settings: Settings, clock: SandboxClock) throws {
        self.settings = settings
        adminIDs = Set(settings.admins.map(\.id))
        self.clock = clock
        var initial = State(ids: IdentifierGenerator(seed: settings.seed ^ UInt64(clock.now())))
        if let database = settings.database {
            let snapshot = try database.load()
            initial.bySequence = Array(repeating: nil, count: snapshot.sequenceCount)
            for contact in snapshot.contacts {
                initial.ids.skip(past: contact.id)
                initial.insert(contact)
                initial.search.update(id: contact.id, to: contact)
            }
            for attribute in snapshot.attributes {
                initial.add(attribute)
            }
            initial.nextAttributeID = snapshot.nextAttributeID ?? initial.nextAttributeID
            for tag in snapshot.tags {
                initial.tags[tag.id] = tag
                initial.tagOrder.append(tag.id)
                initial.tagIDByName[tag.name.lowercased()] = tag.id
                initial.nextTagID = max(initial.nextTagID, (Int(tag.id) ?? 0) + 1)
            }
            for var company in snapshot.companies {
                // The user count is the contacts' to say, not the stored one's.
                company.userCount = 0
                initial.ids.skip(past: company.id)
                initial.companies[company.id] = company
                initial.companyOrder.append(company.id)
                initial.companyIDByRemoteID[company.companyID] = company.id
                if let plan = company.plan, initial.planIDs[plan] == nil {
                    initial.planIDs[plan] = String(initial.planIDs.count + 1)
                }
            }
            for contact in initial.contacts.values {
                for id in contact.companyIDs { initial.companies[id]?.userCount += 1 }
            }
        }
        state = Mutex(initial)
        cursors = CursorSealer(secret: try settings.cursorSecret ?? settings.database?.cursorSecret())
    }

    /// Writes a change through to the database, if there is one; a failure is a 500, as a server's would be.
    func persist(_ write: (WorkspaceDatabase) throws -> Void) throws {
        guard let database = settings.database else { return }
        do {
            try write(database)
        } catch {
            throw IntercomAPIError(
                .internalServerError, "server_error", "The sandbox could not save the change: \(error)")
        }
    }

    // MARK: Contacts

    func create(_ body: JSONValue) throws -> Contact {
        let now = clock.now()
        return try state.withLock { state in
            let changes = try ContactChanges(
                body: body, customAttributes: state.customAttributes, adminIDs: adminIDs)
            let role = changes.role ?? "user"
            let email = changes.email ?? nil
            let externalID = changes.externalID ?? nil
            if role == "user" && email == nil && externalID == nil {
                throw IntercomAPIError.invalid("A user must have an email or an external_id")
            }
            try checkConflicts(state, email: role == "user" ? email : nil, externalID: externalID, except: nil)
            let seconds = Int(now)
            var id = state.ids.next(time: now)
            while state.contacts[id] != nil {
                id = state.ids.next(time: now)
            }
            var contact = Contact(
                id: id, sequence: state.bySequence.count + 1, role: role, createdAt: seconds, updatedAt: seconds)
            apply(changes, to: &contact)
            if contact.signedUpAt == nil && role == "user" {
                contact.signedUpAt = seconds
            }
            try persist { try $0.save(contact) }
            state.insert(contact)
            scheduleSearchUpdate(contact.id, now: now, in: &state)
            return contact
        }
    }

    func update(id: String, _ body: JSONValue) throws -> Contact {
        let now = clock.now()
        return try state.withLock { state in
            guard let existing = state.contacts[id] else { throw IntercomAPIError.contactNotFound }
            let changes = try ContactChanges(
                body: body, customAttributes: state.customAttributes, adminIDs: adminIDs)
            if let role = changes.role, role == "lead", existing.role == "user" {
                throw IntercomAPIError(
                    .badRequest, "client_error", "Contact with user role can't be converted to a lead")
            }
            var contact = existing
            apply(changes, to: &contact)
            try checkConflicts(
                state, email: contact.role == "user" ? contact.email : nil, externalID: contact.externalID, except: id)
            guard contact != existing else { return existing }
            contact.updatedAt = max(Int(now), existing.updatedAt)
            try persist { try $0.save(contact) }
            state.contacts[id] = contact
            state.unindex(existing)
            state.index(contact)
            scheduleSearchUpdate(id, now: now, in: &state)
            return contact
        }
    }

    func contact(id: String) throws -> Contact {
        try state.withLock { state in
            guard let contact = state.contacts[id] else { throw IntercomAPIError.contactNotFound }
            return contact
        }
    }

    func delete(id: String) throws -> Contact {
        let now = clock.now()
        return try state.withLock { state in
            guard state.contacts[id] != nil else { throw IntercomAPIError.contactNotFound }
            try persist { try $0.deleteContact(id: id) }
            let contact = state.contacts.removeValue(forKey: id)!
            for companyID in contact.companyIDs { state.companies[companyID]?.userCount -= 1 }
            state.bySequence[contact.sequence - 1] = nil
            state.liveCount -= 1
            if contact.archived { state.archivedCount -= 1 }
            state.unindex(contact)
            scheduleSearchUpdate(id, now: now, in: &state)
            return contact
        }
    }

    func setArchived(id: String, _ archived: Bool) throws -> Contact {
        let now = clock.now()
        return try state.withLock { state in
            guard var contact = state.contacts[id] else { throw IntercomAPIError.contactNotFound }
            guard contact.archived != archived else { return contact }
            contact.archived = archived
            try persist { try $0.save(contact) }
            state.contacts[id] = contact
            state.archivedCount += archived ? 1 : -1
            scheduleSearchUpdate(id, now: now, in: &state)
            return contact
        }
    }

    func contact(externalID: String) throws -> Contact {
        try state.withLock { state in
            guard let id = state.idByExternalID[externalID], let contact = state.contacts[id],
                contact.role == "user", !contact.archived
            else { throw IntercomAPIError(.notFound, "not_found", "User Not Found") }
            return contact
        }
    }

    /// One page of `GET /contacts`, in insertion order (stable while contacts are added).
    func list(perPage: Int, after cursor: ListCursor?) -> (contacts: [Contact], total: Int, next: ListCursor?) {
        state.withLock { state in
            var contacts: [Contact] = []
            var index = cursor?.sequence ?? 0
            while index < state.bySequence.count && contacts.count < perPage {
                if let id = state.bySequence[index], let contact = state.contacts[id], !contact.archived {
                    contacts.append(contact)
                }
                index += 1
            }
            var next: ListCursor?
            if let last = contacts.last, contacts.count == perPage {
                // Only announce a next page when one exists, as Intercom does.
                var probe = last.sequence
                while probe < state.bySequence.count {
                    if let id = state.bySequence[probe], let contact = state.contacts[id], !contact.archived {
                        next = ListCursor(sequence: last.sequence, page: (cursor?.page ?? 1) + 1)
                        break
                    }
                    probe += 1
                }
            }
            return (contacts, state.liveCount - state.archivedCount, next)
        }
    }

    // MARK: Search

    /// Runs a validated search against the (lagged) search index.
    func search(_ request: SearchRequest) -> SearchResult {
        let now = clock.now()
        return state.withLock { state in
            applyDueSearchUpdates(now: now, in: &state)
            return state.search.run(request)
        }
    }

    /// The custom attributes, for validating searches.
    func customAttributes() -> [String: DataAttribute] {
        state.withLock { $0.customAttributes }
    }

    // MARK: Data attributes

    /// The attributes of `model`, standard ones first; nil lists both models, as Intercom does without `model`.
    func dataAttributes(model: DataAttribute.Model?) -> [DataAttribute] {
        state.withLock { state in
            var result: [DataAttribute] = []
            if model != .company {
                result += DataAttribute.standardContactAttributes
                result += state.customAttributeOrder.compactMap { state.customAttributes[$0] }
            }
            if model != .contact {
                result += DataAttribute.standardCompanyAttributes
                result += state.companyAttributeOrder.compactMap { state.companyAttributes[$0] }
            }
            return result
        }
    }

    func createDataAttribute(_ body: JSONValue) throws -> DataAttribute {
        let now = Int(clock.now())
        return try state.withLock { state in
            guard case .string(let name)? = body["name"], !name.isEmpty else {
                throw IntercomAPIError(.badRequest, "parameter_not_found", "Name is required", field: "name")
            }
            guard case .string(let modelName)? = body["model"], let model = DataAttribute.Model(rawValue: modelName)
            else {
                throw IntercomAPIError.invalid("The Data Attribute model field must be either contact or company")
            }
            guard case .string(let typeName)? = body["data_type"], let type = DataAttribute.DataType(rawValue: typeName)
            else { throw IntercomAPIError.invalid("Data Type isn't an option") }
            let allowed = name.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == " "
                    || $0.properties.generalCategory == .currencySymbol
            }
            guard allowed else {
                throw IntercomAPIError.invalid(
                    "Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens"
                )
            }
            let data = model == .contact ? "people" : "company"
            if DataAttribute.standard(model).contains(where: { $0.name.lowercased() == name.lowercased() }) {
                throw IntercomAPIError.invalid("'\(name)' is one of our standard attributes for your \(data) data")
            }
            let existing = model == .contact ? state.customAttributes : state.companyAttributes
            if existing[name] != nil {
                throw IntercomAPIError.invalid("You already have '\(name)' in your \(data) data")
            }
            var options: [String] = []
            if case .array(let items)? = body["options"] {
                options = items.compactMap { $0["value"]?.stringValue }
            }
            if type == .options && options.count < 2 {
                throw IntercomAPIError.invalid("You must have at least two options on a list type data attribute")
            }
            let description = body["description"]?.stringValue ?? ""
            let messengerWritable = body["messenger_writable"] == .bool(true)
            let attribute = DataAttribute(
                id: state.nextAttributeID, model: model, name: name, fullName: "custom_attributes.\(name)", label: name,
                description: description, dataType: type == .datetime ? .date : type, options: options, custom: true,
                apiWritable: true, messengerWritable: messengerWritable, createdAt: now, updatedAt: now)
            let position = model == .contact ? state.customAttributeOrder.count : state.companyAttributeOrder.count
            try persist { try $0.save(attribute, position: position) }
            state.nextAttributeID += 1
            state.add(attribute)
            return attribute
        }
    }

    // MARK: Internals (called with the lock held)

    private func apply(_ changes: ContactChanges, to contact: inout Contact) {
        if let role = changes.role { contact.role = role }
        if let value = changes.externalID { contact.externalID = value }
        if let value = changes.email { contact.email = value }
        if let value = changes.phone { contact.phone = value }
        if let value = changes.name { contact.name = value }
        if let value = changes.avatar { contact.avatar = value }
        if let value = changes.ownerID { contact.ownerID = value }
        if let value = changes.unsubscribedFromEmails { contact.unsubscribedFromEmails = value }
        if let value = changes.signedUpAt { contact.signedUpAt = value }
        if let value = changes.lastSeenAt { contact.lastSeenAt = value }
        for (name, value) in changes.customAttributes {
            contact.customAttributes[name] = value == .null ? nil : value
        }
    }

    private func checkConflicts(_ state: State, email: String?, externalID: String?, except id: String?) throws {
        var conflicting: String?
        if let externalID, let other = state.idByExternalID[externalID], other != id {
            conflicting = other
        } else if let email, let other = state.userIDByEmail[email.lowercased()], other != id {
            conflicting = other
        }
        guard let conflicting, let other = state.contacts[conflicting] else { return }
        let message =
            other.archived
            ? "An archived contact matching those details already exists with id=\(other.id)"
            : "A contact matching those details already exists with id=\(other.id)"
        throw IntercomAPIError(.conflict, "conflict", message)
    }

    func scheduleSearchUpdate(_ id: String, now: Double, in state: inout State) {
        if settings.searchLag <= 0 {
            state.search.update(id: id, to: state.contacts[id])
        } else {
            state.pendingIndex.append((now + settings.searchLag, id, state.contacts[id]))
        }
    }

    private func applyDueSearchUpdates(now: Double, in state: inout State) {
        while state.pendingHead < state.pendingIndex.count && state.pendingIndex[state.pendingHead].0 <= now {
            let (_, id, contact) = state.pendingIndex[state.pendingHead]
            state.search.update(id: id, to: contact)
            state.pendingHead += 1
        }
        if state.pendingHead > 4096 && state.pendingHead * 2 > state.pendingIndex.count {
            state.pendingIndex.removeFirst(state.pendingHead)
            state.pendingHead = 0
        }
    }
}

extension WorkspaceStore {
    /// Makes `count` synthetic contacts (`user<N>@…`, external id `ext-<N>`), spread in time as `shape` says over
    /// `days` days, visible to search at once: a workspace to benchmark and rehearse against.
    /// - Parameters:
    ///   - importedDaysAgo: migration: the import ran on the day this many days ago (0: it has just ended).
    ///   - changedPercent: this share of the contacts were updated in the last six hours (what a nightly
    ///     incremental export finds).
    func preload(
        count: Int, shape: PreloadShape = .spread, days: Int = 365, importedDaysAgo: Int = 0, changedPercent: Int = 0
    ) {
        guard count > 0 else { return }
        let now = clock.now()
        let span = Double(max(1, days)) * 86_400
        // One import runs at about 150 contacts a second; one that ran days ago ran in the morning of its day.
        let importDuration = max(60, count / 150)
        let importEnd =
            importedDaysAgo == 0
            ? Int(now) : (Int(now) / 86_400 - importedDaysAgo) * 86_400 + 9 * 3_600 + importDuration
        var random = PreloadRandom(seed: settings.seed)
        state.withLock { state in
            state.bySequence.reserveCapacity(state.bySequence.count + count)
            for index in 0..<count {
                let fraction = Double(index) / Double(count)
                var contact: Contact
                switch shape {
                case .spread, .recent:
                    // Recent: the cube root puts most of the contacts near the end of the span.
                    let position = shape == .spread ? fraction : cbrt(fraction)
                    let created = Int(now - span + span * position)
                    contact = Contact(
                        id: state.ids.next(time: Double(created)), sequence: state.bySequence.count + 1,
                        role: "user", externalID: "ext-\(index)", email: "user\(index)@example.com",
                        name: "User \(index)", createdAt: created, updatedAt: created, signedUpAt: created)
                case .migration:
                    // One import, in file order; what came from the old system varies.
                    let created = importEnd - Int(Double(importDuration) * (1 - fraction))
                    let lead = random.next() % 5 == 0
                    // Domain sizes fall off like a power law: a few big ones, a long tail of small ones.
                    let domain = Int(Double(300) * pow(Double(random.next() % 10_000) / 10_000, 3))
                    let signedUp = random.next() % 10 == 0 ? nil : created - Int(random.next() % UInt64(span))
                    contact = Contact(
                        id: state.ids.next(time: Double(created)), sequence: state.bySequence.count + 1,
                        role: lead ? "lead" : "user", externalID: "ext-\(index)",
                        email: "user\(index)@domain\(domain).example", name: "User \(index)", createdAt: created,
                        updatedAt: created, signedUpAt: lead ? nil : signedUp)
                }
                if changedPercent > 0, random.next() % 100 < UInt64(changedPercent) {
                    contact.updatedAt = max(contact.createdAt, Int(now) - Int(random.next() % 21_600))
                }
                guard state.idByExternalID[contact.externalID!] == nil else { continue }
                state.insert(contact)
                state.search.update(id: contact.id, to: contact)
            }
        }
    }
}

/// SplitMix64: the preload's variety, the same for the same seed.
struct PreloadRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

extension WorkspaceStore.State {
    /// Adds a new contact to the live view: its place in insertion order and the conflict indexes.
    mutating func insert(_ contact: Contact) {
        contacts[contact.id] = contact
        while bySequence.count < contact.sequence { bySequence.append(nil) }
        bySequence[contact.sequence - 1] = contact.id
        liveCount += 1
        if contact.archived { archivedCount += 1 }
        index(contact)
    }

    /// Adds a custom attribute to its model's list.
    mutating func add(_ attribute: DataAttribute) {
        switch attribute.model {
        case .contact:
            customAttributes[attribute.name] = attribute
            customAttributeOrder.append(attribute.name)
        case .company:
            companyAttributes[attribute.name] = attribute
            companyAttributeOrder.append(attribute.name)
        }
    }

    /// Makes `contact` findable for conflicts: any contact by external id, users by email (case-insensitive).
    mutating func index(_ contact: Contact) {
        if let externalID = contact.externalID { idByExternalID[externalID] = contact.id }
        if contact.role == "user", let email = contact.email { userIDByEmail[email.lowercased()] = contact.id }
    }

    /// Removes what ``index(_:)`` recorded for `contact`, unless another contact holds the key now.
    mutating func unindex(_ contact: Contact) {
        if let externalID = contact.externalID, idByExternalID[externalID] == contact.id {
            idByExternalID[externalID] = nil
        }
        if let email = contact.email?.lowercased(), userIDByEmail[email] == contact.id {
            userIDByEmail[email] = nil
        }
    }
}
