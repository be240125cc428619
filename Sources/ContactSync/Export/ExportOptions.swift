/// What an export writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv
    case ndjson

    /// The format a path's extension names (`.csv`, `.ndjson`, `.jsonl`, each optionally `.gz`), if any.
    public static func of(path: String) -> ExportFormat? {
        var lower = path.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .ndjson }
        return nil
    }
}

/// How an export runs.
public struct ExportOptions: Sendable {
    public var format = ExportFormat.csv
    /// Compress the output (also implied by a path ending in `.gz`).
    public var gzip = false
    /// The columns (CSV) or members (NDJSON) to keep, by their CSV header names; nil keeps all.
    public var fields: [String]?
    /// Only users or only leads.
    public var role: String?
    /// Only contacts with `updated_at` at or after this (epoch seconds).
    public var updatedSince: Int?
    /// `updatedSince` was given as a bare date (midnight UTC); the summary says so.
    public var updatedSinceIsBareDate = false
    /// Pages in flight at once: above 1, the workspace is split into `created_at` day ranges paged in parallel.
    public var concurrency = 1
    /// CSV timestamps as epoch seconds instead of ISO 8601 UTC.
    public var epoch = false
    /// Prefix CSV cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) with `'`.
    public var safeCSV = false
    /// Contacts per page (Intercom's maximum is 150).
    public var perPage = 150
    /// Ranges per worker when partitioned: more ranges than workers keep every worker busy when ranges differ in
    /// size.
    public var rangesPerWorker = 4
    /// Split what no date splits by the last hex digits of the contacts' ids (`id $ "3"`), where the search takes it;
    /// false splits by `signed_up_at` days instead (then by id).
    public var splitByID = true

    public init() {}
}
