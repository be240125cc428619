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
        /// Where the row was in the file (its line): entries are stored in this order, so that a nightly run over
        /// the same file reads them in sequence.
        public var sequence: Int

        public init(key: String, id: String, payloadHash: UInt64, writtenAt: Int, sequence: Int = 0) {
            self.key = key
            self.id = id
            self.payloadHash = payloadHash
            self.writtenAt = writtenAt
            self.sequence = sequence
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
                // Entries in file order (then key), with a unique index on the key: a nightly run over the same
                // file reads them one after the other, and looks a key up in the index only when the file moved.
                // A state file from before the order (key alone) is converted once; its entries start unordered.
                let legacy =
                    try db.tableExists("contact_state")
                    && !(try db.columns(in: "contact_state").contains { $0.name == "seq" })
                if legacy { try db.execute(sql: "ALTER TABLE contact_state RENAME TO contact_state_v1") }
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS contact_state (
                            seq INTEGER NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL, payload_hash INTEGER NOT NULL,
                            written_at INTEGER NOT NULL, PRIMARY KEY (seq, key)) WITHOUT ROWID;
                        CREATE UNIQUE INDEX IF NOT EXISTS contact_state_key ON contact_state (key);
                        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                        """)
                if legacy {
                    try db.execute(
                        sql: """
                            INSERT INTO contact_state (seq, key, id, payload_hash, written_at)
                                SELECT 0, key, id, payload_hash, written_at FROM contact_state_v1;
                            DROP TABLE contact_state_v1;
                            """)
                }
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
                        db,
                        sql: "SELECT key, id, payload_hash, written_at, seq FROM contact_state WHERE key IN (\(marks))",
                        arguments: StatementArguments(chunk))
                    for row in rows {
                        let entry = Entry(
                            key: row["key"], id: row["id"], payloadHash: UInt64(bitPattern: row["payload_hash"]),
                            writtenAt: row["written_at"], sequence: row["seq"])
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

    /// Runs `body` with lookups of single keys, made in file order.
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
                let point = try db.cachedStatement(sql: "SELECT id, payload_hash, seq FROM contact_state WHERE key = ?")
                let scan = try db.cachedStatement(
                    sql: """
                        SELECT key, id, payload_hash, seq FROM contact_state WHERE (seq, key) >= (?, ?)
                        ORDER BY seq, key
                        """)
                let lookup = Lookup(db: db, point: point, scan: scan, path: path)
                defer { lookup.release() }
                return try body(lookup)
            }
        } catch let error as DatabaseError {
            throw SyncStateError(path: path, message: "\(error)")
        }
    }

    /// What a lookup found: the stored id and fingerprint, and whether the entry came in file order (when it did
    /// not, the file moved, and ``StateJournal/move(key:sequence:)`` puts it where the row now is).
    public struct Found: Sendable, Equatable {
        public var id: String
        public var payloadHash: UInt64
        public var inOrder: Bool
        /// Move the entry to the row's line (``StateJournal/move(key:sequence:)``): it has no place yet, or it is out
        /// of order in a file whose order mostly holds. A file that comes in another order every night keeps the
        /// state's order instead of rewriting every entry each night.
        public var move: Bool
    }

    /// Looks single keys up inside ``withLookup(_:)``, following the entries in file order.
    ///
    /// Rows come in file order, and so do the entries of the rows written before: the lookup first compares the
    /// key with the entry after the last one found, and uses the key's index only when they differ (a row that is
    /// new, moved, or whose entry was left behind). A nightly run over an unchanged file then reads the state in
    /// sequence: one random `pread` and B-tree descent a row took 60 % of it.
    ///
    /// Not Sendable: it belongs to the thread that runs ``withLookup(_:)``.
    public final class Lookup {
        /// Lookups per read transaction.
        static let snapshotRows = 4096

        private let db: Database
        private let point: Statement
        private let scan: Statement
        private let path: String
        private var inTransaction = false
        private var lookups = 0
        /// Lookups that went to the key's index (the entry in file order was another key's).
        public private(set) var indexLookups = 0
        /// Entries found out of order (not counting those without a place yet).
        private var outOfOrder = 0
        /// The scan has a current row: the next entry in file order.
        private var hasNext = false
        /// The scan is positioned (false before the first lookup and after each release).
        private var scanning = false
        /// Where the scan resumes after a release: the entry it was on.
        private var resumeSequence = Int64.min
        private var resumeKey: [UInt8] = []
        /// The last entry found, for telling an entry in order from one the file moved.
        private var lastSequence = Int64.min
        private var lastKey: [UInt8] = []

        fileprivate init(db: Database, point: Statement, scan: Statement, path: String) {
            self.db = db
            self.point = point
            self.scan = scan
            self.path = path
        }

        /// Ends the current read transaction, if any (call it before waiting for anything).
        public func release() {
            guard inTransaction else { return }
            if scanning {
                let handle = scan.sqliteStatement
                if hasNext {
                    resumeSequence = sqlite3_column_int64(handle, 3)
                    resumeKey = columnBytes(handle, 0).map { Array($0) } ?? []
                } else {
                    resumeSequence = Int64.max
                    resumeKey = []
                }
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
                scanning = false
                hasNext = false
            }
            inTransaction = false
            try? db.commit()
        }

        /// The stored id and fingerprint of `key`, if it has any.
        /// - Parameter follow: whether the row may move the lookups on to its entry when that entry lies further on
        ///   (false for a row that will be rejected: its key may be a later row's, and following it would skip the
        ///   entries of every row in between). Asked only then.
        /// - Throws: ``SyncStateError`` when the file cannot be read.
        public func entry(_ key: String, follow: () -> Bool = { true }) throws(SyncStateError) -> Found? {
            var key = key
            return try key.withUTF8 { bytes in
                Result { () throws(SyncStateError) in try entry(bytes: bytes, follow: follow) }
            }.get()
        }

        /// The stored id and fingerprint of the key with these UTF-8 bytes, if it has any (see
        /// ``entry(_:follow:)``).
        ///
        /// Through SQLite's own calls on GRDB's prepared statements: a nightly run looks up every row's key, and
        /// `Row.fetchOne` (arguments, cursor and row objects) cost four times the lookup itself.
        /// - Throws: ``SyncStateError`` when the file cannot be read.
        public func entry(bytes: UnsafeBufferPointer<UInt8>, follow: () -> Bool = { true }) throws(SyncStateError)
            -> Found?
        {
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
            if !scanning { try seek(sequence: resumeSequence, key: resumeKey) }
            let handle = scan.sqliteStatement
            if hasNext, let next = columnBytes(handle, 0), next.elementsEqual(bytes) {
                let sequence = sqlite3_column_int64(handle, 3)
                // An entry at 0 has no place yet (a state file from before the order): it is moved to its row's.
                let found = Found(
                    id: columnText(handle, 1), payloadHash: UInt64(bitPattern: sqlite3_column_int64(handle, 2)),
                    inOrder: sequence > 0, move: sequence == 0)
                remember(sequence, bytes)
                try step()
                return found
            }
            guard let found = try pointLookup(bytes) else { return nil }
            // SQLite orders text as memcmp does, as unsigned bytes compare here.
            let inOrder =
                found.sequence > 0
                && (found.sequence > lastSequence
                    || (found.sequence == lastSequence && lastKey.lexicographicallyPrecedes(bytes)))
            if inOrder {
                guard follow() else {
                    return Found(id: found.id, payloadHash: found.payloadHash, inOrder: true, move: false)
                }
                // Entries were skipped (rows gone from the file, or moved down): follow on from this one.
                remember(found.sequence, bytes)
                try seek(sequence: found.sequence, key: lastKey)
                try step()
            }
            if !inOrder && found.sequence > 0 { outOfOrder += 1 }
            // At most a quarter of the rows so far out of order: the file keeps its order, and the entry follows.
            let move = found.sequence == 0 || (!inOrder && outOfOrder * 4 <= lookups)
            return Found(id: found.id, payloadHash: found.payloadHash, inOrder: inOrder, move: move)
        }

        private func pointLookup(_ bytes: UnsafeBufferPointer<UInt8>) throws(SyncStateError) -> (
            id: String, payloadHash: UInt64, sequence: Int64
        )? {
            indexLookups += 1
            let handle = point.sqliteStatement
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            // No copy: the bytes outlive the step, and the binding is cleared before returning.
            let bound = bindText(handle, 1, bytes, copy: false)
            guard bound == SQLITE_OK else { throw failure(bound) }
            switch sqlite3_step(handle) {
            case SQLITE_ROW:
                return (
                    columnText(handle, 0), UInt64(bitPattern: sqlite3_column_int64(handle, 1)),
                    sqlite3_column_int64(handle, 2)
                )
            case SQLITE_DONE:
                return nil
            case let code:
                throw failure(code)
            }
        }

        private func remember(_ sequence: Int64, _ key: UnsafeBufferPointer<UInt8>) {
            lastSequence = sequence
            lastKey.removeAll(keepingCapacity: true)
            lastKey.append(contentsOf: key)
        }

        /// Positions the scan on the first entry at or after (`sequence`, `key`).
        private func seek(sequence: Int64, key: [UInt8]) throws(SyncStateError) {
            let handle = scan.sqliteStatement
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            var code = sqlite3_bind_int64(handle, 1, sequence)
            if code == SQLITE_OK {
                // A copy: the key lives only for this call.
                code = key.withUnsafeBufferPointer { bindText(handle, 2, $0, copy: true) }
            }
            guard code == SQLITE_OK else { throw failure(code) }
            scanning = true
            try step()
        }

        private func step() throws(SyncStateError) {
            switch sqlite3_step(scan.sqliteStatement) {
            case SQLITE_ROW: hasNext = true
            case SQLITE_DONE: hasNext = false
            case let code: throw failure(code)
            }
        }

        /// Binds UTF-8 bytes as text to parameter `index`; with `copy`, SQLite keeps its own copy of them.
        private func bindText(
            _ handle: OpaquePointer, _ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>, copy: Bool
        ) -> Int32 {
            let destructor = copy ? unsafeBitCast(-1, to: sqlite3_destructor_type.self) : nil
            return bytes.withMemoryRebound(to: CChar.self) { text in
                guard let base = text.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, destructor) }
                return sqlite3_bind_text(handle, index, base, Int32(text.count), destructor)
            }
        }

        private func columnBytes(_ handle: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard let text = sqlite3_column_text(handle, column) else { return nil }
            return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
        }

        private func columnText(_ handle: OpaquePointer, _ column: Int32) -> String {
            columnBytes(handle, column).map { String(decoding: $0, as: UTF8.self) } ?? ""
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

    /// Records confirmed writes, and the new places of entries whose rows moved in the file, all in one transaction
    /// (all or none of them survive a crash).
    public func record(_ entries: [Entry], moves: [(key: String, sequence: Int)] = []) throws(SyncStateError) {
        guard !entries.isEmpty || !moves.isEmpty else { return }
        do {
            try queue.write { db in
                // REPLACE also drops the key's entry at its old place (the unique index on the key).
                let statement = try db.makeStatement(
                    sql: """
                        INSERT OR REPLACE INTO contact_state (seq, key, id, payload_hash, written_at)
                        VALUES (?, ?, ?, ?, ?)
                        """)
                for entry in entries {
                    try statement.execute(arguments: [
                        entry.sequence, entry.key, entry.id, Int64(bitPattern: entry.payloadHash), entry.writtenAt,
                    ])
                }
                let move = try db.makeStatement(sql: "UPDATE contact_state SET seq = ? WHERE key = ?")
                for (key, sequence) in moves { try move.execute(arguments: [sequence, key]) }
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
