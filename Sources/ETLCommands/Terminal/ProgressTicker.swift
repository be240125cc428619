import Dispatch
import IntercomAPI

/// A progress line refreshed twice a second from a timer (drawn only on a terminal): what import and export share.
final class ProgressTicker {
    private let timer: any DispatchSourceTimer

    /// - Parameters:
    ///   - done: how many rows (or contacts) are done so far.
    ///   - parts: the line's parts, from the rate of `done` and of calls over the last seconds, the calls of the last
    ///     rate-limit window, and the client's statistics.
    init(
        label: String, client: IntercomClient, done: @escaping @Sendable () -> Int,
        parts:
            @escaping @Sendable (
                _ rate: Double, _ callRate: Double, _ callsInWindow: Int, _ statistics: ClientStatistics
            )
            -> [String]
    ) {
        let line = ProgressLine()
        let state = RateState()
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: label))
        timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
        timer.setEventHandler {
            let statistics = client.statistics
            let (rate, callRate, window) = state.rates(
                now: monotonicSeconds(), rows: done(), calls: statistics.totalCalls)
            line.update(parts(rate, callRate, window, statistics).joined(separator: " · "))
        }
        timer.setCancelHandler { line.clear() }
        timer.resume()
    }

    /// Stops the line and erases it before the summary.
    func stop() {
        timer.cancel()
    }
}
