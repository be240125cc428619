import ContactIO
import Dispatch
import Synchronization

/// When to give up on a file before spending any rate limit on it.
public enum MaxErrors: Sendable, Equatable {
    /// Stop after more than this many rejected rows.
    case count(Int)
    /// Stop once more than this share of the rows seen (after the first 100) is rejected.
    case share(Double)

    /// Parses `50` or `5%`.
    public init?(_ text: String) {
        if text.hasSuffix("%"), let percent = Double(text.dropLast()), percent >= 0, percent <= 100 {
            self = .share(percent / 100)
        } else if let count = Int(text), count >= 0 {
            self = .count(count)
        } else {
            return nil
        }
    }

    /// Whether `count` problems among `read` rows stay within the limit: at most the count, or at most the share.
    public func admits(_ count: Int, of read: Int) -> Bool {
        switch self {
        case .count(let most): count <= most
        case .share(let share): Double(count) <= share * Double(read)
        }
    }
}

/// What validating a file found.
public struct ValidationSummary: Sendable {
    public var name: String
    public var read = 0
    public var valid = 0
    public var rejected = 0
    /// Rejected rows by reason (reader row errors and mapping rejects).
    public var rejectedByReason: [String: Int] = [:]
    /// Rows whose match key an earlier row already had (they are merged in file order on import).
    public var duplicateKeys = 0
    /// What valid rows will be sent without (values of `invalid: skip` rules, phone extensions).
    public var warnings = FieldWarnings()
    /// The first repeated keys: the row's line, and the line of the key's first valid row (nil when it could not be
    /// found again: the file changed between the run and the look for it).
    public var firstDuplicates: [(key: String, line: Int, firstLine: Int?)] = []
    public var firstRejects: [RejectedRow] = []
    /// Why the run stopped before the end, if it did.
    public var stoppedEarly: String?
    /// A failure of the input itself (corrupt gzip); the counts cover what came before it.
    public var failure: ContactIOError?
    /// True when the part of the file after a cut was validated on a second thread and taken over.
    public var usedSecondThread = false
    /// The encoding the file was read in, and why.
    public var encoding = DetectedEncoding(.utf8, .content(firstInvalidOffset: nil))
    /// The cells whose invalid bytes were replaced (`--invalid-utf8 replace`; a file read so is not split).
    public var replacements = Replacements()
    /// The report footer at the end of the file, skipped (not rows).
    public var skippedFooter: SkippedFooter?
}

/// Reads, maps and validates a whole input, offline (no API call).
public enum ValidationRun {
    /// - Throws: ``MappingError`` for a column the CSV header lacks, and, for NDJSON, for a mapped key (or dotted
    ///   path) that no record of the file has (``NDJSONKeyCheck``), after reading it all.
    /// - Parameters:
    ///   - rejects: where to write the reject report, if anywhere.
    ///   - keep: how many rejects and duplicates to keep for the summary.
    ///   - split: a cut of the same file: the part after it is validated on a second thread meanwhile (see
    ///     ``InputSplit``); the summary and the report are the same as without it.
    ///   - reopen: opens the same input again from its start. With it, the key table keeps the keys' hashes alone
    ///     and the first lines of the repeated keys shown (`keep`) are found by reading the file's start again;
    ///     without it (standard input), the table keeps every key's first line, 4 bytes more a slot.
    public static func run(
        _ input: OpenedInput, mapping: MappingFile, rejects: RejectReport?, maxErrors: MaxErrors?, keep: Int = 10,
        split: InputSplit? = nil, reopen: (() throws -> OpenedInput)? = nil, progress: ((Int) -> Void)? = nil
    ) throws -> ValidationSummary {
        var summary = try runOnce(
            input, mapping: mapping, rejects: rejects, maxErrors: maxErrors, keep: keep, split: split,
            keepsLines: reopen == nil, progress: progress)
        if let reopen { findFirstLines(of: &summary, in: reopen, mapping: mapping) }
        return summary
    }

