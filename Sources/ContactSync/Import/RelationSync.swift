import ContactMapping
import IntercomAPI
import JSONText
import Synchronization

/// The tags and companies a contact has in Intercom, as far as the import knows them.
struct ContactRelations: Sendable {
    var tagIDs: Set<String> = []
    var companyIDs: Set<String> = []
    /// The lists are whole (a contact object shows ten at most, with `has_more`; a new contact has none).
    var tagsComplete = true
    var companiesComplete = true

    /// A contact just created: nothing yet.
    static let none = ContactRelations()
    /// Not known (a contact found by id, or remembered): the lists are fetched when a row needs them.
    static let unknown = ContactRelations(tagsComplete: false, companiesComplete: false)

    /// What a contact object shows.
    init(_ contact: IntercomContact) {
        (tagIDs, tagsComplete) = Self.list(contact.raw["tags"])
        (companyIDs, companiesComplete) = Self.list(contact.raw["companies"])
    }

    init(
        tagIDs: Set<String> = [], companyIDs: Set<String> = [], tagsComplete: Bool = true,
        companiesComplete: Bool = true
    ) {
        self.tagIDs = tagIDs
        self.companyIDs = companyIDs
        self.tagsComplete = tagsComplete
        self.companiesComplete = companiesComplete
    }

    /// The ids of a `{"data": [...], "has_more": …}` list, and whether they are all of them.
    private static func list(_ value: JSONValue?) -> (Set<String>, Bool) {
        guard case .array(let items)? = value?["data"] else { return ([], false) }
        let ids = Set(items.compactMap { $0["id"]?.stringValue ?? $0["id"]?.int64Value.map(String.init) })
        return (ids, value?["has_more"] != .bool(true))
    }
}

/// What the import did to tags and companies.
public struct RelationCounts: Sendable, Equatable {
    public var companiesCreated = 0
    public var companiesUpdated = 0
    /// Companies the file names that Intercom already holds as the file says (no call).
    public var companiesUnchanged = 0
    public var attachments = 0
    /// Contact–tag pairs applied, and the `POST /tags` calls that applied them.
    public var tagsApplied = 0
    public var tagCalls = 0
    /// Contact–tag pairs removed (`--sync-tags`).
    public var tagsRemoved = 0
    /// The batch size the run ended with (halved after a batch Intercom refused as too large).
    public var tagBatch = 0
    /// Tags or companies that could not be applied, with why: the contacts themselves were written.
    public var failures: [String] = []
    public var failureCount = 0

    public init() {}
}

