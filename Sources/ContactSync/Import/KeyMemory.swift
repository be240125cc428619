import ContactIO
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
        /// The contact's values of the mapping's fields, kept only while later rows of the key are still to come
        /// (their rows are compared with it instead of being sent blindly).
        var state: JSONObject?
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
        current[key] = Entry(id: id, payloadHash: payloadHash, state: state)
        if current.count >= generationSize {
            previous = current
            current = [:]
        }
    }
}

/// The run's ``KeyMemory``, shared by the workers behind a lock (a key moves between workers between its rows).
final class SharedKeyMemory: Sendable {
    private let memory: Mutex<KeyMemory>

    init(capacity: Int) {
        memory = Mutex(KeyMemory(capacity: capacity))
    }

    subscript(key: String) -> KeyMemory.Entry? {
        memory.withLock { $0[key] }
    }

    func remember(_ key: String, id: String, payloadHash: UInt64, state: JSONObject? = nil) {
        memory.withLock { $0.remember(key, id: id, payloadHash: payloadHash, state: state) }
    }
}