    /// ``run(_:mapping:rejects:maxErrors:keep:split:reopen:progress:)`` without looking for the first lines that
    /// the key table did not keep.
    private static func runOnce(
        _ input: OpenedInput, mapping: MappingFile, rejects: RejectReport?, maxErrors: MaxErrors?, keep: Int,
        split: InputSplit?, keepsLines: Bool, progress: ((Int) -> Void)?
    ) throws -> ValidationSummary {
        let reader = input.reader
        let mapper = try ContactMapper(mapping: mapping, header: reader.columns)
        var summary = ValidationSummary(name: input.name)
        summary.encoding = input.encoding
        // Keys by a 64-bit hash, not the strings: a fraction of the memory and much less hashing work per row. Two
        // different keys sharing a hash in one file (63 of its bits: about 5e-6 at ten million keys) would be
        // reported as a duplicate.
        let firstLineByKey = KeyTable(keepsLines: keepsLines)
        var rest: RestPass<RestValidation>?
        if let split, input.fileSize != nil {
            rest = RestValidation.start(
                split: split, mapping: mapping, keep: keep, keepsRecords: rejects != nil, keepsLines: keepsLines)
        }
        // The part's thread never outlives the run, whatever its end.
        defer {
            if let rest {
                rest.cancel()
                _ = rest.wait()
            }
        }
        var watching = rest != nil
        let cut = split?.cut ?? Int.max
        // The reader's one record buffer, fetched once: each fetch through the protocol is a retain and a release.
        let current = reader.current
        var keyCheck = reader.columns == nil ? NDJSONKeyCheck(mapping: mapping) : nil
        // A key that no record had is a mistake in the mapping, unless the run did not read every record.
        func checkKeys() throws {
            guard let keyCheck, summary.stoppedEarly == nil, summary.failure == nil else { return }
            try keyCheck.throwProblems(mappingPath: mapping.path, input: input.name)
        }

        func reject(_ row: RejectedRow, original: RecordBuffer?) throws {
            summary.rejected += 1
            summary.rejectedByReason[row.reason, default: 0] += 1
            if summary.firstRejects.count < keep { summary.firstRejects.append(row) }
            try rejects?.add(row, original: original)
        }

        do {
            while true {
                if watching && reader.bytesRead >= cut - 1, let split, let part = rest {
                    switch split.position(of: reader) {
                    case .beforeCut:
                        break
                    case .pastCut:
                        part.cancel()
                        watching = false
                    case .atCut(let lineOffset, let recordOffset):
                        watching = false
                        if let tally = part.wait(), adoptable(tally, summary, maxErrors) {
                            if let partCheck = tally.keyCheck { keyCheck?.merge(partCheck) }
                            try adopt(
                                tally, into: &summary, table: firstLineByKey, rejects: rejects, keep: keep,
                                offsets: (lineOffset, recordOffset), split: split, mapper: mapper)
                            if let progress { progress(reader.bytesRead + part.control.bytesRead) }
                            summary.replacements = reader.replacements
                            summary.skippedFooter = tally.footer.map {
                                SkippedFooter(line: $0.line + lineOffset, lines: $0.lines)
                            }
                            try checkKeys()
                            return summary
                        }
                    }
                }
                guard let result = try reader.next() else { break }
                summary.read += 1
                if keyCheck?.isComplete == false, case .record = result { keyCheck?.note(current) }
                // Once the summary holds the rejects it shows, a reject with no report to go to is only counted.
                let reasonOnly = rejects == nil && summary.firstRejects.count >= keep
                switch RowVerdict.of(
                    result, in: reader, record: current, mapper: mapper, keys: firstLineByKey, reasonOnly: reasonOnly)
                {
                case .rejected(let row, let withRecord):
                    try reject(row, original: withRecord ? current : nil)
                case .refused(let reason):
                    summary.rejected += 1
                    summary.rejectedByReason[reason.rawValue, default: 0] += 1
                case .firstOfKey(_, let warnings):
                    summary.valid += 1
                    summary.warnings.add(warnings, line: current.line, keep: keep)
                case .repeatedKey(_, let first, let warnings):
                    summary.valid += 1
                    summary.warnings.add(warnings, line: current.line, keep: keep)
                    summary.duplicateKeys += 1
                    let record = current
                    if summary.firstDuplicates.count < keep, case .contact(let contact) = mapper.map(record) {
                        summary.firstDuplicates.append((contact.matchKey, record.line, KeyTable.knownLine(first)))
                    }
                }
                if let maxErrors, let reason = exceeded(maxErrors, read: summary.read, rejected: summary.rejected) {
                    summary.stoppedEarly = reason
                    break
                }
                if let progress, summary.read & 0xFFFF == 0 {
                    let more = watching ? rest?.control.bytesRead ?? 0 : 0
                    progress(reader.bytesRead + more)
                }
            }
        } catch let error as ContactIOError {
            summary.failure = error
        }
        summary.replacements = reader.replacements
        summary.skippedFooter = reader.skippedFooter
        try checkKeys()
        return summary
    }

