import ContactIO
import ContactMapping
import Foundation
import IntercomAPI
import JSONText

/// What an export did.
public struct ExportSummary: Sendable {
    public var output: String
    public var format: ExportFormat
    public var contacts = 0
    public var pages = 0
    /// Partitions paged in parallel (0 for a sequential export).
    public var ranges = 0
    /// Why `--concurrency` did not partition the export, when it was asked to and did not.
    public var sequentialBecause: String?
    /// Intercom's `total_count` for the query when the export started.
    public var totalCount: Int?
    /// Contacts seen twice (a contact updated during an incremental export moves to a later page) and written once.
    public var duplicatesDropped = 0
    /// Incremental: contacts of the day before `--updated-since` that the search returned and the export left out.
    public var olderDropped = 0
    /// Incremental: the start, and whether it was given as a bare date (taken as midnight UTC).
    public var updatedSince: Int?
    public var updatedSinceIsBareDate = false
    /// Incremental: the newest `updated_at` written.
    public var newestUpdate: Int?
    public var statistics = ClientStatistics()
    public var elapsed = 0.0

    public init(output: String, format: ExportFormat) {
        self.output = output
        self.format = format
    }

    /// Written minus `total_count` (contacts created or deleted while the export ran), when there is a count.
    public var difference: Int? { totalCount.map { contacts - $0 } }

    public var text: String {
        var lines = ["output:          \(output) (\(format.rawValue))", "contacts:        \(contacts)"]
        if let totalCount, olderDropped == 0, duplicatesDropped == 0 {
            let note =
                difference == 0
                ? "(equals total_count)"
                : "(total_count was \(totalCount) at the start: \(difference! > 0 ? "+" : "")\(difference!) created "
                    + "or deleted during the export)"
            lines[1] += " \(note)"
        }
        lines.append(
            "pages:           \(pages)" + (ranges > 0 ? " in \(ranges) partitions" : "")
                + (sequentialBecause.map { " (sequential: \($0))" } ?? ""))
        if let updatedSince {
            let note = updatedSinceIsBareDate ? " (a bare date, taken as midnight UTC)" : ""
            lines.append("updated since:   \(TimeArgument.iso8601(updatedSince))\(note)")
        }
        if duplicatesDropped > 0 { lines.append("duplicates:      \(duplicatesDropped) seen twice, written once") }
        if olderDropped > 0 { lines.append("left out:        \(olderDropped) updated before --updated-since") }
        lines.append("API calls:       \(statistics.totalCalls)")
        lines.append("429 responses:   \(statistics.rateLimited)")
        lines.append("retries:         \(statistics.retries)")
        let rate = elapsed > 0 ? Int((Double(contacts) / elapsed).rounded()) : 0
        lines.append("elapsed:         \(ImportSummary.seconds(elapsed)), \(rate) contacts/s")
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        func number(_ value: Int) -> JSONValue { .number(String(value)) }
        return .object([
            "output": .string(output), "format": .string(format.rawValue), "contacts": number(contacts),
            "pages": number(pages), "ranges": number(ranges),
            "sequential_because": sequentialBecause.map(JSONValue.string) ?? .null,
            "total_count": totalCount.map(number) ?? .null,
            "difference": difference.map(number) ?? .null, "duplicates_dropped": number(duplicatesDropped),
            "older_dropped": number(olderDropped), "updated_since": updatedSince.map(number) ?? .null,
            "newest_update": newestUpdate.map(number) ?? .null,
            "api_calls": number(statistics.totalCalls), "rate_limited": number(statistics.rateLimited),
            "retries": number(statistics.retries), "elapsed_seconds": .number(String(format: "%.3f", elapsed)),
        ])
    }
}
