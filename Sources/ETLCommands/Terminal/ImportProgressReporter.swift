import ContactSync
import Dispatch
import IntercomAPI

/// The import's progress line: rows done, rows/s, calls/s, the share of the rate limit used, 429s and an ETA.
///
/// Shown only on a terminal (a cron job sees nothing until the summary), refreshed twice a second from a timer.
final class ImportProgressReporter {
    private let timer: any DispatchSourceTimer

    init(control: ImportControl, client: IntercomClient, totalBytes: Int?) {
        let line = ProgressLine()
        let state = RateState()
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "intercom-etl.progress"))
        timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
        timer.setEventHandler {
            let statistics = client.statistics
            let now = monotonicSeconds()
            let (rowRate, callRate) = state.rates(now: now, rows: control.rowsDone, calls: statistics.totalCalls)
            var parts = ["\(control.rowsDone) rows", "\(Int(rowRate)) rows/s", "\(Int(callRate)) calls/s"]
            parts += ProgressText.api(callRate: callRate, statistics)
            if let totalBytes, totalBytes > 0, control.bytesRead > 0, rowRate > 0 {
                let share = Double(control.bytesRead) / Double(totalBytes)
                let rowsLeft = Double(control.rowsRead) / max(share, 1e-9) - Double(control.rowsDone)
                parts.append("ETA \(ProgressText.duration(max(0, rowsLeft) / rowRate))")
            }
            line.update(parts.joined(separator: " · "))
        }
        timer.setCancelHandler { line.clear() }
        timer.resume()
    }

    /// Stops the line and erases it before the summary.
    func stop() {
        timer.cancel()
    }
}
