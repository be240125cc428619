import Dispatch
import Foundation

/// Collects the writes Intercom confirmed during an import and records them in the state file in batches.
///
/// A row is added only after its write (or the read that found it equal) succeeded, so the state never claims a row
/// that was not sent. A batch is committed once it holds ``batchSize`` rows or is ``interval`` old; a crash loses at
/// most the rows not committed yet, and those are looked up again on the next run (a lookup or a 409 finds them), so
/// they are never created twice.
///
/// `@unchecked Sendable`: every worker adds to it; `pending` and `lastFlush` are touched only while `lock` is held, and
/// `writing` serialises the commits (SQLite allows one writer at a time anyway).
final class StateJournal: @unchecked Sendable {
    let store: SyncStateStore
    private let lock = NSLock()
    private let writing = NSLock()
    private var pending: [SyncStateStore.Entry] = []
    private var moves: [(key: String, sequence: Int)] = []
    private var lastFlush = DispatchTime.now()
    private var recordedCount = 0
    private var failure: SyncStateError?
    private let batchSize: Int
    private let interval: UInt64
    private let onFailure: @Sendable (SyncStateError) -> Void

    /// - Parameter onFailure: called once, with the first error writing the file (the import stops on it).
    init(
        store: SyncStateStore, batchSize: Int = 512, interval: Double = 1,
        onFailure: @escaping @Sendable (SyncStateError) -> Void
    ) {
        self.store = store
        self.batchSize = batchSize
        self.interval = UInt64(interval * 1e9)
        self.onFailure = onFailure
    }

    /// Rows whose state was committed to the file.
    var recorded: Int { lock.withLock { recordedCount } }

    /// Adds a confirmed write of the row at line `sequence`; commits the batch when it is full or old enough.
    func add(key: String, id: String, payloadHash: UInt64, sequence: Int) {
        let entry = SyncStateStore.Entry(
            key: key, id: id, payloadHash: payloadHash, writtenAt: Int(Date().timeIntervalSince1970),
            sequence: sequence)
        let due = lock.withLock {
            pending.append(entry)
            return isDue()
        }
        if due { flush() }
    }

    /// Puts an unchanged row's entry where the row now is in the file (line `sequence`), so that the next run reads
    /// it in order. Only bookkeeping: losing it costs the next run one lookup in the key's index.
    func move(key: String, sequence: Int) {
        let due = lock.withLock {
            moves.append((key, sequence))
            return isDue()
        }
        if due { flush() }
    }

    /// Called with `lock` held.
    private func isDue() -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        return pending.count + moves.count >= batchSize || now - lastFlush.uptimeNanoseconds >= interval
    }

    /// Commits what is pending (also at the end of the run, or when it stops).
    ///
    /// The batch is taken while `writing` is held, so batches reach the file in the order their rows were added.
    func flush() {
        writing.withLock {
            let (batch, moved) = lock.withLock {
                lastFlush = DispatchTime.now()
                defer {
                    pending = []
                    moves = []
                }
                return failure == nil ? (pending, moves) : ([], [])
            }
            guard !batch.isEmpty || !moved.isEmpty else { return }
            do throws(SyncStateError) {
                try store.record(batch, moves: moved)
                lock.withLock { recordedCount += batch.count }
            } catch {
                lock.withLock { failure = error }
                onFailure(error)
            }
        }
    }
}
