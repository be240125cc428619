import ContactMapping
import IntercomAPI

/// The lookup stage of one worker: it gathers the worker's rows into batches with a search's worth of keys, and
/// starts each batch's search.
///
/// Searches hold 15 keys whatever the number of workers because the stage has two halves: the reader sends new keys to
/// one worker until it has 15 of them (``ImportReader``), and this batcher tops a batch up from the worker's queue
/// until it has 15 keys to search for. Rows that need no search (a key the run remembers, an id from the sync state)
/// do not count, so they do not leave a key over for a search of its own.
struct LookupBatcher: Sendable {
    let queue: BoundedQueue<ImportRow>
    let memory: SharedKeyMemory
    /// Keys per search (Intercom allows 15 values in an `IN`).
    let size: Int
    /// How long the first row of a batch waits for more when the queue is short.
    let linger: Double

    /// A batch's search, and the keys it asked for.
    struct Lookup {
        var call: PendingCall<[String: IntercomContact]>?
        var searched: Set<String> = []
    }

    /// The next batch, waiting for rows (and lingering for more) when none is ready; empty once the queue is finished.
    func nextBatch() -> [ImportRow] {
        topUp(queue.take(upTo: size, linger: linger))
    }

    /// A batch of the rows ready now (none when none is): it is searched while the current batch is written.
    /// - Parameter writing: the keys of the batch being written, not searched for again before it has written them.
    func readyBatch(excluding writing: Set<String>) -> [ImportRow] {
        topUp(queue.takeIfReady(upTo: size), excluding: writing)
    }

    /// The batch with more of the rows waiting, until it has a search's worth of keys or none is waiting.
    func topUp(_ batch: [ImportRow], excluding: Set<String> = []) -> [ImportRow] {
        var batch = batch
        while !batch.isEmpty {
            let missing = size - searchKeys(batch, excluding: excluding).keys.count
            guard missing > 0 else { break }
            let more = queue.takeAvailable(upTo: missing)
            if more.isEmpty { break }
            batch += more
        }
        return batch
    }

    /// The keys of the batch to search for (each once, with its row's role): those the run does not already know. A
    /// row with an id from the sync state is updated by that id: no lookup.
    func searchKeys(_ batch: [ImportRow], excluding: Set<String> = []) -> (keys: [String], roles: [String: String]) {
        var keys: [String] = []
        var roles: [String: String] = [:]
        for row in batch
        where row.storedID == nil && memory[row.contact.matchKey] == nil && roles[row.contact.matchKey] == nil
            && !excluding.contains(row.contact.matchKey)
        {
            keys.append(row.contact.matchKey)
            roles[row.contact.matchKey] = row.contact.role
        }
        return (keys, roles)
    }

    /// Starts the search for the batch's keys that the run does not already know (none: no call).
    func startLookup(_ batch: [ImportRow], with search: ContactLookup, excluding: Set<String> = []) -> Lookup {
        let (keys, roles) = searchKeys(batch, excluding: excluding)
        guard !keys.isEmpty else { return Lookup() }
        return Lookup(
            call: PendingCall { () async throws(IntercomError) in try await search.find(keys, roles: roles) },
            searched: Set(keys))
    }
}
