import ContactIO
import ContactMapping
import IntercomAPI
import Synchronization

/// What every worker shares: the client, the options, where outcomes go, and the stop switch.
struct ImportContext: Sendable {
    var client: IntercomClient
    var options: ImportOptions
    var match: MappingFile.MatchKey
    var recorder: ImportRecorder
    var control: ImportControl
    /// The mapping's standard fields and custom attributes, for comparing contacts (see ``ContactDiff``).
    var standardFields: [String]
    var customFields: [String]
    var memory: SharedKeyMemory
    var router: KeyRouter
    /// Where confirmed writes go, with a sync state (never in a dry run).
    var journal: StateJournal?
}

/// One of the import's Dispatch workers: it applies the rows routed to it in order, in batches that share a lookup.
///
/// While a key has rows in a worker, every row of that key goes to the same worker (see ``KeyRouter``), so repeated
/// keys are applied in file order.
final class ImportWorker: Sendable {
    let queue: BoundedQueue<ImportRow>
    /// Rows routed to this worker and not done yet (the router's measure of load).
    let pending = Atomic<Int>(0)
    let context: ImportContext

    init(context: ImportContext) {
        self.context = context
        queue = BoundedQueue(
            capacity: max(
                4 * context.options.lookupBatch, context.options.bufferedRows / max(1, context.options.concurrency)))
    }

    var memory: SharedKeyMemory { context.memory }
    var client: IntercomClient { context.client }
    var options: ImportOptions { context.options }
    var recorder: ImportRecorder { context.recorder }

    /// Processes batches until the queue is finished, or abandons what is left once the run is stopped.
    ///
    /// While a batch is written, the next batch's lookup is already in flight when its rows are waiting, so that a
    /// worker spends its time on writes: the search is hidden behind them instead of adding to every 15 rows.
    func run() {
        let size = options.lookupBatch
        var batch = topUp(queue.take(upTo: size, linger: options.linger))
        var lookup = startLookup(batch)
        while !batch.isEmpty {
            guard !context.control.isStopped else {
                for row in batch { recorder.notSent(row) }
                break
            }
            // A key of this batch is not searched for in the next one before this batch has written it: the search
            // could miss the contact this batch creates. Its row finds the key remembered, or looks it up alone.
            let writing = Set(batch.map(\.contact.matchKey))
            let next = topUp(queue.takeIfReady(upTo: size), excluding: writing)
            let nextLookup = startLookup(next, excluding: writing)
            process(batch, lookup: lookup)
            if next.isEmpty {
                batch = topUp(queue.take(upTo: size, linger: options.linger))
                lookup = startLookup(batch)
            } else {
                batch = next
                lookup = nextLookup
            }
        }
        for row in queue.abandon() { recorder.notSent(row) }
    }

    /// The batch with more of the rows waiting, until it has a search's worth of keys to look up (rows that need
    /// none, a key the run remembers or an id from the sync state, do not count) or none is waiting. A batch of 15
    /// rows of which one needed no search left a row over, and that row had a search of its own.
    private func topUp(_ batch: [ImportRow], excluding: Set<String> = []) -> [ImportRow] {
        var batch = batch
        let size = options.lookupBatch
        while !batch.isEmpty {
            let missing = size - searchKeys(batch, excluding: excluding).keys.count
            guard missing > 0 else { break }
            let more = queue.takeAvailable(upTo: missing)
            if more.isEmpty { break }
            batch += more
        }
        return batch
    }

    /// The keys of the batch to search for (each once, with its row's role): those this worker does not already
    /// know. A row with an id from the sync state is updated by that id: no lookup.
    private func searchKeys(_ batch: [ImportRow], excluding: Set<String> = []) -> (
        keys: [String], roles: [String: String]
    ) {
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

    /// A batch's search, and the keys it asked for.
    private struct BatchLookup {
        var call: PendingCall<[String: IntercomContact]>?
        var searched: Set<String> = []
    }

    /// Starts the search for the batch's keys that this worker does not already know.
    private func startLookup(_ batch: [ImportRow], excluding: Set<String> = []) -> BatchLookup {
        let (keys, roles) = searchKeys(batch, excluding: excluding)
        guard !keys.isEmpty else { return BatchLookup() }
        let search = ContactLookup(client: client, match: context.match)
        return BatchLookup(
            call: PendingCall { () async throws(IntercomError) in try await search.find(keys, roles: roles) },
            searched: Set(keys))
    }

    private func process(_ batch: [ImportRow], lookup: BatchLookup) {
        var found: [String: IntercomContact] = [:]
        if let call = lookup.call {
            do throws(IntercomError) {
                found = try call.wait()
            } catch {
                for row in batch {
                    fail(row, error)
                    done(row)
                }
                return
            }
        }
        for (position, row) in batch.enumerated() {
            guard !context.control.isStopped else {
                for rest in batch[position...] { recorder.notSent(rest) }
                return
            }
            let key = row.contact.matchKey
            handle(row, found: found[key], searched: lookup.searched.contains(key))
            done(row)
        }
    }

    /// The row's outcome is recorded: its key may move to another worker, and this worker has one row less.
    private func done(_ row: ImportRow) {
        context.router.release(row.contact.matchKey)
        pending.subtract(1, ordering: .relaxed)
    }
}
