import Foundation
import GRDB
import GRDBSQLite

/// What a nightly import remembers between runs: for each match key, the Intercom id, the fingerprint of the row
/// last written (see ``ContactMapper/sourceFingerprint(_:)``), and when. An SQLite file in WAL mode, so that a crash
/// loses at most the last transaction.
///
/// The import looks every key up here as it reads (nothing is loaded into RAM) and records a write only after
/// Intercom confirmed it, in batched transactions (see ``StateJournal``).
public final class SyncStateStore: Sendable {
    /// One key's state.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var id: String
        public var payloadHash: UInt64
        /// Epoch seconds of the confirmed write.
        public var writtenAt: Int

        public init(key: String, id: String, payloadHash: UInt64, writtenAt: Int) {
            self.key = key
            self.id = id
            self.payloadHash = payloadHash
            self.writtenAt = writtenAt
        }
    }

    /// The state key of the `ordinal`-th row of a repeated match key: the key itself for the first row, then the key,
    /// a unit separator and the ordinal (a match key never holds a control character).
    public static func rowKey(_ key: String, ordinal: Int) -> String {
        ordinal == 0 ? key : key + "\u{1F}\(ordinal)"
    }

    /// SQLite limits the variables of one statement; lookups go in chunks of this many keys.
    static let lookupChunk = 500

    private let queue: DatabasePool
    public let path: String

    /// Opens (or creates) the state file at `path`.
    /// - Throws: ``SyncStateError`` when the file cannot be opened or is not a state file.
    public init(path: String) throws(SyncStateError) {
        self.path = path
        var configuration = Configuration()
        // WAL (a pool always uses it) with NORMAL: a commit survives a killed process; a power cut may lose the last
        // commits, which only costs their rows a lookup on the next run.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        // Another process (`state show`) or connection may hold the file for a moment: wait rather than fail.
        configuration.busyMode = .timeout(10)
        do {
            queue = try DatabasePool(path: path, configuration: configuration)
            try queue.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS contact_state (
                            key TEXT PRIMARY KEY, id TEXT NOT NULL, payload_hash INTEGER NOT NULL,
                            written_at INTEGER NOT NULL) WITHOUT ROWID;
                        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                        """)
            }
        } catch {
            throw SyncStateError(path: path, message: "\(error)")
        }
    }

    /// The stored state of those of `keys` that have one.
    public func entries(for keys: [String]) throws(SyncStateError) -> [String: Entry] {
        var result: [String: Entry] = [:]
        do {
            try queue.read { db in
                var start = 0
                while start < keys.count {
                    let chunk = Array(keys[start..<min(keys.count, start + Self.lookupChunk)])
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                    let rows = try Row.fetchAll(
                        db, sql: "SELECT key, id, payload_hash, written_at FROM contact_state WHERE key IN (\(marks))",
                        arguments: StatementArguments(chunk))
                    for row in rows {
                        let entry = Entry(
                            key: row["key"], id: row["id"], payloadHash: UInt64(bitPattern: row["payload_hash"]),
                            writtenAt: row["written_at"])
                        result[entry.key] = entry
                    }
                    start += Self.lookupChunk
                }
            }
        } catch {
            throw SyncStateError(path: path, message: "\(error)")
        }
        return result
    }

    /// Runs `body` with lookups of single keys.
    ///
    /// The lookups share a read transaction (taking a snapshot for each one cost a third of a nightly run in locking
    /// calls), which ends after ``Lookup/snapshotRows`` lookups and whenever the caller is about to wait
    /// (``Lookup/release()``): a snapshot held while the reader waits for the workers would keep their commits from
    /// being checkpointed, and the WAL would grow by megabytes a second. A key written during the run is known from
    /// the run's own memory, so an older snapshot changes nothing.
    /// - Throws: what `body` throws, or ``SyncStateError`` when the file cannot be read.
    public func withLookup<T>(_ body: (Lookup) throws -> T) throws -> T {
        do {
            return try queue.unsafeRead { db in
                let statement = try db.cachedStatement(sql: "SELECT id, payload_hash FROM contact_state WHERE key = ?")
                let lookup = Lookup(db: db, statement: statement, path: path)
                defer { lookup.release() }
                return try body(lookup)
            }
        } catch let error as DatabaseError {
            throw SyncStateError(path: path, message: "\(error)")
        }
    }

    /// Looks single keys up inside ``withLookup(_:)``.
    ///
    /// Not Sendable: it belongs to the thread that runs ``withLookup(_:)``.
    public final class Lookup {
        /// Lookups per read transaction.
        static let snapshotRows = 4096

        private let db: Database
        private let statement: Statement
        private let path: String
        private var inTransaction = false
        private var lookups = 0

        fileprivate init(db: Database, statement: Statement, path: String) {
            self.db = db
            self.statement = statement
            self.path = path
        }

        /// Ends the current read transaction, if any (call it before waiting for anything).
        public func release() {
            guard inTransaction else { return }
            inTransaction = false
            try? db.commit()
        }

        /// The stored id and fingerprint of `key`, if it has any.
        /// - Throws: ``SyncStateError`` when the file cannot be read.
        public func entry(_ key: String) throws(SyncStateError) -> (id: String, payloadHash: UInt64)? {
            var key = key
            return try key.withUTF8 { bytes in Result { () throws(SyncStateError) in try entry(bytes: bytes) } }.get()
        }

        /// The stored id and fingerprint of the key with these UTF-8 bytes, if it has any.
        ///
        /// Through SQLite's own calls on GRDB's prepared statement: a nightly run looks up every row's key, and
        /// `Row.fetchOne` (arguments, cursor and row objects) cost four times the lookup itself.
        /// - Throws: ``SyncStateError`` when the file cannot be read.
        public func entry(bytes: UnsafeBufferPointer<UInt8>) throws(SyncStateError) -> (
            id: String, payloadHash: UInt64
        )? {
            lookups += 1
            if lookups % Self.snapshotRows == 0 { release() }
            if !inTransaction {
                do {
                    try db.beginTransaction(.deferred)
                } catch {
                    throw SyncStateError(path: path, message: "\(error)")
                }
                inTransaction = true
            }
            let handle = statement.sqliteStatement
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            // Static binding (no copy): the bytes outlive the step, and the binding is cleared before returning.
            let bound = bytes.withMemoryRebound(to: CChar.self) { text -> Int32 in
                guard let base = text.baseAddress else { return sqlite3_bind_null(handle, 1) }
                return sqlite3_bind_text(handle, 1, base, Int32(text.count), nil)
            }
            guard bound == SQLITE_OK else { throw failure(bound) }
            switch sqlite3_step(handle) {
            case SQLITE_ROW:
                let count = Int(sqlite3_column_bytes(handle, 0))
                let id = sqlite3_column_text(handle, 0).map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
                }
                return (id ?? "", UInt64(bitPattern: sqlite3_column_int64(handle, 1)))
            case SQLITE_DONE:
                return nil
            case let code:
                throw failure(code)
            }
        }

        private func failure(_ code: Int32) -> SyncStateError {
            SyncStateError(path: path, message: "SQLite error \(code) looking a key up")
        }
    }

    /// A value kept beside the keys (the workspace the state belongs to).
    public func meta(_ name: String) throws(SyncStateError) -> String? {
        do {
            return try queue.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE name = ?", arguments: [name])
            }
        } catch {
            throw SyncStateError(path: path, message: "\(error)")
        }
    }

    /// Stores values beside the keys, in one transaction.
    public func setMeta(_ values: [String: String]) throws(SyncStateError) {
        do {
            try queue.write { db in
                for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", arguments: [name, value])
                }
            }
        } catch {
            throw SyncStateError(path: path, message: "\(error)")
        }
    }

    /// Records confirmed writes, all in one transaction (all or none of them survive a crash).
    public func record(_ entries: [Entry]) throws(SyncStateError) {
        guard !entries.isEmpty else { return }
        do {
            try queue.write { db in
                let statement = try db.makeStatement(
                    sql: "INSERT OR REPLACE INTO contact_state (key, id, payload_hash, written_at) VALUES (?, ?, ?, ?)")
                for entry in entries {
                    try statement.execute(arguments: [
                        entry.key, entry.id, Int64(bitPattern: entry.payloadHash), entry.writtenAt,
                    ])
                }
            }
        } catch {
            throw SyncStateError(path: path, message: "\(error)")
        }
    }

    /// Forgets keys (a contact deleted in Intercom, found by a 404).
    public func remove(_ keys: [String]) throws(SyncStateError) {
        guard !keys.isEmpty else { return }
        do {
            try queue.write { db in
                for key in keys {
                    try db.execute(sql: "DELETE FROM contact_state WHERE key = ?", arguments: [key])
                }
            }
        } catch {
            throw SyncStateError(path: path, message: "\(error)")
        }
    }

    /// How many keys are stored, and the oldest and newest write.
    public func overview() throws(SyncStateError) -> (keys: Int, oldest: Int?, newest: Int?) {
        do {
            return try queue.read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT count(*) AS n, min(written_at) AS oldest, max(written_at) AS newest FROM contact_state"
                )
                return (row?["n"] ?? 0, row?["oldest"], row?["newest"])
            }
        } catch {
            throw SyncStateError(path: path, message: "\(error)")
        }
    }

    /// Forgets everything: the next run compares every row with Intercom again.
    public func reset() throws(SyncStateError) {
        do {
            try queue.write { db in try db.execute(sql: "DELETE FROM contact_state; DELETE FROM meta") }
        } catch {
            throw SyncStateError(path: path, message: "\(error)")
        }
    }
}
