import ContactIO
import ContactMapping
import IntercomAPI

/// The import's first stages, on the thread that reads: each row is read, checked against the sync state (a row
/// unchanged since its last write stops here), mapped (one call into the rule engine), and handed to its worker.
final class ImportReader {
    private let input: OpenedInput
    private let mapper: ContactMapper
    private var repeated: RepeatedKeys
    private let recorder: ImportRecorder
    private let control: ImportControl
    private let journal: StateJournal?
    private let workers: [ImportWorker]
    private let router: KeyRouter
    private let maxErrors: MaxErrors?
    private let lookupBatch: Int
    /// The worker that new keys go to until it has a lookup's worth of them (see ``choose(searched:)``), and how many
    /// it has.
    private var filling = 0
    private var filled = Int.max

    init(
        _ input: OpenedInput, mapper: ContactMapper, repeated: RepeatedKeys, context: ImportContext,
        workers: [ImportWorker]
    ) {
        self.input = input
        self.mapper = mapper
        self.repeated = repeated
        self.workers = workers
        recorder = context.recorder
        control = context.control
        journal = context.journal
        router = context.router
        maxErrors = context.options.maxErrors
        lookupBatch = max(1, context.options.lookupBatch)
    }

    /// What the sync state says about a row.
    private struct StateCheck {
        var position: RepeatedKeys.Position?
        var stored: SyncStateStore.Found?
        /// The row's state key, as a string only when its entry is to move (the row moved in the file).
        var movingKey: String?
        /// What the state keeps for the row once written (see ``ImportRow/stateHash``).
        var stateHash: UInt64 = 0
    }

    /// Reads and dispatches one row; false at the end of the input.
    func step(_ lookup: SyncStateStore.Lookup?) throws -> Bool {
        let reader = input.reader
        guard let result = try reader.next() else { return false }
        recorder.read()
        defer {
            if control.rowsRead & 0x3FF == 0 { control.bytes.store(reader.bytesRead, ordering: .relaxed) }
        }
        if case .rowError(let error) = result {
            recorder.reject(RejectedRow(error), original: error.reason == .fieldCountMismatch ? reader.current : nil)
            return true
        }
        let record = reader.current
        let check = try checkState(record, lookup)
        if let stored = check.stored, stored.payloadHash == check.stateHash {
            // The same cells under the same mapping as the write the state recorded: the same payload.
            recorder.unchangedByState(line: record.line, key: self.mapper.matchKey(record), id: stored.id)
            // The row moved in the file: its entry follows, so that the next run finds it in order.
            if let movingKey = check.movingKey { journal?.move(key: movingKey, sequence: record.line) }
            return true
        }
        switch mapper.map(record) {
        case .rejected(let reject):
            recorder.reject(
                RejectedRow(reject, file: input.name, record: record), original: record,
                key: self.mapper.matchKey(record))
        case .contact(let mapped):
            recorder.warned(mapped.warnings, line: record.line)
            let contact = repeated.trim(mapped, leaving: check.position?.later ?? 0, match: mapper.mapping.match)
            let position = check.position
            send(
                ImportRow(
                    contact: contact, original: record.makeRecord(), hash: PayloadHash.of(contact),
                    hasLater: position?.hasLater ?? false, hadEarlier: position?.hadEarlier ?? false,
                    stateHash: check.stateHash, ordinal: position?.ordinal ?? 0, storedID: check.stored?.id),
                lookup)
        }
        if let maxErrors,
            let reason = ImportRun.exceeded(maxErrors, problems: recorder.problems, read: control.rowsRead)
        {
            control.stop(reason)
        }
        return true
    }

    /// The row's place among the rows of its key, and its entry in the sync state, if any.
    private func checkState(_ record: RecordBuffer, _ lookup: SyncStateStore.Lookup?) throws -> StateCheck {
        let fingerprint = mapper.sourceFingerprint(record)
        var check = StateCheck()
        try mapper.withMatchKey(record) { key in
            if !repeated.isEmpty {
                let keyHash = ContactMapper.keyHash(bytes: UnsafeRawBufferPointer(key))
                check.position = repeated.position(keyHash: keyHash, fingerprint: fingerprint)
            }
            guard let lookup else { return }
            // A row the mapping rejects has no entry of its own: its key is another row's.
            if let ordinal = check.position?.ordinal, ordinal > 0 {
                let rowKey = SyncStateStore.rowKey(String(decoding: key, as: UTF8.self), ordinal: ordinal)
                check.stored = try lookup.entry(rowKey) { mapper.keyAndFields(record) != nil }
                if check.stored?.move == true { check.movingKey = rowKey }
            } else {
                check.stored = try lookup.entry(bytes: key) { mapper.keyAndFields(record) != nil }
                if check.stored?.move == true { check.movingKey = String(decoding: key, as: UTF8.self) }
            }
        }
        // A row of a repeated key sends only the fields later rows leave alone: they are part of its state.
        let later = check.position?.later ?? 0
        check.stateHash =
            later == 0 ? fingerprint : (fingerprint ^ (later &* 0x9E37_79B9_7F4A_7C15)) &* 0xFF51_AFD7_ED55_8CCD
        return check
    }

    /// Hands the row to the worker of its key, or to the one ``choose(searched:)`` picks.
    private func send(_ row: ImportRow, _ lookup: SyncStateStore.Lookup?) {
        let worker = workers[router.route(row.contact.matchKey) { choose(searched: row.storedID == nil) }]
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

    /// The worker for a row whose key no worker holds: the one that is being given a lookup's worth of new keys, or
    /// once it has them, the least loaded one. A row with an id from the sync state is not searched for, and does not
    /// count.
    ///
    /// A worker searches for up to 15 keys at once, those that reach it within a moment (``ImportOptions/linger``).
    /// Rows dealt to the least loaded worker one at a time reached each of 32 or 64 workers too slowly to fill its
    /// searches; a run of 15 consecutive new keys to one worker fills them, at any number of workers.
    private func choose(searched: Bool) -> Int {
        if filled < lookupBatch || !searched {
            if searched { filled += 1 }
            return filling
        }
        var lowest = Int.max
        for (index, worker) in workers.enumerated() {
            let load = worker.pending.load(ordering: .relaxed)
            if load < lowest {
                lowest = load
                filling = index
            }
        }
        filled = 1
        return filling
    }
}
