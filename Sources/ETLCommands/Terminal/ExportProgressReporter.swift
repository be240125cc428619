import ContactSync
import IntercomAPI

/// The export's progress line: contacts written, contacts/s, pages, the share of the rate limit used, and an ETA
/// from `total_count`. Shown only on a terminal, refreshed twice a second.
final class ExportProgressReporter {
    private let ticker: ProgressTicker

    init(control: ExportControl, client: IntercomClient) {
        ticker = ProgressTicker(label: "intercom-etl.export-progress", client: client, done: { control.contacts }) {
            rate, _, window, statistics in
            var parts = ["\(control.contacts) contacts", "\(Int(rate)) contacts/s", "\(control.pages) pages"]
            parts += ProgressText.api(callsInWindow: window, statistics)
            if let total = control.total, rate > 0 {
                let left = Double(max(0, total - control.contacts))
                parts.append("ETA \(ProgressText.duration(left / rate))")
            }
            return parts
        }
    }

    /// Stops the line and erases it before the summary.
    func stop() {
        ticker.stop()
    }
}
