/// Rates over the last few seconds (a moving window, so that the line follows changes in speed).
///
/// `@unchecked Sendable`: used only from the reporter's serial timer queue.
final class RateState: @unchecked Sendable {
    private var samples: [(time: Double, rows: Int, calls: Int)] = []

    func rates(now: Double, rows: Int, calls: Int) -> (rows: Double, calls: Double) {
        samples.append((now, rows, calls))
        while samples.count > 2 && now - samples[0].time > 5 { samples.removeFirst() }
        let first = samples[0]
        let span = now - first.time
        guard span > 0 else { return (0, 0) }
        return (Double(rows - first.rows) / span, Double(calls - first.calls) / span)
    }
}
