/// Rates over the last few seconds (a moving window, so that the line follows changes in speed), and the calls of
/// the last rate-limit window.
///
/// `@unchecked Sendable`: used only from the reporter's serial timer queue.
final class RateState: @unchecked Sendable {
    /// Intercom counts its limit in windows of 10 seconds.
    static let window = 10.0
    /// Rows and calls per second are measured over this many seconds.
    static let rateSpan = 5.0

    private var samples: [(time: Double, rows: Int, calls: Int)] = []
    private var started: (time: Double, calls: Int)?

    /// Rows and calls per second over the last seconds, and the calls made in the last 10 seconds (since the start,
    /// in the first 10): what the share of the rate limit is measured by, since a burst of a second at the start
    /// is not a rate the limit would let last.
    func rates(now: Double, rows: Int, calls: Int) -> (rows: Double, calls: Double, callsInWindow: Int) {
        if started == nil { started = (now, 0) }
        samples.append((now, rows, calls))
        while samples.count > 2 && now - samples[0].time > Self.window { samples.removeFirst() }
        let windowStart = now - started!.time < Self.window ? started!.calls : samples[0].calls
        let recent = samples.first { now - $0.time <= Self.rateSpan } ?? samples[0]
        let span = now - recent.time
        guard span > 0 else { return (0, 0, calls - windowStart) }
        return (Double(rows - recent.rows) / span, Double(calls - recent.calls) / span, calls - windowStart)
    }
}