    /// Whether the run may take over the part after the cut: it was read whole, and `--max-errors` would not have
    /// stopped the run in it (else the run reads on by itself, to stop at the very row it would have).
    private static func adoptable(_ part: RestValidation, _ summary: ValidationSummary, _ maxErrors: MaxErrors?) -> Bool
    {
        guard let maxErrors else { return true }
        if case .share = maxErrors, summary.read < 100 { return false }
        var rejected = summary.rejected
        // The rejects kept whole come before those only counted (``RestValidation/refused``).
        for recordNumber in part.rejects.map(\.row.recordNumber) + part.refused {
            rejected += 1
            if exceeded(maxErrors, read: summary.read + recordNumber, rejected: rejected) != nil {
                return false
            }
        }
        return true
    }

    /// Adds the part after the cut to the summary and the report, with lines and numbers of the whole file.
    private static func adopt(
        _ part: RestValidation, into summary: inout ValidationSummary, table: KeyTable, rejects: RejectReport?,
        keep: Int, offsets: (line: Int, record: Int), split: InputSplit, mapper: ContactMapper
    ) throws {
        summary.usedSecondThread = true
        summary.read += part.read
        summary.valid += part.valid
        summary.rejected += part.rejects.count + part.refused.count
        summary.rejectedByReason.merge(part.rejectedByReason, uniquingKeysWith: +)
        summary.warnings.append(part.warnings, lineOffset: offsets.line, keep: keep)
        for var held in part.rejects {
            held.row.line += offsets.line
            held.row.recordNumber += offsets.record
            held.record?.line += offsets.line
            held.record?.number += offsets.record
            if summary.firstRejects.count < keep { summary.firstRejects.append(held.row) }
            try rejects?.add(held.row, record: held.record)
        }
        // A key's first row after the cut repeats a key when a row before the cut had it.
        let crossing = crossingKeys(part.keys, table)
        summary.duplicateKeys += part.duplicateKeys + crossing
        let wanted = keep - summary.firstDuplicates.count
        guard wanted > 0 else { return }
        // The earliest of both kinds; a repeat inside the part of a key a row before the cut had names that row.
        var examples: [(key: String, line: Int, firstLine: Int?)] = part.duplicates.map { duplicate in
            let firstLine: Int? =
                if let line = table[duplicate.keyHash] {
                    KeyTable.knownLine(line)
                } else {
                    duplicate.firstLine.map { $0 + offsets.line }
                }
            return (duplicate.key, duplicate.line + offsets.line, firstLine)
        }
        if crossing > 0 {
            // Rows after the wanted-th repeat inside the part cannot be among the examples.
            let before = examples.count >= wanted ? examples[wanted - 1].line - offsets.line : Int.max
            for row in try firstCrossingRows(split, mapper: mapper, table: table, wanted: wanted, before: before) {
                let line = table[row.keyHash].flatMap(KeyTable.knownLine)
                examples.append((row.key, row.line + offsets.line, line))
            }
        }
        examples.sort { $0.line < $1.line }
        summary.firstDuplicates += examples.prefix(wanted)
    }

