import ContactIO

/// What validating the part of a file after an ``InputSplit``'s cut found, on a second thread (a ``RestPass``):
/// what the whole run needs to take the part over once its own reader reaches the cut. Counts, the rejects (up to a
/// bound, since they wait in memory) and the keys met there (``keys``).
///
/// Lines and record numbers here count from the cut; ``ValidationRun`` adds the offsets the cut turned out to have.
struct RestValidation: Sendable {
    /// A row whose key an earlier row after the cut had.
    struct Duplicate {
        var key: String
        var keyHash: Int
        var line: Int
        /// Nil when the part's table keeps no lines.
        var firstLine: Int?
    }

    /// Rejects kept in memory before the part gives up (and the whole file's reader reads on instead): enough for a
    /// file of a million rows with a few percent rejected (a phone rule alone rejects that many in some exports).
    static let maxHeldRejects = 50_000
    static let maxHeldBytes = 32 << 20

    var read = 0
    var valid = 0
    var rejectedByReason: [String: Int] = [:]
    var rejects: [(row: RejectedRow, record: Record?)] = []
    /// The record numbers of the rejects after the first `keep` when there is no report: they are counted by reason
    /// (``rejectedByReason``) and not kept whole, as the run shows none of them.
    var refused: [Int] = []
    var duplicateKeys = 0
    var warnings = FieldWarnings()
    var duplicates: [Duplicate] = []
    /// The keys of the valid rows after the cut (with the line of each one's first row when the run keeps lines).
    var keys: KeyTable
    /// The report footer that ends the file, if the part's reader skipped one (lines from the cut).
    var footer: SkippedFooter?
    /// For NDJSON: the mapped keys that the part's records have (``NDJSONKeyCheck``).
    var keyCheck: NDJSONKeyCheck?
    private var heldBytes = 0

    init(keepsLines: Bool) {
        keys = KeyTable(keepsLines: keepsLines)
    }

    /// Starts validating the part after `split`'s cut.
    /// - Parameters:
    ///   - keepsRecords: whether the rejects' records are kept (for a reject report; else only their rows).
    ///   - keepsLines: whether the key table keeps each key's first line (see ``KeyTable``).
    static func start(
        split: InputSplit, mapping: MappingFile, keep: Int, keepsRecords: Bool = true, keepsLines: Bool
    ) -> RestPass<Self> {
        RestPass(split) { reader, control in
            try validate(
                reader, control: control, mapping: mapping, keep: keep, keepsRecords: keepsRecords,
                keepsLines: keepsLines)
        }
    }

    /// The part's tally, or nil when it gave up: too many rejects to hold, a quote that may have opened before the
    /// cut, or the run no longer wants it.
    private static func validate(
        _ reader: RecordReader, control: RestPass<Self>.Control, mapping: MappingFile, keep: Int, keepsRecords: Bool,
        keepsLines: Bool
    ) throws -> Self? {
        // A mapper of its own: the one of the run's thread would be shared, and the reference counts of its plans,
        // touched on every row by both threads, made each thread a third slower (one cache line for both cores).
        let mapper = try ContactMapper(mapping: mapping, header: reader.columns)
        var tally = Self(keepsLines: keepsLines)
        if reader.columns == nil { tally.keyCheck = NDJSONKeyCheck(mapping: mapping) }
        let firstLineByKey = tally.keys
        // Fetched once: each fetch through the protocol is a retain and a release.
        let record = reader.current
        while let result = try reader.next() {
            tally.read += 1
            if tally.read & 0xFFF == 0 {
                if control.isCancelled { return nil }
                control.report(bytesRead: reader.bytesRead)
            }
            // An unclosed quote here may have begun before the cut: only the whole file's reader can say.
            if case .rowError(let error) = result, error.reason == .unterminatedQuote { return nil }
            if tally.keyCheck?.isComplete == false, case .record = result { tally.keyCheck?.note(record) }
            let reasonOnly = !keepsRecords && tally.rejects.count >= keep
            switch RowVerdict.of(
                result, in: reader, record: record, mapper: mapper, keys: firstLineByKey, reasonOnly: reasonOnly)
            {
            case .rejected(let row, let withRecord):
                if !tally.hold(row, withRecord && keepsRecords ? record.makeRecord() : nil) { return nil }
            case .refused(let reason):
                tally.rejectedByReason[reason.rawValue, default: 0] += 1
                tally.refused.append(record.number)
                tally.heldBytes += 8
                if tally.heldBytes > Self.maxHeldBytes { return nil }
            case .firstOfKey(_, let warnings):
                tally.valid += 1
                tally.warnings.add(warnings, line: record.line, keep: keep)
            case .repeatedKey(let keyHash, let first, let warnings):
                tally.valid += 1
                tally.warnings.add(warnings, line: record.line, keep: keep)
                tally.duplicateKeys += 1
                if tally.duplicates.count < keep, case .contact(let contact) = mapper.map(record) {
                    tally.duplicates.append(
                        Duplicate(
                            key: contact.matchKey, keyHash: keyHash, line: record.line,
                            firstLine: KeyTable.knownLine(first)))
                }
            }
        }
        control.report(bytesRead: reader.bytesRead)
        tally.footer = reader.skippedFooter
        return tally
    }

    /// Keeps a reject for the run; false when there are too many to keep.
    private mutating func hold(_ row: RejectedRow, _ record: Record?) -> Bool {
        rejectedByReason[row.reason, default: 0] += 1
        heldBytes += 256 + (record?.fields.reduce(0) { $0 + $1.text.utf8.count + 32 } ?? 0)
        rejects.append((row, record))
        return rejects.count <= Self.maxHeldRejects && heldBytes <= Self.maxHeldBytes
    }
}