/// Applies the tags and companies of the import's rows: each company created or updated once in the run (and only
/// when Intercom does not hold it as the file says), attached only to a contact that lacks it; tags applied in bulk
/// (`POST /tags` with a list of contacts), only where a contact lacks them.
///
/// A row that needs a tag is confirmed to the sync state only once its tags are applied (``settle``), so that a run
/// that stops before a batch is sent sends it again next time.
actor RelationSync {
    let client: IntercomClient
    let syncTags: Bool
    private var batch: Int
    private var counts = RelationCounts()
    /// Tag ids by lower-cased name (Intercom's names ignore case), once listed.
    private var tagTable: Task<[String: String], any Error>?
    private var tagIDs: [String: String] = [:]
    private var tagTableMerged = false
    private var companyTable: Task<[String: IntercomClient.Company], any Error>?
    /// Each company's Intercom id, by company_id, once settled in this run.
    private var companies: [String: Task<String, any Error>] = [:]
    /// Contacts waiting for a tag, by lower-cased name: the name as first written, the contact ids, and the rows
    /// whose confirmation waits for them.
    private var pending: [String: (name: String, ids: [String], rows: [RowWaiter])] = [:]
    /// Tags the file names (lower case), and contacts that have other tags (`--sync-tags`), by tag id.
    private var named: Set<String> = []
    private var others: [String: [String]] = [:]

    init(client: IntercomClient, batch: Int, syncTags: Bool) {
        self.client = client
        self.batch = max(1, batch)
        self.syncTags = syncTags
        counts.tagBatch = self.batch
    }

    /// Counts a row whose confirmation waits for its tags: it is confirmed when the last one is applied.
    final class RowWaiter: Sendable {
        private let remaining: Atomic<Int>
        private let confirm: @Sendable () -> Void

        init(count: Int, confirm: @escaping @Sendable () -> Void) {
            remaining = Atomic(count)
            self.confirm = confirm
        }

        func applied() {
            if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { confirm() }
        }
    }

    /// Gives contact `contactID` the row's companies and tags. `confirm` runs once everything the row asked for is in
    /// Intercom: now, or when the batch of its last tag is sent.
    /// - Throws: what a company call met; the row is then not confirmed (and the failure counted).
    func settle(
        contactID: String, line: Int, tags: [String], companies rowCompanies: [CompanyInput],
        current: ContactRelations, confirm: @escaping @Sendable () -> Void
    ) async throws {
        var current = current
        do {
            if !rowCompanies.isEmpty && !current.companiesComplete {
                current.companyIDs = Set(try await client.contactCompanies(id: contactID).map(\.id))
            }
            for company in rowCompanies {
                let id = try await intercomID(of: company)
                guard !current.companyIDs.contains(id) else { continue }
                try await client.attachCompany(contactID: contactID, companyID: id)
                counts.attachments += 1
            }
            if (!tags.isEmpty || syncTags) && !current.tagsComplete {
                current.tagIDs = Set(try await client.contactTags(id: contactID).map(\.id))
            }
            if tagTable == nil && (!tags.isEmpty || syncTags) {
                let client = self.client
                tagTable = Task {
                    Dictionary(try await client.listTags().map { ($0.name.lowercased(), $0.id) }) { first, _ in first }
                }
            }
            if let tagTable, !tagTableMerged {
                let listed = try await tagTable.value
                // Merged once: another row may have done it while this one waited.
                if !tagTableMerged {
                    tagIDs.merge(listed) { mine, _ in mine }
                    tagTableMerged = true
                }
            }
        } catch {
            fail("line \(line): contact \(contactID): \(error)")
            throw error
        }
        await queue(tags, for: contactID, current: current, confirm: confirm)
    }

    /// Queues the row's tags that its contact lacks (and, with `--sync-tags`, notes the ones it has besides); a
    /// batch that fills is sent.
    private func queue(
        _ tags: [String], for contactID: String, current: ContactRelations, confirm: @escaping @Sendable () -> Void
    ) async {
        var missing: [String] = []
        var wanted: Set<String> = []
        for tag in tags {
            let key = tag.lowercased()
            named.insert(key)
            if let id = tagIDs[key] {
                wanted.insert(id)
                if current.tagIDs.contains(id) { continue }
            }
            missing.append(tag)
        }
        if syncTags {
            for id in current.tagIDs where !wanted.contains(id) { others[id, default: []].append(contactID) }
        }
        guard !missing.isEmpty else {
            confirm()
            return
        }
        let waiter = RowWaiter(count: missing.count, confirm: confirm)
        var full: [String] = []
        for tag in missing {
            let key = tag.lowercased()
            // A repeated key's later row can find its contact still waiting in the batch: sent once.
            if pending[key]?.ids.contains(contactID) != true {
                pending[key, default: (tag, [], [])].ids.append(contactID)
            }
            pending[key]!.rows.append(waiter)
            if pending[key]!.ids.count >= batch { full.append(key) }
        }
        for key in full { await flush(key) }
    }

    /// Sends every tag still waiting, then (`--sync-tags`) removes the tags the file names from the contacts whose
    /// rows do not have them; the counts.
    func finish() async -> RelationCounts {
        for key in pending.keys.sorted() { await flush(key) }
        if syncTags {
            let names = Dictionary(tagIDs.map { ($0.value, $0.key) }) { first, _ in first }
            for (id, contacts) in others.sorted(by: { $0.key < $1.key }) {
                guard let name = names[id], named.contains(name) else { continue }
                await send(name: name, ids: contacts, untag: true, rows: [])
            }
        }
        counts.tagBatch = batch
        return counts
    }

    /// Sends the contacts waiting for tag `key`.
    private func flush(_ key: String) async {
        guard let entry = pending.removeValue(forKey: key), !entry.ids.isEmpty else { return }
        await send(name: entry.name, ids: entry.ids, untag: false, rows: entry.rows)
    }

    /// Tags (or untags) `ids` with `name` in batches; a batch Intercom refuses (a 4xx, as for too many contacts at
    /// once) is halved and sent again, and the run goes on with the smaller size. The rows are confirmed once all
    /// their contacts are tagged.
    private func send(name: String, ids: [String], untag: Bool, rows: [RowWaiter]) async {
        var queue = stride(from: 0, to: ids.count, by: batch).map { Array(ids[$0..<min(ids.count, $0 + batch)]) }
        var failed = false
        while let chunk = queue.first {
            queue.removeFirst()
            do {
                let tag = try await client.tagContacts(name: name, ids: chunk, untag: untag)
                tagIDs[name.lowercased()] = tag.id
                counts.tagCalls += 1
                if untag { counts.tagsRemoved += chunk.count } else { counts.tagsApplied += chunk.count }
            } catch  where chunk.count > 1 && Self.refusedAsTooLarge(error) {
                batch = max(1, min(batch, chunk.count / 2))
                let half = chunk.count / 2
                queue.insert(contentsOf: [Array(chunk[..<half]), Array(chunk[half...])], at: 0)
            } catch {
                failed = true
                fail("tag '\(name)' (\(chunk.count) contacts) could not be \(untag ? "removed" : "applied"): \(error)")
            }
        }
        guard !failed else { return }
        for row in rows { row.applied() }
    }

    /// A 400 or 422 for a list of contacts: Intercom documents no batch limit, so a refused batch is taken as too
    /// large and halved (a batch of one that is refused is a real failure).
    private static func refusedAsTooLarge(_ error: IntercomError) -> Bool {
        if case .validation = error.kind { return true }
        return false
    }

    /// The Intercom id of a company of the file, made or brought up to date once in the run.
    private func intercomID(of company: CompanyInput) async throws -> String {
        if let task = companies[company.companyID] { return try await task.value }
        if companyTable == nil {
            let client = self.client
            companyTable = Task {
                Dictionary(try await client.listCompanies().map { ($0.companyID, $0) }) { first, _ in first }
            }
        }
        let table = companyTable!
        let client = self.client
        let task = Task<String, any Error> {
            let existing = try await table.value[company.companyID]
            if let existing, !CompanyFields.differ(company.payload, from: existing.raw) {
                self.count(unchanged: true, created: false)
                return existing.id
            }
            let made = try await client.upsertCompany(company.payload)
            self.count(unchanged: false, created: existing == nil)
            return made.id
        }
        companies[company.companyID] = task
        return try await task.value
    }

    private func count(unchanged: Bool, created: Bool) {
        if unchanged {
            counts.companiesUnchanged += 1
        } else if created {
            counts.companiesCreated += 1
        } else {
            counts.companiesUpdated += 1
        }
    }

    private func fail(_ message: String) {
        counts.failureCount += 1
        if counts.failures.count < 10 { counts.failures.append(message) }
    }
}

/// Whether a company body of the file says something the company Intercom holds does not.
enum CompanyFields {
    static func differ(_ payload: JSONObject, from existing: JSONValue) -> Bool {
        for member in payload.members where member.key != "company_id" {
            switch member.key {
            case "plan":
                if existing["plan"]?["name"] != member.value { return true }
            case "custom_attributes":
                guard case .object(let attributes) = member.value else { continue }
                for attribute in attributes.members
                where !same(existing["custom_attributes"]?[attribute.key], attribute.value) {
                    return true
                }
            default:
                if !same(existing[member.key], member.value) { return true }
            }
        }
        return false
    }

    /// Equal values, numbers compared as numbers (`250` and `250.0`).
    private static func same(_ lhs: JSONValue?, _ rhs: JSONValue) -> Bool {
        if case .number(let a)? = lhs, case .number(let b) = rhs, let x = Double(a), let y = Double(b) { return x == y }
        return lhs == rhs
    }
}
