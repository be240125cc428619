import Synchronization

/// Keeps the rows of a key on one worker: the worker already holding rows of the same key, or else the one the
/// reader chooses.
///
/// Rows of one key must be applied in file order, so while a key has rows queued or in progress they all go to the
/// same worker. Any other key goes where the reader sends it (see ``ImportReader``): a fixed partition by hash would
/// leave some workers idle while the busiest one finishes its longer share, and would stall the reader on that
/// worker's full queue.
final class KeyRouter: Sendable {
    /// One of 64 parts of the table of active keys, each behind its own lock (the reader and every worker use it).
    private final class Shard: Sendable {
        let active = Mutex<[String: (worker: Int, rows: Int)]>([:])
    }

    private let shards = (0..<64).map { _ in Shard() }

    /// The worker for a row with `key`; `choose` is asked only when the key has no rows in flight (under the
    /// shard's lock: it must be quick, and take no lock of its own).
    func route(_ key: String, choose: () -> Int) -> Int {
        shards[key.hashValue & 63].active.withLock { active in
            let slot = active[key] ?? (choose(), 0)
            active[key] = (slot.worker, slot.rows + 1)
            return slot.worker
        }
    }

    /// A row of `key` is done (its outcome recorded).
    func release(_ key: String) {
        shards[key.hashValue & 63].active.withLock { active in
            guard let slot = active[key] else { return }
            active[key] = slot.rows > 1 ? (slot.worker, slot.rows - 1) : nil
        }
    }
}
