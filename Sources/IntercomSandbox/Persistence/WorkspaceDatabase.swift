import GRDB
import JSONText

/// Keeps the sandbox workspace in an SQLite file (`--data FILE`), so that it survives restarts.
///
/// The store stays in memory for speed; every change is written through, inside the store's lock, so the file
/// always holds what clients were told. A restart loads it all back (search sees everything at once).
final class WorkspaceDatabase: Sendable {
    private let queue: DatabaseQueue

    /// Opens (or creates) the database at `path`.
    /// - Throws: GRDB's error when the file cannot be opened or is not a sandbox database.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS contact (id TEXT PRIMARY KEY, sequence INTEGER NOT NULL, json TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS data_attribute (name TEXT PRIMARY KEY, position INTEGER NOT NULL,
                        json TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                    CREATE TABLE IF NOT EXISTS tag (id TEXT PRIMARY KEY, name TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS company (id TEXT PRIMARY KEY, json TEXT NOT NULL);
                    """)
        }
    }

    struct Snapshot {
        var contacts: [Contact]
        var attributes: [DataAttribute]
        var sequenceCount: Int
        var nextAttributeID: Int?
        var tags: [Tag] = []
        var companies: [Company] = []
    }

    func load() throws -> Snapshot {
        try queue.read { db in
            let contacts = try String.fetchAll(db, sql: "SELECT json FROM contact ORDER BY sequence").map {
                try Contact(storedJSON: $0)
            }
            let attributes = try String.fetchAll(db, sql: "SELECT json FROM data_attribute ORDER BY position").map {
                try DataAttribute(storedJSON: $0)
            }
            let count = try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'sequence_count'") ?? 0
            let nextAttribute = try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'next_attribute_id'")
            let tags = try Row.fetchAll(db, sql: "SELECT id, name FROM tag ORDER BY CAST(id AS INTEGER)").map {
                Tag(id: $0["id"], name: $0["name"])
            }
            let companies = try String.fetchAll(db, sql: "SELECT json FROM company ORDER BY rowid").map {
                try Company(storedJSON: $0)
            }
            return Snapshot(
                contacts: contacts, attributes: attributes,
                sequenceCount: max(count, contacts.last?.sequence ?? 0), nextAttributeID: nextAttribute, tags: tags,
                companies: companies)
        }
    }

    func save(_ contact: Contact) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO contact (id, sequence, json) VALUES (?, ?, ?)",
                arguments: [contact.id, contact.sequence, contact.storedJSON])
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES ('sequence_count', ?) "
                    + "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)",
                arguments: [contact.sequence])
        }
    }

    func save(_ tag: Tag) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO tag (id, name) VALUES (?, ?)", arguments: [tag.id, tag.name])
        }
    }

    func deleteTag(id: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM tag WHERE id = ?", arguments: [id]) }
    }

    func save(_ company: Company) throws {
        try queue.write { db in
            // An upsert keeps the row (and so the creation order a restart loads).
            try db.execute(
                sql: "INSERT INTO company (id, json) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json",
                arguments: [company.id, company.storedJSON])
        }
    }

    func deleteContact(id: String) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM contact WHERE id = ?", arguments: [id])
        }
    }

    func save(_ attribute: DataAttribute, position: Int) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO data_attribute (name, position, json) VALUES (?, ?, ?)",
                arguments: [attribute.storageKey, position, attribute.storedJSON])
            try db.execute(
                sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('next_attribute_id', ?)",
                arguments: [(attribute.id ?? 0) + 1])
        }
    }
}

extension WorkspaceDatabase {
    /// The secret that seals this workspace's paging cursors, made on first use: a cursor handed out before a
    /// restart still works after it.
    func cursorSecret() throws -> [UInt8] {
        try queue.write { db in
            let keys = (0..<4).map { "cursor_secret_\($0)" }
            var words: [Int64] = []
            for key in keys {
                guard let word = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
                else { break }
                words.append(word)
            }
            if words.count != keys.count {
                let secret = CursorSealer.randomSecret()
                words = (0..<4).map { index in
                    secret[(index * 8)..<(index * 8 + 8)].reduce(Int64(0)) { $0 << 8 | Int64($1) }
                }
                for (key, word) in zip(keys, words) {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, word])
                }
            }
            return words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } }
        }
    }
}

/// A stored record that does not decode: the file is not a sandbox database, or was edited.
struct CorruptWorkspaceRecord: Error, CustomStringConvertible {
    var detail: String
    var description: String { "the --data file holds a record the sandbox cannot read: \(detail)" }
}

extension Contact {
    /// Every stored field as compact JSON (the storage format of `--data`).
    var storedJSON: String {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func number(_ value: Int?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        return JSONValue.object([
            "id": .string(id), "sequence": .number(String(sequence)), "role": .string(role),
            "external_id": text(externalID), "email": text(email), "phone": text(phone), "name": text(name),
            "avatar": text(avatar), "owner_id": number(ownerID),
            "unsubscribed_from_emails": .bool(unsubscribedFromEmails), "has_hard_bounced": .bool(hasHardBounced),
            "marked_email_as_spam": .bool(markedEmailAsSpam), "created_at": .number(String(createdAt)),
            "updated_at": .number(String(updatedAt)), "signed_up_at": number(signedUpAt),
            "last_seen_at": number(lastSeenAt), "custom_attributes": .object(customAttributes),
            "archived": .bool(archived),
            "tags": .array(tags.map { .array([.string($0.id), .number(String($0.appliedAt))]) }),
            "companies": .array(companyIDs.map(JSONValue.string)),
        ]).jsonText
    }

    init(storedJSON: String) throws {
        let json = try JSONValue.parse(storedJSON)
        guard let id = json["id"]?.stringValue, let sequence = json["sequence"]?.int64Value,
            let role = json["role"]?.stringValue, let created = json["created_at"]?.int64Value,
            let updated = json["updated_at"]?.int64Value
        else { throw CorruptWorkspaceRecord(detail: String(storedJSON.prefix(200))) }
        self.init(id: id, sequence: Int(sequence), role: role, createdAt: Int(created), updatedAt: Int(updated))
        externalID = json["external_id"]?.stringValue
        email = json["email"]?.stringValue
        phone = json["phone"]?.stringValue
        name = json["name"]?.stringValue
        avatar = json["avatar"]?.stringValue
        ownerID = json["owner_id"]?.int64Value.map(Int.init)
        unsubscribedFromEmails = json["unsubscribed_from_emails"] == .bool(true)
        hasHardBounced = json["has_hard_bounced"] == .bool(true)
        markedEmailAsSpam = json["marked_email_as_spam"] == .bool(true)
        signedUpAt = json["signed_up_at"]?.int64Value.map(Int.init)
        lastSeenAt = json["last_seen_at"]?.int64Value.map(Int.init)
        if case .object(let custom)? = json["custom_attributes"] { customAttributes = custom }
        archived = json["archived"] == .bool(true)
        if case .array(let applied)? = json["tags"] {
            tags = applied.compactMap { pair in
                guard case .array(let parts) = pair, parts.count == 2, let id = parts[0].stringValue,
                    let at = parts[1].int64Value
                else { return nil }
                return AppliedTag(id: id, appliedAt: Int(at))
            }
        }
        if case .array(let ids)? = json["companies"] { companyIDs = ids.compactMap(\.stringValue) }
    }
}

extension Company {
    var storedJSON: String {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func number(_ value: Int?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        return JSONValue.object([
            "id": .string(id), "company_id": .string(companyID), "name": text(name), "plan": text(plan),
            "size": number(size), "website": text(website), "industry": text(industry),
            "monthly_spend": number(monthlySpend), "remote_created_at": number(remoteCreatedAt),
            "created_at": number(createdAt), "updated_at": number(updatedAt), "last_request_at": number(lastRequestAt),
            "custom_attributes": .object(customAttributes), "tags": .array(tagIDs.map(JSONValue.string)),
            "user_count": number(userCount),
        ]).jsonText
    }

    init(storedJSON: String) throws {
        let json = try JSONValue.parse(storedJSON)
        guard let id = json["id"]?.stringValue, let remote = json["company_id"]?.stringValue,
            let created = json["created_at"]?.int64Value, let updated = json["updated_at"]?.int64Value
        else { throw CorruptWorkspaceRecord(detail: String(storedJSON.prefix(200))) }
        self.init(id: id, companyID: remote, createdAt: Int(created), updatedAt: Int(updated))
        name = json["name"]?.stringValue
        plan = json["plan"]?.stringValue
        size = json["size"]?.int64Value.map(Int.init)
        website = json["website"]?.stringValue
        industry = json["industry"]?.stringValue
        monthlySpend = json["monthly_spend"]?.int64Value.map(Int.init) ?? 0
        remoteCreatedAt = json["remote_created_at"]?.int64Value.map(Int.init)
        lastRequestAt = json["last_request_at"]?.int64Value.map(Int.init)
        if case .object(let custom)? = json["custom_attributes"] { customAttributes = custom }
        if case .array(let ids)? = json["tags"] { tagIDs = ids.compactMap(\.stringValue) }
    }
}

extension DataAttribute {
    /// The row's key: the name, which a company attribute may share with a contact one.
    var storageKey: String { model == .contact ? name : "company:\(name)" }

    var storedJSON: String {
        JSONValue.object([
            "id": id.map { .number(String($0)) } ?? .null, "model": .string(model.rawValue), "name": .string(name),
            "full_name": .string(fullName),
            "label": .string(label), "description": .string(description), "data_type": .string(dataType.rawValue),
            "options": .array(options.map(JSONValue.string)), "custom": .bool(custom),
            "api_writable": .bool(apiWritable), "messenger_writable": .bool(messengerWritable),
            "created_at": createdAt.map { .number(String($0)) } ?? .null,
            "updated_at": updatedAt.map { .number(String($0)) } ?? .null,
        ]).jsonText
    }

    init(storedJSON: String) throws {
        let json = try JSONValue.parse(storedJSON)
        guard let name = json["name"]?.stringValue, let type = json["data_type"]?.stringValue.flatMap(DataType.init)
        else { throw CorruptWorkspaceRecord(detail: String(storedJSON.prefix(200))) }
        var options: [String] = []
        if case .array(let items)? = json["options"] { options = items.compactMap(\.stringValue) }
        // Attributes stored before company attributes existed have no model: they are the contact's.
        let model = json["model"]?.stringValue.flatMap(Model.init) ?? .contact
        self.init(
            id: json["id"]?.int64Value.map(Int.init), model: model, name: name,
            fullName: json["full_name"]?.stringValue ?? name,
            label: json["label"]?.stringValue ?? name, description: json["description"]?.stringValue ?? "",
            dataType: type, options: options, custom: json["custom"] == .bool(true),
            apiWritable: json["api_writable"] != .bool(false),
            messengerWritable: json["messenger_writable"] == .bool(true),
            createdAt: json["created_at"]?.int64Value.map(Int.init),
            updatedAt: json["updated_at"]?.int64Value.map(Int.init))
    }
}
