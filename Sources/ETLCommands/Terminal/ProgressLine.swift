#if canImport(Glibc)
    import Glibc
#endif

/// A single self-overwriting status line on stderr, shown only on a terminal and at most a few times a second.
final class ProgressLine {
    private let enabled: Bool
    private var lastUpdate = 0.0
    private var shown = false

    init(enabled: Bool = StandardStreams.stderrIsTerminal) {
        self.enabled = enabled
    }

    /// Shows `text` if enough time has passed since the last update.
    func update(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        let now = monotonicSeconds()
        guard now - lastUpdate >= 0.25 else { return }
        lastUpdate = now
        shown = true
        StandardStreams.write("\r\u{1B}[K" + text(), to: STDERR_FILENO)
    }

    /// Erases the line before the summary is printed.
    func clear() {
        guard enabled && shown else { return }
        StandardStreams.write("\r\u{1B}[K", to: STDERR_FILENO)
        shown = false
    }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
