import ContactIO
import JSONText
import Synchronization

/// The keys one worker wrote (or found unchanged) in this run, with their contact id and the payload's hash.
///
/// Search is eventually consistent: a contact created a moment ago may not be found yet, and searching for it again
/// is what creates duplicates in other integrations. A remembered key goes straight to its id. Memory is bounded by
/// two generations: when the current one is full it becomes the previous one and the oldest keys are forgotten
/// (a forgotten key is searched again, and a 409 on create still resolves to the existing contact).
struct KeyMemory {
    struct Entry {
        /// Empty in a dry run, where "created" contacts have no id.
        var id: String
        var payloadHash: UInt64
        /// The contact's values of the mapping's fields as JSON text, kept only while later rows of the key are
        /// still to come (their rows are compared with it instead of being sent blindly). Text, not a tree: a
        /// third of the memory.
        var stateText: [UInt8]?

        var state: JSONObject? {
            guard let stateText, case .object(let object)? = try? JSONValue.parse(stateText) else { return nil }
            return object
        }
    }

    private var current: [String: Entry] = [:]
    private var previous: [String: Entry] = [:]
    private let generationSize: Int

    init(capacity: Int) {
        generationSize = max(1, capacity / 2)
    }

    subscript(key: String) -> Entry? {
        current[key] ?? previous[key]
    }

    mutating func remember(_ key: String, id: String, payloadHash: UInt64, state: JSONObject? = nil) {
        var text: [UInt8]?
        if let state {
            var bytes: [UInt8] = []
            JSONValue.object(state).appendJSON(to: &bytes)
            text = bytes
        }
        current[key] = Entry(id: id, payloadHash: payloadHash, stateText: text)
        if current.count >= generationSize {
            previous = current
            current = [:]
        }
    }
}

/// The run's ``KeyMemory``, shared by the workers (a key moves between workers between its rows).
///
/// Split in 64 shards by key, each behind its own lock: one lock for all was the hottest spot of a dry run, with
/// every worker queueing on it for each row.
final class SharedKeyMemory: Sendable {
    private final class Shard: Sendable {
        let memory: Mutex<KeyMemory>

        init(capacity: Int) {
            memory = Mutex(KeyMemory(capacity: capacity))
        }
    }

    private let shards: [Shard]

    init(capacity: Int) {
        shards = (0..<64).map { _ in Shard(capacity: max(2, capacity / 64)) }
    }

    private func shard(_ key: String) -> Shard {
        shards[key.hashValue & 63]
    }

    subscript(key: String) -> KeyMemory.Entry? {
        shard(key).memory.withLock { $0[key] }
    }

    func remember(_ key: String, id: String, payloadHash: UInt64, state: JSONObject? = nil) {
        shard(key).memory.withLock { $0.remember(key, id: id, payloadHash: payloadHash, state: state) }
    }
}
