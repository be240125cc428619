import ArgumentParser
import ContactMapping
import ContactSync
import IntercomAPI

/// The exit codes of every command, distinct so that scripts and cron jobs can tell outcomes apart.
public enum ETLExit {
    /// Some rows were rejected or failed; the rest were processed.
    public static let rowProblems = ExitCode(1)
    /// The input or output could not be read or written (missing file, corrupt gzip, no header).
    public static let inputFailure = ExitCode(2)
    /// Intercom refused the token (missing, expired, revoked).
    public static let authentication = ExitCode(3)
    /// The contact (or other resource) does not exist.
    public static let notFound = ExitCode(4)
    /// A contact with that email or external ID already exists.
    public static let conflict = ExitCode(5)
    /// Still rate limited after every retry.
    public static let rateLimited = ExitCode(6)
    /// Intercom failed (5xx) or could not be reached, after every retry.
    public static let serverOrTransport = ExitCode(7)
    /// Intercom refused a value (400/422) or the plan does not allow the call (403).
    public static let refused = ExitCode(8)
    /// The run stopped before the end (--max-errors, authentication, interrupted).
    public static let stoppedEarly = ExitCode(10)
    /// Another run holds the sync state (EX_TEMPFAIL: try again later).
    public static let stateBusy = ExitCode(75)
    /// The mapping file is invalid or does not fit the input's columns.
    public static let mappingInvalid = ExitCode(65)
    /// Wrong flags or arguments (ArgumentParser's own code for validation errors).
    public static let usage = ExitCode(64)
    /// Bad local setup: no token, a base URL that is refused.
    public static let configuration = ExitCode(78)

    /// The exit code for a failed API call.
    public static func code(for error: IntercomError) -> ExitCode {
        switch error.kind {
        case .configuration: configuration
        case .authentication: authentication
        case .notFound: notFound
        case .conflict: conflict
        case .rateLimited: rateLimited
        case .server, .transport, .invalidResponse: serverOrTransport
        case .validation, .forbidden: refused
        }
    }

    /// The exit code for whatever a command's library call threw: the one place that maps errors to exit codes.
    public static func code(for error: Error) -> ExitCode {
        switch error {
        case let code as ExitCode: code
        case let error as IntercomError: code(for: error)
        case is MappingError: mappingInvalid
        case is StateLock.Held: stateBusy
        case is StateWorkspaceMismatch, is PreflightError: configuration
        case is ExportError: usage
        // The input, a report, the sync state (ContactIOError, SyncStateError): a file not read or written.
        default: inputFailure
        }
    }
}
