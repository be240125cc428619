import ContactIO
import ContactMapping

/// The files an import writes besides the summary: the reject report, the failures file and the results file.
///
/// Opened before the run (a path that cannot be written stops it before any call) and completed after it; each
/// appears only when complete, so a run that does not start leaves what the paths held before.
/// `@unchecked Sendable`: the run's thread owns them while it runs; the caller touches them only before and after.
public final class ImportReports: @unchecked Sendable {
    public let rejects: RejectReport?
    public let failures: FailureReport?
    public let results: ResultsReport?

    /// Opens the reports whose paths are given; `header` is the input's CSV header (nil for NDJSON).
    public init(rejects: String?, failures: String?, results: String?, header: [String]?) throws {
        self.rejects = try rejects.map { try RejectReport(path: $0, header: header) }
        self.failures = try failures.map { try FailureReport(path: $0, header: header) }
        self.results = try results.map { try ResultsReport(path: $0) }
    }

    /// Completes every file; the failures file even when empty (the header only: last night's failures must not
    /// look like tonight's).
    public func finish() throws {
        try rejects?.finish()
        try failures?.finish()
        try results?.finish()
    }

    /// Drops every partial file.
    public func abort() {
        rejects?.abort()
        failures?.abort()
        results?.abort()
    }
}
