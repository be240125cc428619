import ContactIO

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
    public var firstDuplicates: [(key: String, line: Int, firstLine: Int)] = []
    public var firstRejects: [RejectedRow] = []
    /// Why the run stopped before the end, if it did.
    public var stoppedEarly: String?
    /// A failure of the input itself (corrupt gzip); the counts cover what came before it.
    public var failure: ContactIOError?
}

/// Reads, maps and validates a whole input, offline (no API call).
public enum ValidationRun {
    /// - Parameters:
    ///   - rejects: where to write the reject report, if anywhere.
    ///   - keep: how many rejects and duplicates to keep for the summary.
    public static func run(
        _ input: OpenedInput, mapping: MappingFile, rejects: RejectReport?, maxErrors: MaxErrors?, keep: Int = 10,
        progress: ((Int) -> Void)? = nil
    ) throws -> ValidationSummary {
        let reader = input.reader
        let mapper = try ContactMapper(mapping: mapping, header: (reader as? CSVReader)?.header)
        var summary = ValidationSummary(name: input.name)
        // Keys by a 64-bit hash, not the strings: a third of the memory and much less hashing work per row. Two
        // different keys sharing a hash in one file (about 1e-8 at a million keys) would be reported as a duplicate.
        var firstLineByKey: [Int: Int32] = [:]

        func reject(_ row: RejectedRow, original: RecordBuffer?) throws {
            summary.rejected += 1
            summary.rejectedByReason[row.reason, default: 0] += 1
            if summary.firstRejects.count < keep { summary.firstRejects.append(row) }
            try rejects?.add(row, original: original)
        }

        do {
            while let result = try reader.next() {
                summary.read += 1
                switch result {
                case .rowError(let error):
                    try reject(
                        RejectedRow(error), original: error.reason == .fieldCountMismatch ? reader.current : nil)
                case .record:
                    let record = reader.current
                    switch mapper.check(record) {
                    case .valid(let keyHash):
                        summary.valid += 1
                        if let first = firstLineByKey[keyHash] {
                            summary.duplicateKeys += 1
                            if summary.firstDuplicates.count < keep, case .contact(let contact) = mapper.map(record) {
                                summary.firstDuplicates.append((contact.matchKey, record.line, Int(first)))
                            }
                        } else {
                            firstLineByKey[keyHash] = Int32(truncatingIfNeeded: record.line)
                        }
                    case .rejected(let fieldReject):
                        try reject(RejectedRow(fieldReject, file: input.name, record: record), original: record)
                    }
                }
                if let maxErrors, let reason = exceeded(maxErrors, summary) {
                    summary.stoppedEarly = reason
                    break
                }
                if summary.read == 4096, let size = input.fileSize, input.compression == .none, reader.bytesRead > 0 {
                    // Size the key table once from the average row length: growing it a million rows at a time
                    // rehashes everything again and again.
                    firstLineByKey.reserveCapacity(Int(Double(size) / Double(reader.bytesRead) * 4096 * 1.05))
                }
                if let progress, summary.read & 0xFFFF == 0 { progress(reader.bytesRead) }
            }
        } catch let error as ContactIOError {
            summary.failure = error
        }
        return summary
    }

    private static func exceeded(_ limit: MaxErrors, _ summary: ValidationSummary) -> String? {
        switch limit {
        case .count(let count) where summary.rejected > count:
            return "more than \(count) rows were rejected (--max-errors)"
        case .share(let share) where summary.read >= 100 && Double(summary.rejected) > share * Double(summary.read):
            return "more than \(Int(share * 100))% of the rows were rejected (--max-errors)"
        default:
            return nil
        }
    }
}
