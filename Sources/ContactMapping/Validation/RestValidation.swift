import ContactIO
import Dispatch
import Synchronization

/// Validates the part of a file after an ``InputSplit``'s cut on a thread of its own, and keeps what the whole run
/// needs to take the part over once its own reader reaches the cut: counts, the rejects (up to a bound, since they
/// wait in memory) and each key's first row there.
///
/// Lines and record numbers here count from the cut; ``ValidationRun`` adds the offsets the cut turned out to have.
final class RestValidation: @unchecked Sendable {
    /// A key's first valid row after the cut.
    struct FirstRow {
        var keyHash: Int
        var line: Int32
        /// Where the record starts, relative to the cut (to read its key again if it is reported).
        var offset: Int
    }

    /// A row whose key an earlier row after the cut had.
    struct Duplicate {
        var key: String
        var keyHash: Int
        var line: Int
        var firstLine: Int
    }

    /// Rejects kept in memory before the part gives up (and the whole file's reader reads on instead).
    static let maxHeldRejects = 10_000
    static let maxHeldBytes = 16 << 20

    // Written by the part's thread only, read by the run's after ``wait()``.
    private(set) var read = 0
    private(set) var valid = 0
    private(set) var rejectedByReason: [String: Int] = [:]
    private(set) var rejects: [(row: RejectedRow, record: Record?)] = []
    private(set) var duplicateKeys = 0
    private(set) var duplicates: [Duplicate] = []
    private(set) var firstRows: [FirstRow] = []
    /// True when the part was read to its end with every reject held.
    private(set) var complete = false

    /// Bytes read so far (for progress), from any thread.
    let bytesRead = Atomic<Int>(0)
    private let cancelled = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let split: InputSplit
    private let mapping: MappingFile
    private let keep: Int
    private let size: Int

    /// Starts validating the part after `split`'s cut.
    init(split: InputSplit, mapping: MappingFile, keep: Int, fileSize size: Int) {
        self.split = split
        self.mapping = mapping
        self.keep = keep
        self.size = size
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            run()
            finished.signal()
        }
    }

    /// Stops the part's thread early: its work will not be used.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    /// Waits until the part's thread is done; true when it read the whole part.
    func wait() -> Bool {
        finished.wait()
        finished.signal()
        return complete
    }

    private func run() {
        // Locals in the loop, stored once at the end: the properties of a class cost an exclusivity check and
        // a retain on every row.
        var tally = Tally()
        defer {
            read = tally.read
            valid = tally.valid
            rejectedByReason = tally.rejectedByReason
            rejects = tally.rejects
            duplicateKeys = tally.duplicateKeys
            duplicates = tally.duplicates
            firstRows = tally.firstRows
        }
        guard let reader = try? split.openRest() else { return }
        // A mapper of its own: the one of the run's thread would be shared, and the reference counts of its plans,
        // touched on every row by both threads, made each thread a third slower (one cache line for both cores).
        guard let mapper = try? ContactMapper(mapping: mapping, header: (reader as? CSVReader)?.header) else { return }
        var firstLineByKey: [Int: Int32] = [:]
        let keep = self.keep
        do {
            while true {
                let offset = reader.bytesConsumed
                guard let result = try reader.next() else { break }
                tally.read += 1
                if tally.read & 0xFFF == 0 {
                    if cancelled.load(ordering: .relaxed) { return }
                    bytesRead.store(reader.bytesRead, ordering: .relaxed)
                    if tally.read == 4096 {
                        // Sized once from the average row length, as the whole file's run does.
                        let rows = Int(Double(size - split.cut) / Double(reader.bytesRead) * 4096 * 1.05)
                        firstLineByKey.reserveCapacity(rows)
                        tally.firstRows.reserveCapacity(rows)
                    }
                }
                let record = reader.current
                let rejected: RejectedRow
                switch result {
                case .rowError(let error):
                    rejected = RejectedRow(error)
                    // An unclosed quote here may have begun before the cut: only the whole file's reader can say.
                    if error.reason == .unterminatedQuote { return }
                    if error.reason != .fieldCountMismatch {
                        if !tally.hold(rejected, nil) { return }
                        continue
                    }
                case .record:
                    switch mapper.check(record) {
                    case .valid(let keyHash):
                        tally.valid += 1
                        let line = Int32(truncatingIfNeeded: record.line)
                        if let first = firstLineByKey[keyHash] {
                            tally.duplicateKeys += 1
                            if tally.duplicates.count < keep, case .contact(let contact) = mapper.map(record) {
                                tally.duplicates.append(
                                    Duplicate(
                                        key: contact.matchKey, keyHash: keyHash, line: record.line,
                                        firstLine: Int(first)))
                            }
                        } else {
                            firstLineByKey[keyHash] = line
                            tally.firstRows.append(FirstRow(keyHash: keyHash, line: line, offset: offset))
                        }
                        continue
                    case .rejected(let fieldReject):
                        rejected = RejectedRow(fieldReject, file: reader.name, record: record)
                    }
                }
                if !tally.hold(rejected, record.makeRecord()) { return }
            }
        } catch {
            // The whole file's reader will meet the same failure and report it.
            return
        }
        bytesRead.store(reader.bytesRead, ordering: .relaxed)
        complete = true
    }

    /// What the loop counts and keeps.
    private struct Tally {
        var read = 0
        var valid = 0
        var rejectedByReason: [String: Int] = [:]
        var rejects: [(row: RejectedRow, record: Record?)] = []
        var heldBytes = 0
        var duplicateKeys = 0
        var duplicates: [Duplicate] = []
        var firstRows: [FirstRow] = []

        /// Keeps a reject for the run; false when there are too many to keep.
        mutating func hold(_ row: RejectedRow, _ record: Record?) -> Bool {
            rejectedByReason[row.reason, default: 0] += 1
            heldBytes += 256 + (record?.fields.reduce(0) { $0 + $1.text.utf8.count + 32 } ?? 0)
            rejects.append((row, record))
            return rejects.count <= RestValidation.maxHeldRejects && heldBytes <= RestValidation.maxHeldBytes
        }
    }
}
