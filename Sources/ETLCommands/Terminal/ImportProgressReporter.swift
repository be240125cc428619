import ContactSync
import IntercomAPI

/// The import's progress line: rows done, rows/s, calls/s, the share of the rate limit used, 429s and an ETA.
///
/// Shown only on a terminal (a cron job sees nothing until the summary), refreshed twice a second from a timer.
final class ImportProgressReporter {
    private let ticker: ProgressTicker

    init(control: ImportControl, client: IntercomClient, totalBytes: Int?) {
        ticker = ProgressTicker(label: "intercom-etl.progress", client: client, done: { control.rowsDone }) {
            rowRate, callRate, statistics in
            var parts = ["\(control.rowsDone) rows", "\(Int(rowRate)) rows/s", "\(Int(callRate)) calls/s"]
            parts += ProgressText.api(callRate: callRate, statistics)
            if let totalBytes, totalBytes > 0, control.bytesRead > 0, rowRate > 0 {
                let share = Double(control.bytesRead) / Double(totalBytes)
                let rowsLeft = Double(control.rowsRead) / max(share, 1e-9) - Double(control.rowsDone)
                parts.append("ETA \(ProgressText.duration(max(0, rowsLeft) / rowRate))")
            }
            return parts
        }
    }

    /// Stops the line and erases it before the summary.
    func stop() {
        ticker.stop()
    }
}
