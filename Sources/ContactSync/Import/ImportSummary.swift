import ContactIO
import ContactMapping
import Foundation
import IntercomAPI
import JSONText

/// Everything an import did, accounting for every row: read = created + updated + unchanged + rejected + failed.
public struct ImportSummary: Sendable {
    public var file: String
    /// The encoding the file was read in, and why.
    public var encoding = DetectedEncoding(.utf8, .content(firstInvalidOffset: nil))
    /// The cells whose invalid bytes were replaced (`--invalid-utf8 replace`).
    public var replacements = Replacements()
    /// The report footer at the end of the file, skipped (not rows).
    public var skippedFooter: SkippedFooter?
    public var dryRun = false
    public var mode = ImportMode.upsert
    public var read = 0
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    public var failed = 0
    /// Rows counted unchanged because the mode forbade the write, by why.
    public var skipped: [String: Int] = [:]
    /// Archived contacts restored (with `--unarchive`) before their update.
    public var unarchived = 0
    /// Rows whose key a row before them already had (merged in file order).
    public var repeatedKeys = 0
    public var rejectedByReason: [String: Int] = [:]
    /// What rows were sent without: values of `invalid: skip` rules, phone extensions (not in the sync state's
    /// unchanged rows, which are not mapped again).
    public var warnings = FieldWarnings()
    public var failedByReason: [String: Int] = [:]
    /// The first rejects and failures, as lines a person can act on.
    public var firstProblems: [String] = []
    /// What the sync state did, when the import kept one.
    public var state: StateActivity?
    /// Custom attributes the preflight created.
    public var createdAttributes: [String] = []
    public var statistics = ClientStatistics()
    public var elapsed = 0.0
    /// The workers that wrote (`--concurrency`): waits are summed over them.
    public var workers = 1
    /// Why the run stopped before the end of the input.
    public var stoppedEarly: String?
    /// The input could not be read to its end (corrupt gzip); counts cover the rows before the damage.
    public var inputFailure: String?
    /// What the run did to tags and companies, when the mapping has them.
    public var relations: RelationCounts?

    public init(file: String) {
        self.file = file
    }

    /// True when every row read has exactly one outcome.
    public var reconciles: Bool { read == created + updated + unchanged + rejected + failed }

    public var rowsPerSecond: Double { elapsed > 0 ? Double(read) / elapsed : 0 }

    /// The summary for a person.
    public var text: String {
        func by(_ counts: [String: Int]) -> [String] {
            counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map {
                "                 \($0.value) \($0.key)"
            }
        }
        let would = dryRun ? " (dry run: would be)" : ""
        var lines = ["file:            \(file)\(would)"]
        if encoding.encoding != .utf8 { lines.append("encoding:        \(encoding)") }
        lines.append("rows read:       \(read)")
        if let replaced = replacements.summary(encoding: encoding.encoding) {
            lines.append("replaced:        " + replaced)
        }
        if let skippedFooter { lines.append("note:            " + skippedFooter.description) }
        lines.append("created:         \(created)")
        lines.append("updated:         \(updated)" + (unarchived > 0 ? " (\(unarchived) unarchived first)" : ""))
        lines.append("unchanged:       \(unchanged)")
        lines += skipped.sorted { $0.key < $1.key }.map { "                 \($0.value) skipped: \($0.key)" }
        lines.append("rejected:        \(rejected)")
        lines += by(rejectedByReason)
        lines.append("failed:          \(failed)")
        lines += by(failedByReason)
        lines += warnings.lines(label: "warnings:", width: 17)
        if repeatedKeys > 0 {
            lines.append("repeated keys:   \(repeatedKeys) (applied to the same contact in file order)")
        }
        if let state { lines += state.lines }
        if let relations {
            lines.append(
                "companies:       \(relations.companiesCreated) created, \(relations.companiesUpdated) updated, "
                    + "\(relations.companiesUnchanged) as in the file; \(relations.attachments) attached to contacts")
            lines.append(
                "tags:            \(relations.tagsApplied) applied in \(relations.tagCalls) "
                    + "call\(relations.tagCalls == 1 ? "" : "s") of up to "
                    + "\(relations.tagBatch) contacts"
                    + (relations.tagsRemoved > 0 ? ", \(relations.tagsRemoved) removed" : ""))
            if relations.failureCount > 0 {
                lines.append(
                    "not applied:     \(relations.failureCount) tag or company problems (the contacts were written)")
                lines += relations.failures.map { "                 \($0)" }
            }
        }
        if !createdAttributes.isEmpty {
            lines.append("attributes made: \(createdAttributes.joined(separator: ", "))\(dryRun ? " (would be)" : "")")
        }
        lines.append("API calls:       \(statistics.totalCalls)")
        for (endpoint, statuses) in statistics.calls.sorted(by: { $0.key < $1.key }) {
            let detail = statuses.sorted { $0.key < $1.key }.map {
                "\($0.key == 0 ? "no answer" : String($0.key)): \($0.value)"
            }
            lines.append(
                "                 \(statuses.values.reduce(0, +)) \(endpoint) (\(detail.joined(separator: ", ")))")
        }
        lines.append("429 responses:   \(statistics.rateLimited)")
        lines.append("retries:         \(statistics.retries)")
        if workers > 1 && statistics.rateLimitWait > 0 {
            // Each worker waits on its own: the sum can exceed the elapsed time, so say what it is.
            let each = statistics.rateLimitWait / Double(workers)
            lines.append(
                "rate-limit wait: \(Self.seconds(statistics.rateLimitWait)) summed over \(workers) workers "
                    + "(about \(Self.seconds(each)) each, of \(Self.seconds(elapsed)) elapsed)")
        } else {
            lines.append("rate-limit wait: \(Self.seconds(statistics.rateLimitWait))")
        }
        lines.append("elapsed:         \(Self.seconds(elapsed)), \(Int(rowsPerSecond.rounded())) rows/s")
        if !firstProblems.isEmpty {
            lines.append("first problems:")
            lines += firstProblems.map { "  \($0)" }
        }
        if let inputFailure { lines.append("input failure:   \(inputFailure)") }
        if let stoppedEarly { lines.append("stopped early:   \(stoppedEarly)") }
        return lines.joined(separator: "\n")
    }

