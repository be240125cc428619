import ContactIO
import JSONText
import Testing

@testable import ContactMapping
@testable import ContactSync

/// The lookup stage gathers a worker's rows into batches of 15 keys to search for, whatever the rows that need no
/// search, and never searches for a key twice in a batch or for a key being written.
struct LookupBatcherTests {
    static func row(_ key: String, storedID: String? = nil) -> ImportRow {
        ImportRow(
            contact: MappedContact(role: "user", matchKey: key, payload: ["email": .string(key)]),
            original: Record(number: 1, line: 2, fields: []), hash: 0, storedID: storedID)
    }

    static func batcher(_ rows: [ImportRow], memory: SharedKeyMemory = SharedKeyMemory(capacity: 64)) -> LookupBatcher {
        let queue = BoundedQueue<ImportRow>(capacity: rows.count + 1)
        for row in rows { _ = queue.put(row) }
        queue.finish()
        return LookupBatcher(queue: queue, memory: memory, size: 15, linger: 0)
    }

    @Test func rowsThatNeedNoSearchDoNotCountTowardsTheBatch() {
        let memory = SharedKeyMemory(capacity: 64 * 64)
        var rows: [ImportRow] = []
        for index in 0..<40 {
            switch index % 4 {
            case 1: rows.append(Self.row("stored\(index)@example.com", storedID: "c\(index)"))
            case 2:
                memory.remember("known\(index)@example.com", id: "k\(index)", payloadHash: 1)
                rows.append(Self.row("known\(index)@example.com"))
            default: rows.append(Self.row("new\(index)@example.com"))
            }
        }
        let batcher = Self.batcher(rows, memory: memory)
        let first = batcher.nextBatch()
        #expect(batcher.searchKeys(first).keys.count == 15)
        #expect(first.map(\.contact.matchKey) == rows.prefix(first.count).map(\.contact.matchKey))
        #expect(first.count == 29)
        // The rest: 5 keys to search for, then the queue is drained.
        let second = batcher.nextBatch()
        #expect(batcher.searchKeys(second).keys.count == 5)
        #expect(batcher.nextBatch().isEmpty)
    }

    @Test func aRepeatedKeyIsSearchedOnceAndAKeyBeingWrittenNotAtAll() {
        let keys = ["a", "b", "a", "c", "b", "w", "d"].map { "\($0)@example.com" }
        let batcher = Self.batcher(keys.map { Self.row($0) })
        let batch = batcher.readyBatch(excluding: ["w@example.com"])
        #expect(batch.count == keys.count)
        let search = batcher.searchKeys(batch, excluding: ["w@example.com"])
        #expect(search.keys == ["a", "b", "c", "d"].map { "\($0)@example.com" })
        #expect(search.roles["a@example.com"] == "user")
    }

    @Test func aReadyBatchIsEmptyWhenNothingWaits() {
        let batcher = Self.batcher([])
        #expect(batcher.readyBatch(excluding: []).isEmpty)
        #expect(batcher.nextBatch().isEmpty)
    }
}
