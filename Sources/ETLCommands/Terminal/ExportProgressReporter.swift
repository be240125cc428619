import ContactSync
import Dispatch
import IntercomAPI

/// The export's progress line: contacts written, contacts/s, pages, the share of the rate limit used, and an ETA
/// from `total_count`. Shown only on a terminal, refreshed twice a second.
final class ExportProgressReporter {
    private let timer: any DispatchSourceTimer

    init(control: ExportControl, client: IntercomClient) {
        let line = ProgressLine()
        let state = RateState()
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "intercom-etl.export-progress"))
        timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
        timer.setEventHandler {
            let statistics = client.statistics
            let (rate, callRate) = state.rates(
                now: monotonicSeconds(), rows: control.contacts, calls: statistics.totalCalls)
            var parts = ["\(control.contacts) contacts", "\(Int(rate)) contacts/s", "\(control.pages) pages"]
            parts += ProgressText.api(callRate: callRate, statistics)
            if let total = control.total, rate > 0 {
                let left = Double(max(0, total - control.contacts))
                parts.append("ETA \(ProgressText.duration(left / rate))")
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
