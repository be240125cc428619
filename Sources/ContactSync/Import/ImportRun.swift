import ContactIO
import ContactMapping
import Dispatch
import Foundation
import IntercomAPI
import Synchronization

/// The import pipeline: reader → mapper and validator → partition by key → Dispatch workers → recorder.
public enum ImportRun {
    /// Reads, maps and upserts every row of `input`, and accounts for each one.
    ///
    /// Blocks until the run is over: call it from a thread of its own, never from the cooperative pool.
    /// - Parameters:
    ///   - rejects: the reject report (rows refused before any call), if wanted.
    ///   - failures: the failures file (rows that did not reach Intercom), if wanted.
    ///   - results: the results file (a line for every row: what became of it), if wanted.
    ///   - control: stops the run from outside and shows its progress.
    ///   - reopen: opens the same input again, for the look at repeated keys before the run (see ``RepeatedKeys``);
    ///     nil for an input that can be read only once (stdin), whose repeated keys are then applied row by row.
    ///   - split: cuts the reopened input for a second thread to read the part after the cut (see ``InputSplit``),
    ///     in the look at repeated keys; nil reads it in order.
    ///   - mapper: the mapping, bound to this input's columns.
    ///   - state: the sync state (`--state`): rows it knows unchanged cost nothing, changed rows with a stored id are
    ///     updated without a lookup, and confirmed writes are recorded in it (not in a dry run).
    public static func run(
        _ input: OpenedInput, mapper: ContactMapper, client: IntercomClient, options: ImportOptions,
        rejects: RejectReport? = nil, failures: FailureReport? = nil, results: ResultsReport? = nil,
        control: ImportControl = ImportControl(),
        keepProblems: Int = 10, reopen: (() throws -> OpenedInput)? = nil,
        split: ((OpenedInput) -> InputSplit?)? = nil, state: SyncStateStore? = nil
    ) -> ImportSummary {
        let started = DispatchTime.now()
        let fields = FieldBits(mapper.mapping)
        var repeated = RepeatedKeys(fields: fields)
        var repeatedRows: Int?
        if let reopen, let table = try? RepeatedKeys(scanning: reopen, mapper: mapper, fields: fields, split: split) {
            repeated = table
            repeatedRows = table.repeatedRows
        }
        let before = client.statistics
        var initial = ImportSummary(file: input.name)
        initial.encoding = input.encoding
        initial.dryRun = options.dryRun
        initial.mode = options.mode
        initial.state = state.map { StateActivity(path: $0.path, full: options.full) }
        let recorder = ImportRecorder(
            summary: initial, rejects: rejects, failures: failures, results: results, control: control,
            keepProblems: keepProblems)
        let context = Self.context(
            client: client, options: options, mapping: mapper.mapping, recorder: recorder, control: control,
            state: state)
        let workers = (0..<max(1, options.concurrency)).map { _ in ImportWorker(context: context) }
        let group = DispatchGroup()
        for (index, worker) in workers.enumerated() {
            DispatchQueue(label: "intercom-etl.import.worker-\(index)").async(group: group) { worker.run() }
        }
        let reader = ImportReader(input, mapper: mapper, repeated: repeated, context: context, workers: workers)
        // The reader's copy is the only one: it changes as rows are read, and a second reference here would make
        // that change copy the whole table (megabytes, for a file with many repeated keys).
        repeated = RepeatedKeys(fields: fields)
        let inputFailure = readAll(reader, control: control, state: options.full ? nil : state)
        control.bytes.store(input.reader.bytesRead, ordering: .relaxed)
        for worker in workers { worker.queue.finish() }
        group.wait()
        // The last tag batches, before the journal: their rows are confirmed when they are sent.
        let relations = context.relations.flatMap { sync in try? waitFor { await sync.finish() } }
        context.journal?.flush()

        var summary = recorder.current
        summary.state?.recorded = context.journal?.recorded ?? 0
        if let repeatedRows { summary.repeatedKeys = repeatedRows }
        summary.inputFailure = inputFailure
        summary.replacements = input.reader.replacements
        summary.skippedFooter = input.reader.skippedFooter
        summary.stoppedEarly = control.reason
        summary.statistics = client.statistics.since(before)
        summary.elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        summary.workers = options.concurrency
        summary.relations = relations
        return summary
    }

    /// Reads every row (until the run is stopped) inside the sync state's lookups, if any; the input's failure.
    private static func readAll(_ reader: ImportReader, control: ImportControl, state: SyncStateStore?) -> String? {
        do {
            var more = true
            while more && !control.isStopped {
                if let state {
                    try state.withLookup { lookup in
                        while more && !control.isStopped { more = try reader.step(lookup) }
                    }
                } else {
                    more = try reader.step(nil)
                }
            }
        } catch {
            return "\(error)"
        }
        return nil
    }

    /// What the workers share; the journal of confirmed writes only with a sync state, and never in a dry run.
    private static func context(
        client: IntercomClient, options: ImportOptions, mapping: MappingFile, recorder: ImportRecorder,
        control: ImportControl, state: SyncStateStore?
    ) -> ImportContext {
        let journal =
            options.dryRun
            ? nil
            : state.map { store in
                StateJournal(store: store) { error in control.stop("could not write the state file: \(error)") }
            }
        return ImportContext(
            client: client, options: options, match: mapping.match, recorder: recorder,
            control: control, standardFields: mapping.contactRules.filter { !$0.isCustomAttribute }.map(\.name),
            customFields: mapping.contactRules.filter(\.isCustomAttribute).map(\.name),
            memory: SharedKeyMemory(capacity: options.rememberedKeys), router: KeyRouter(), journal: journal,
            relations: options.dryRun || !mapping.rules.contains(where: { $0.target != .contact })
                ? nil : RelationSync(client: client, batch: options.tagBatch, syncTags: options.syncTags))
    }

    static func exceeded(_ limit: MaxErrors, problems: Int, read: Int) -> String? {
        switch limit {
        case .count(let count) where !limit.admits(problems, of: read):
            return "more than \(count) rows were rejected or failed (--max-errors)"
        case .share(let share) where read >= 100 && !limit.admits(problems, of: read):
            return "more than \(Int(share * 100))% of the rows were rejected or failed (--max-errors)"
        default:
            return nil
        }
    }
}
