import ContactIO
import ContactMapping
import Foundation
import JSONText

/// Where every row's outcome goes: the counts, the reject report, the failures file and the results file.
///
/// `@unchecked Sendable`: the reader thread and all the workers call it; every stored property is touched only
/// while `lock` is held (the reports are not thread-safe themselves).
final class ImportRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var summary: ImportSummary
    private let rejects: RejectReport?
    private let failures: FailureReport?
    private let results: ResultsReport?
    private let control: ImportControl
    private let keepProblems: Int
    /// The first error writing a report; the run stops with it.
    private var reportError: Error?

    init(
        summary: ImportSummary, rejects: RejectReport?, failures: FailureReport?, results: ResultsReport? = nil,
        control: ImportControl, keepProblems: Int
    ) {
        self.summary = summary
        self.rejects = rejects
        self.failures = failures
        self.results = results
        self.control = control
        self.keepProblems = keepProblems
    }

    /// The summary so far; rows read are counted by the control.
    var current: ImportSummary {
        var current = lock.withLock { summary }
        current.read = control.rowsRead
        return current
    }

    /// Rejected and failed so far (for `--max-errors`).
    var problems: Int { lock.withLock { summary.rejected + summary.failed } }

    func read() {
        control.readCount.add(1, ordering: .relaxed)
    }

    /// A row mapped without some of its values (see ``FieldWarnings``).
    func warned(_ warnings: [FieldReject], line: Int) {
        guard !warnings.isEmpty else { return }
        lock.withLock { summary.warnings.add(warnings, line: line, keep: keepProblems) }
    }

    /// A row whose key an earlier row of this run already wrote or found.
    func repeatedKey() {
        lock.withLock { summary.repeatedKeys += 1 }
    }

    /// - Parameter key: the row's match key, if it has a valid one (asked for only when there is a results file).
    func reject(_ row: RejectedRow, original: RecordBuffer?, key: @autoclosure () -> String? = nil) {
        let key = results == nil ? nil : key()
        finish {
            summary.rejected += 1
            summary.rejectedByReason[row.reason, default: 0] += 1
            note(row.description)
            write { try rejects?.add(row, original: original) }
            write { try results?.add(line: row.line, key: key, id: nil, action: .rejected, reason: row.message) }
        }
    }

    /// The row's contact was created (in a dry run: would be, and `id` is empty).
    func created(_ row: ImportRow, id: String) {
        finish {
            summary.created += 1
            write {
                try results?.add(
                    line: row.line, key: row.contact.matchKey, id: id.isEmpty ? nil : id,
                    action: summary.dryRun ? .wouldCreate : .created, fields: row.contact.payload)
            }
        }
    }

    /// The row's `fields` were sent to contact `id` (in a dry run: would be).
    /// - Parameter byStoredID: updated by the id the sync state keeps, without a lookup.
    func updated(
        _ row: ImportRow, id: String, fields: JSONObject, unarchived: Bool = false, byStoredID: Bool = false
    ) {
        finish {
            summary.updated += 1
            if unarchived { summary.unarchived += 1 }
            if byStoredID { summary.state?.updatedByID += 1 }
            write {
                try results?.add(
                    line: row.line, key: row.contact.matchKey, id: id.isEmpty ? nil : id,
                    action: summary.dryRun ? .wouldUpdate : .updated, fields: fields,
                    reason: unarchived ? "unarchived (--unarchive)" : nil)
            }
        }
    }

    /// A row whose fingerprint equals the one the sync state keeps: unchanged, without a call.
    func unchangedByState(line: Int, key: @autoclosure () -> String?, id: String) {
        let key = results == nil ? nil : key()
        finish {
            summary.unchanged += 1
            summary.state?.unchanged += 1
            write {
                try results?.add(
                    line: line, key: key, id: id, action: .unchanged, reason: "unchanged since the last run (--state)")
            }
        }
    }

    /// The sync state's id for the row's key is gone from Intercom (not an outcome: the row is looked up again).
    func gone(_ row: ImportRow, id: String) {
        lock.withLock {
            summary.state?.gone += 1
            if let count = summary.state?.goneExamples.count, count < keepProblems {
                let example = "\(summary.file):\(row.line): key '\(row.contact.matchKey)' (was id \(id))"
                summary.state?.goneExamples.append(example)
            }
        }
    }

    /// - Parameters:
    ///   - id: the contact's, when known.
    ///   - skipped: why the mode left the row alone, when it did.
    func unchanged(_ row: ImportRow, id: String?, skipped: String? = nil) {
        finish {
            summary.unchanged += 1
            if let skipped { summary.skipped[skipped, default: 0] += 1 }
            write {
                try results?.add(
                    line: row.line, key: row.contact.matchKey, id: id.flatMap { $0.isEmpty ? nil : $0 },
                    action: .unchanged, reason: skipped)
            }
        }
    }

    /// A row that did not reach Intercom, for a reason that is not the row's own values.
    func failed(_ row: ImportRow, reason: String, message: String) {
        finish {
            summary.failed += 1
            summary.failedByReason[reason, default: 0] += 1
            note(
                "\(summary.file):\(row.line): record \(row.original.number), key '\(row.contact.matchKey)': \(message)")
            write { try failures?.add(row.original, reason: message) }
            write {
                try results?.add(line: row.line, key: row.contact.matchKey, id: nil, action: .failed, reason: message)
            }
        }
    }

    /// A row read but never sent, because the run stopped first.
    func notSent(_ row: ImportRow) {
        failed(
            row, reason: "not_sent",
            message: "not sent: the run stopped (\(control.reason ?? "stopped")) before this row")
    }

    private func finish(_ body: () -> Void) {
        lock.withLock(body)
        control.doneCount.add(1, ordering: .relaxed)
    }

    /// Called with the lock held.
    private func note(_ line: String) {
        if summary.firstProblems.count < keepProblems { summary.firstProblems.append(line) }
    }

    /// Called with the lock held.
    private func write(_ body: () throws -> Void) {
        guard reportError == nil else { return }
        do {
            try body()
        } catch {
            reportError = error
            control.stop("could not write a report: \(error)")
        }
    }
}