    /// The summary for monitoring (`--summary-json`).
    public var json: JSONValue {
        func counts(_ values: [String: Int]) -> JSONValue {
            .object(
                JSONObject(
                    values.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .number(String($0.value))) }))
        }
        func number(_ value: Int) -> JSONValue { .number(String(value)) }
        func decimal(_ value: Double) -> JSONValue { .number(String(format: "%.3f", value)) }
        var calls = JSONObject()
        var byStatus = JSONObject()
        for (endpoint, statuses) in statistics.calls.sorted(by: { $0.key < $1.key }) {
            calls[endpoint] = number(statuses.values.reduce(0, +))
            // Status 0: no answer (a connection that failed).
            byStatus[endpoint] = counts(Dictionary(uniqueKeysWithValues: statuses.map { (String($0.key), $0.value) }))
        }
        return .object([
            "file": .string(file), "encoding": .string(encoding.encoding.name),
            "replaced_cells": number(replacements.count),
            "skipped_footer_lines": number(skippedFooter?.lines.count ?? 0), "dry_run": .bool(dryRun),
            "mode": .string(mode.rawValue),
            "read": number(read), "created": number(created), "updated": number(updated),
            "unchanged": number(unchanged), "rejected": number(rejected), "failed": number(failed),
            "skipped": counts(skipped), "unarchived": number(unarchived), "repeated_keys": number(repeatedKeys),
            "rejected_by_reason": counts(rejectedByReason), "failed_by_reason": counts(failedByReason),
            "warnings": warnings.json,
            "created_attributes": .array(createdAttributes.map(JSONValue.string)),
            "api_calls": number(statistics.totalCalls), "calls_by_endpoint": .object(calls),
            "calls_by_status": .object(byStatus),
            "rate_limited": number(statistics.rateLimited), "retries": number(statistics.retries),
            "rate_limit_wait_seconds": decimal(statistics.rateLimitWait), "workers": .number(String(workers)),
            "backoff_wait_seconds": decimal(statistics.backoffWait),
            "elapsed_seconds": decimal(elapsed), "rows_per_second": decimal(rowsPerSecond),
            "stopped_early": stoppedEarly.map(JSONValue.string) ?? .null,
            "input_failure": inputFailure.map(JSONValue.string) ?? .null,
            "state": state?.json ?? .null, "reconciles": .bool(reconciles),
            "relations": relations.map { relations in
                .object([
                    "companies_created": number(relations.companiesCreated),
                    "companies_updated": number(relations.companiesUpdated),
                    "companies_unchanged": number(relations.companiesUnchanged),
                    "attachments": number(relations.attachments), "tags_applied": number(relations.tagsApplied),
                    "tag_calls": number(relations.tagCalls), "tags_removed": number(relations.tagsRemoved),
                    "tag_batch": number(relations.tagBatch), "failures": number(relations.failureCount),
                ])
            } ?? .null,
        ])
    }

    static func seconds(_ value: Double) -> String {
        value < 10
            ? String(format: "%.2f s", value)
            : value < 100 ? String(format: "%.1f s", value) : String(format: "%.0f s", value)
    }
}
