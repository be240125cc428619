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
        rejects: RejectReport? = nil, failures: FailureReport? = nil, control: ImportControl = ImportControl(),
        keepProblems: Int = 10, reopen: (() throws -> OpenedInput)? = nil,
        split: ((OpenedInput) -> InputSplit?)? = nil, state: SyncStateStore? = nil
    ) -> ImportSummary {
        let started = DispatchTime.now()
        let reader = input.reader
        let mapping = mapper.mapping
        let fields = FieldBits(mapping)
        var repeated = RepeatedKeys(fields: fields)
        var scanned = false
        if let reopen, let table = try? RepeatedKeys(scanning: reopen, mapper: mapper, fields: fields, split: split) {
            repeated = table
            scanned = true
        }
        let before = client.statistics
        var initial = ImportSummary(file: input.name)
        initial.dryRun = options.dryRun
        initial.mode = options.mode
        initial.state = state.map { StateActivity(path: $0.path, full: options.full) }
        let recorder = ImportRecorder(
            summary: initial, rejects: rejects, failures: failures, control: control, keepProblems: keepProblems)
        let journal =
            options.dryRun
            ? nil
            : state.map { store in
                StateJournal(store: store) { error in control.stop("could not write the state file: \(error)") }
            }
        let context = ImportContext(
            client: client, options: options, match: mapping.match, recorder: recorder,
            control: control, standardFields: mapping.rules.filter { !$0.isCustomAttribute }.map(\.name),
            customFields: mapping.rules.filter(\.isCustomAttribute).map(\.name),
            memory: SharedKeyMemory(capacity: options.rememberedKeys), router: KeyRouter(), journal: journal)
        let concurrency = max(1, options.concurrency)
        let workers = (0..<concurrency).map { _ in ImportWorker(context: context) }
        func leastLoaded() -> Int {
            var best = 0
            var lowest = Int.max
            for (index, worker) in workers.enumerated() {
                let load = worker.pending.load(ordering: .relaxed)
                if load < lowest {
                    lowest = load
                    best = index
                }
            }
            return best
        }
        let group = DispatchGroup()
        for (index, worker) in workers.enumerated() {
            DispatchQueue(label: "intercom-etl.import.worker-\(index)").async(group: group) { worker.run() }
        }

        /// Reads and dispatches one row; false at the end of the input.
        func step(_ lookup: SyncStateStore.Lookup?) throws -> Bool {
            guard let result = try reader.next() else { return false }
            recorder.read()
            defer {
                if control.rowsRead & 0x3FF == 0 { control.bytes.store(reader.bytesRead, ordering: .relaxed) }
            }
            switch result {
            case .rowError(let error):
                recorder.reject(
                    RejectedRow(error), original: error.reason == .fieldCountMismatch ? reader.current : nil)
                return true
            case .record:
                break
            }
            let record = reader.current
            let fingerprint = mapper.sourceFingerprint(record)
            var position: RepeatedKeys.Position?
            var stored: SyncStateStore.Found?
            // The row's state key, as a string only when its entry is to move (see below).
            var movingKey: String?
            try mapper.withMatchKey(record) { key in
                if !repeated.isEmpty {
                    let keyHash = ContactMapper.keyHash(bytes: UnsafeRawBufferPointer(key))
                    position = repeated.position(keyHash: keyHash, fingerprint: fingerprint)
                }
                guard let lookup else { return }
                // A row the mapping rejects has no entry of its own: its key is another row's.
                if let ordinal = position?.ordinal, ordinal > 0 {
                    let rowKey = SyncStateStore.rowKey(String(decoding: key, as: UTF8.self), ordinal: ordinal)
                    stored = try lookup.entry(rowKey) { mapper.keyAndFields(record) != nil }
                    if stored?.move == true { movingKey = rowKey }
                } else {
                    stored = try lookup.entry(bytes: key) { mapper.keyAndFields(record) != nil }
                    if stored?.move == true { movingKey = String(decoding: key, as: UTF8.self) }
                }
            }
            // A row of a repeated key sends only the fields later rows leave alone: they are part of its state.
            let later = position?.later ?? 0
            let stateHash =
                later == 0 ? fingerprint : (fingerprint ^ (later &* 0x9E37_79B9_7F4A_7C15)) &* 0xFF51_AFD7_ED55_8CCD
            if let stored, stored.payloadHash == stateHash {
                // The same cells under the same mapping as the write the state recorded: the same payload.
                recorder.unchangedByState()
                // The row moved in the file: its entry follows, so that the next run finds it in order.
                if let movingKey { journal?.move(key: movingKey, sequence: record.line) }
                return true
            }
            switch mapper.map(record) {
            case .rejected(let reject):
                recorder.reject(RejectedRow(reject, file: input.name, record: record), original: record)
            case .contact(let mapped):
                let contact = repeated.trim(mapped, leaving: later, match: mapping.match)
                let row = ImportRow(
                    contact: contact, original: record.makeRecord(), hash: PayloadHash.of(contact),
                    hasLater: position?.hasLater ?? false, hadEarlier: position?.hadEarlier ?? false,
                    stateHash: stateHash, ordinal: position?.ordinal ?? 0, storedID: stored?.id)
                let worker = workers[context.router.route(contact.matchKey, leastLoaded: leastLoaded)]
                worker.pending.add(1, ordering: .relaxed)
                var accepted = worker.queue.offer(row)
                if accepted == nil {
                    // The worker is busy: no state snapshot may be held while waiting for it.
                    lookup?.release()
                    accepted = worker.queue.put(row)
                }
                if accepted != true {
                    // The worker was stopped while the reader waited for room.
                    recorder.notSent(row)
                }
            }
            if let limit = options.maxErrors,
                let reason = exceeded(limit, problems: recorder.problems, read: control.rowsRead)
            {
                control.stop(reason)
            }
            return true
        }

        var inputFailure: String?
        do {
            var more = true
            while more && !control.isStopped {
                if let state, !options.full {
                    try state.withLookup { lookup in
                        while more && !control.isStopped { more = try step(lookup) }
                    }
                } else {
                    more = try step(nil)
                }
            }
        } catch {
            inputFailure = "\(error)"
        }
        control.bytes.store(reader.bytesRead, ordering: .relaxed)
        for worker in workers { worker.queue.finish() }
        group.wait()
        journal?.flush()

        var summary = recorder.current
        summary.state?.recorded = journal?.recorded ?? 0
        if scanned { summary.repeatedKeys = repeated.repeatedRows }
        summary.inputFailure = inputFailure
        summary.stoppedEarly = control.reason
        summary.statistics = client.statistics.since(before)
        summary.elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        summary.workers = options.concurrency
        return summary
    }

    private static func exceeded(_ limit: MaxErrors, problems: Int, read: Int) -> String? {
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
