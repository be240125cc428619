import ContactSync
import IntercomAPI

/// The import's progress line: rows done, rows/s, calls/s, the share of the rate limit used, 429s and an ETA.
///
/// Shown only on a terminal (a cron job sees nothing until the summary), refreshed twice a second from a timer.
final class ImportProgressReporter {
    private let ticker: ProgressTicker

    init(control: ImportControl, client: IntercomClient, totalBytes: Int?) {
        ticker = ProgressTicker(label: "intercom-etl.progress", client: client, done: { control.rowsDone }) {
            rowRate, callRate, window, statistics in
            var parts = ["\(control.rowsDone) rows", "\(Int(rowRate)) rows/s", "\(Int(callRate)) calls/s"]
            parts += ProgressText.api(callsInWindow: window, statistics)
            if let totalBytes, totalBytes > 0, control.bytesRead > 0, rowRate > 0 {
                let share = Double(control.bytesRead) / Double(totalBytes)
                let rowsLeft = max(0, Double(control.rowsRead) / max(share, 1e-9) - Double(control.rowsDone))
                let seconds = Self.eta(
                    rowsLeft: rowsLeft, rowRate: rowRate, callsSoFar: statistics.totalCalls,
                    rowsDone: control.rowsDone, windowLimit: statistics.windowLimit)
                parts.append("ETA \(ProgressText.duration(seconds))")
            }
            return parts
        }
    }

    /// The time left: at the current rate, but never less than the rate limit allows for the calls still to come
    /// (the rows' calls so far, per row, times the rows left). A run starts with a window's worth of calls at once,
    /// and an ETA from that burst alone was 3 to 5 times too low, and grew as the limit slowed the run.
    static func eta(rowsLeft: Double, rowRate: Double, callsSoFar: Int, rowsDone: Int, windowLimit: Int?) -> Double {
        let atRate = rowRate > 0 ? rowsLeft / rowRate : 0
        guard let limit = windowLimit, limit > 0, rowsDone > 0 else { return atRate }
        let callsLeft = rowsLeft * Double(callsSoFar) / Double(rowsDone)
        return max(atRate, callsLeft / (Double(limit) / RateState.window))
    }

    /// Stops the line and erases it before the summary.
    func stop() {
        ticker.stop()
    }
}
