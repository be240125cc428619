import ContactSync
import Foundation
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
}
