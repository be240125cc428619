import ContactSync
import Foundation
import GRDB
import Testing

struct SyncStateStoreTests {
    func path() throws -> String {
        try temporaryPath(named: "state.sqlite")
    }

    @Test func recordedWritesAreFoundInBatchesAndSurviveReopening() throws {
        let file = try path()
        let entries = (0..<1_200).map {
            SyncStateStore.Entry(
                key: "user\($0)@example.com", id: "id\($0)", payloadHash: UInt64.max - UInt64($0), writtenAt: 1_000 + $0
            )
        }
        do {
            let store = try SyncStateStore(path: file)
            try store.record(entries)
        }
        let reopened = try SyncStateStore(path: file)
        let keys = entries.map(\.key) + ["unknown@example.com"]
        let found = try reopened.entries(for: keys)  // more keys than one statement takes
        #expect(found.count == 1_200)
        #expect(found["user7@example.com"] == entries[7])
        #expect(found["unknown@example.com"] == nil)
        let overview = try reopened.overview()
        #expect(overview.keys == 1_200 && overview.oldest == 1_000 && overview.newest == 2_199)
    }

    @Test func aNewWriteReplacesTheKeysStateAndRemoveAndResetForget() throws {
        let store = try SyncStateStore(path: try path())
        try store.record([.init(key: "a", id: "1", payloadHash: 1, writtenAt: 1)])
        try store.record([
            .init(key: "a", id: "1", payloadHash: 2, writtenAt: 2),
            .init(key: "b", id: "2", payloadHash: 3, writtenAt: 2),
        ])
        #expect(try store.entries(for: ["a"])["a"]?.payloadHash == 2)
        try store.remove(["a"])
        #expect(try store.entries(for: ["a", "b"]).keys.sorted() == ["b"])
        try store.reset()
        #expect(try store.overview().keys == 0)
    }

    @Test func theFileIsInWALModeAndAForeignFileIsRefusedWithItsPath() throws {
        let file = try path()
        let store = try SyncStateStore(path: file)
        try store.record([.init(key: "a", id: "1", payloadHash: 1, writtenAt: 1)])
        withExtendedLifetime(store) {
            #expect(FileManager.default.fileExists(atPath: file + "-wal"))  // WAL mode while it is open
        }
        let notSQLite = try temporaryPath(
            named: "notes.txt", contents: String(repeating: "not a database\n", count: 200))
        let error = #expect(throws: SyncStateError.self) { _ = try SyncStateStore(path: notSQLite) }
        #expect(error?.description.hasPrefix("state file \(notSQLite):") == true)
    }

    /// Looks every key of `order` up in one pass; returns the keys whose entries are to move to their rows, and
    /// checks what was found.
    func pass(_ store: SyncStateStore, _ order: [String], ids: [String: String], releaseEvery: Int = 0) throws -> (
        outOfOrder: [String], indexLookups: Int
    ) {
        try store.withLookup { lookup in
            var outOfOrder: [String] = []
            for (index, key) in order.enumerated() {
                if releaseEvery > 0 && index % releaseEvery == 0 { lookup.release() }
                let found = try lookup.entry(key)
                #expect(found?.id == ids[key], "\(key)")
                if let found, found.move { outOfOrder.append(key) }
            }
            return (outOfOrder, lookup.indexLookups)
        }
    }

    @Test func lookupsFollowTheFileOrderAndUseTheIndexOnlyWhereTheFileMoved() throws {
        let store = try SyncStateStore(path: try path())
        let keys = (0..<10_000).map { "k\($0)@example.com" }
        try store.record(
            keys.enumerated().map {
                .init(key: $1, id: "id\($0)", payloadHash: UInt64($0), writtenAt: 1, sequence: $0 + 2)
            })
        let ids = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, "id\($0)") })
        // The same order, across the transactions that end every 4,096 lookups and on release: no index lookup.
        let same = try pass(store, keys, ids: ids, releaseEvery: 777)
        #expect(same.outOfOrder.isEmpty && same.indexLookups == 0)

        // Row 20 moved to the end, a new row, rows 100..<200 gone.
        let moved = Array(keys[..<20]) + Array(keys[21..<100]) + ["new@example.com"] + Array(keys[200...]) + [keys[20]]
        let first = try pass(store, moved, ids: ids)
        #expect(first.outOfOrder == [keys[20]])
        #expect(first.indexLookups == 4)  // keys[21] and keys[200] (entries skipped), the new key, keys[20]

        // A row that will be rejected, with the key of a row further on, leaves the order alone.
        let early = try store.withLookup { lookup in
            for key in keys[..<10] { _ = try lookup.entry(key) }
            let found = try lookup.entry(keys[5_000], follow: { false })
            #expect(found?.id == "id5000")
            for key in keys[10..<20] { _ = try lookup.entry(key) }
            return lookup.indexLookups
        }
        #expect(early == 1)

        // Once the moved entry follows its row, the file reads in order again.
        try store.record([], moves: [(keys[20], 10_002)])
        let second = try pass(store, moved, ids: ids)
        #expect(second.outOfOrder.isEmpty && second.indexLookups == 2)  // the new key, keys[200]
    }

    @Test func aFileInAnotherOrderEveryNightDoesNotMoveEveryEntry() throws {
        let store = try SyncStateStore(path: try path())
        let keys = (0..<4_000).map { "k\($0)@example.com" }
        try store.record(
            keys.enumerated().map { .init(key: $1, id: "id\($0)", payloadHash: 1, writtenAt: 1, sequence: $0 + 2) })
        let shuffled = keys.shuffled()
        let moves = try store.withLookup { lookup in
            try shuffled.filter { try lookup.entry($0)?.move == true }.count
        }
        // Nearly every row is out of order: entries move only while at most a quarter of the rows are.
        #expect(moves <= 1_000)
    }

    @Test func aStateFileFromBeforeTheFileOrderIsConvertedWithItsEntries() throws {
        let file = try path()
        do {
            let legacy = try DatabaseQueue(path: file)
            try legacy.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE contact_state (
                            key TEXT PRIMARY KEY, id TEXT NOT NULL, payload_hash INTEGER NOT NULL,
                            written_at INTEGER NOT NULL) WITHOUT ROWID;
                        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                        INSERT INTO contact_state VALUES ('b', '2', 20, 200), ('a', '1', -10, 100);
                        INSERT INTO meta VALUES ('workspace', 'w1');
                        """)
            }
        }
        let store = try SyncStateStore(path: file)
        let found = try store.entries(for: ["a", "b"])
        #expect(found["a"] == .init(key: "a", id: "1", payloadHash: UInt64(bitPattern: -10), writtenAt: 100))
        #expect(found["b"]?.id == "2" && found["b"]?.sequence == 0)
        #expect(try store.meta("workspace") == "w1")
        try store.record([.init(key: "a", id: "1", payloadHash: 5, writtenAt: 300, sequence: 7)])
        #expect(try store.entries(for: ["a"])["a"]?.sequence == 7)
        #expect(try store.overview().keys == 2)
        // A converted entry has no place in the file yet: the first run moves it to its row's.
        #expect(try pass(store, ["b", "a"], ids: ["a": "1", "b": "2"]).outOfOrder == ["b"])
    }
}
