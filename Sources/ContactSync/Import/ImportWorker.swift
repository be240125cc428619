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
    /// Applies the rows' tags and companies, when the mapping has them (never in a dry run).
    var relations: RelationSync?
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
        let batcher = LookupBatcher(queue: queue, memory: memory, size: options.lookupBatch, linger: options.linger)
        let search = ContactLookup(client: client, match: context.match)
        var batch = batcher.nextBatch()
        var lookup = batcher.startLookup(batch, with: search)
        while !batch.isEmpty {
            guard !context.control.isStopped else {
                for row in batch { recorder.notSent(row) }
                break
            }
            // A key of this batch is not searched for in the next one before this batch has written it: the search
            // could miss the contact this batch creates. Its row finds the key remembered, or looks it up alone.
            let writing = Set(batch.map(\.contact.matchKey))
            let next = batcher.readyBatch(excluding: writing)
            let nextLookup = batcher.startLookup(next, with: search, excluding: writing)
            process(batch, lookup: lookup)
            if next.isEmpty {
                batch = batcher.nextBatch()
                lookup = batcher.startLookup(batch, with: search)
            } else {
                batch = next
                lookup = nextLookup
            }
        }
        for row in queue.abandon() { recorder.notSent(row) }
    }

    private func process(_ batch: [ImportRow], lookup: LookupBatcher.Lookup) {
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
