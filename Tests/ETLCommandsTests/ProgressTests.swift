import ContactSync
import IntercomAPI
import Testing

@testable import ETLCommands

/// The progress line's numbers mean what they say (issue #19, bug 5).
struct ProgressTests {
    @Test func aBurstAtTheStartIsNotMoreThanTheRateLimit() {
        let state = RateState()
        // A window's worth of calls (1,667) in the first half second, then nothing.
        _ = state.rates(now: 0, rows: 0, calls: 0)
        let early = state.rates(now: 0.5, rows: 1_500, calls: 1_667)
        #expect(early.callsInWindow == 1_667)
        // 100 % of the limit, where the calls per second over half a second made it 2,000 %.
        #expect(
            ProgressText.api(callsInWindow: early.callsInWindow, statistics(limit: 1_667))[0] == "100% of rate limit")
        // Ten seconds on, the first window has passed: its calls no longer count.
        var last = early
        for tick in 2...24 { last = state.rates(now: Double(tick) * 0.5, rows: 1_500, calls: 1_667) }
        _ = last
        let later = state.rates(now: 12.5, rows: 1_600, calls: 1_700)
        #expect(later.callsInWindow == 33, "\(later)")
    }

    @Test func theETAIsNeverShorterThanTheRateLimitAllows() {
        // 10,000 rows done in a burst at 2,000 rows/s, 1.07 calls a row, 90,000 rows to go, 1,667 calls per 10 s.
        let seconds = ImportProgressReporter.eta(
            rowsLeft: 90_000, rowRate: 2_000, callsSoFar: 10_700, rowsDone: 10_000, windowLimit: 1_667)
        #expect(seconds > 570 && seconds < 590, "\(seconds)")
        // Without a known limit, the rate alone.
        #expect(
            ImportProgressReporter.eta(rowsLeft: 90_000, rowRate: 2_000, callsSoFar: 0, rowsDone: 0, windowLimit: nil)
                == 45)
    }

    func statistics(limit: Int) -> ClientStatistics {
        var statistics = ClientStatistics()
        statistics.windowLimit = limit
        return statistics
    }

    @Test func theRateLimitWaitSaysItIsASumOverTheWorkers() {
        var summary = ImportSummary(file: "x.csv")
        summary.workers = 16
        summary.elapsed = 347
        summary.statistics.rateLimitWait = 2_856
        #expect(
            summary.text.contains(
                "rate-limit wait: 2856 s summed over 16 workers (about 178 s each, of 347 s elapsed)"),
            "\(summary.text)")
    }
}