    /// How many keys of the part after the cut a row before it had.
    ///
    /// Three million keys take tens of milliseconds here, while nothing else can run: so each half of the part's
    /// shards is looked at on a thread of its own (both tables are only read now).
    private static func crossingKeys(_ part: KeyTable, _ table: KeyTable) -> Int {
        let total = Mutex(0)
        let middle = KeyTable.shardCount / 2
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            var count = 0
            // Each key is a random place in the table: fetched a batch ahead, so that the waits overlap.
            var batch: [Int] = []
            batch.reserveCapacity(16)
            func probe() {
                for hash in batch { table.prefetch(hash) }
                for hash in batch where table.contains(hash) { count += 1 }
                batch.removeAll(keepingCapacity: true)
            }
            part.forEachKey(shards: half == 0 ? 0..<middle : middle..<KeyTable.shardCount) { hash, _ in
                batch.append(hash)
                if batch.count == 16 { probe() }
            }
            probe()
            total.withLock { $0 += count }
        }
        return total.withLock { $0 }
    }

    /// The first `wanted` rows after the cut (lines counted from there, before the line `before`) whose key is new
    /// there and a row before the cut had, read again from the cut: the part's table keeps no order of its keys.
    private static func firstCrossingRows(
        _ split: InputSplit, mapper: ContactMapper, table: KeyTable, wanted: Int, before: Int
    ) throws -> [(key: String, keyHash: Int, line: Int)] {
        let reader = try split.openRecords(at: split.cut)
        let record = reader.current
        var rows: [(key: String, keyHash: Int, line: Int)] = []
        var met = Set<Int>()
        while rows.count < wanted, let result = try reader.next(), record.line < before {
            guard case .record = result, let hash = mapper.matchKeyHash(record), table.contains(hash),
                !met.contains(hash), case .contact(let contact) = mapper.map(record)
            else { continue }
            met.insert(hash)
            rows.append((contact.matchKey, hash, record.line))
        }
        return rows
    }

    /// Finds the first line of each repeated key shown whose table kept none, by reading the input again from its
    /// start up to the last of them: a few rows in most files, where keys repeat often. Those it cannot find (the
    /// file changed, or cannot be read again) stay unknown.
    private static func findFirstLines(
        of summary: inout ValidationSummary, in reopen: () throws -> OpenedInput, mapping: MappingFile
    ) {
        var wanted: [Int: [Int]] = [:]
        var last = 0
        for (index, duplicate) in summary.firstDuplicates.enumerated() where duplicate.firstLine == nil {
            wanted[ContactMapper.keyHash(duplicate.key), default: []].append(index)
            last = max(last, duplicate.line)
        }
        guard !wanted.isEmpty else { return }
        do {
            let reader = try reopen().reader
            let mapper = try ContactMapper(mapping: mapping, header: reader.columns)
            let record = reader.current
            while !wanted.isEmpty, let result = try reader.next(), record.line < last {
                // A key's first row is its first valid one: a rejected row never entered the table.
                guard case .record = result, let hash = mapper.matchKeyHash(record), let indices = wanted[hash],
                    case .contact = mapper.map(record)
                else { continue }
                for index in indices { summary.firstDuplicates[index].firstLine = record.line }
                wanted[hash] = nil
            }
        } catch {
            // The examples keep an unknown first line; the counts are those of the run.
        }
    }

    private static func exceeded(_ limit: MaxErrors, read: Int, rejected: Int) -> String? {
        switch limit {
        case .count(let count) where !limit.admits(rejected, of: read):
            return "more than \(count) rows were rejected (--max-errors)"
        // A share is judged only after the first 100 rows, where one bad row would be a large share.
        case .share(let share) where read >= 100 && !limit.admits(rejected, of: read):
            return "more than \(Int(share * 100))% of the rows were rejected (--max-errors)"
        default:
            return nil
        }
    }
}
