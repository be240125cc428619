import ArgumentParser

/// The exit codes of every command, distinct so that scripts and cron jobs can tell outcomes apart.
public enum ETLExit {
    /// Some rows were rejected or failed; the rest were processed.
    public static let rowProblems = ExitCode(1)
    /// The input or output could not be read or written (missing file, corrupt gzip, no header).
    public static let inputFailure = ExitCode(2)
    /// Wrong flags or arguments (ArgumentParser's own code for validation errors).
    public static let usage = ExitCode(64)
}
