import Synchronization

/// Spends Intercom's 10-second rate-limit windows evenly, for every concurrent caller of one client.
///
/// Intercom counts calls in fixed 10-second windows and answers 429 once a window is spent, so a burst at the start
/// of each window ends in 429s. The pacer reads `X-RateLimit-Remaining` and `X-RateLimit-Reset` from every
/// response and hands out start times spaced `(reset - now) / remaining` apart, counting the calls already in
/// flight; after a 429 everyone waits for the reset.
public final class RateLimitPacer: Sendable {
    private struct State: Sendable {
        var remaining: Int?
        var resetAt: Double = 0
        /// Calls started since the last response told us `remaining`.
        var inFlight = 0
        var nextSlot: Double = 0
    }

    private let state = Mutex(State())
    private let clock: PacingClock

    public init(clock: PacingClock) {
        self.clock = clock
    }

    /// How long the next call must wait before it starts; reserves its slot.
    func reserve() -> Double {
        let now = clock.now()
        return state.withLock { state in
            guard let remaining = state.remaining, now < state.resetAt else {
                // No information, or the window we knew of is over: go, and learn from the answer.
                state.inFlight += 1
                return 0
            }
            let available = remaining - state.inFlight
            if available <= 0 {
                // Spent: start right after the reset (a fraction of a second later, in case clocks differ).
                let start = max(state.resetAt + 0.05, state.nextSlot)
                state.nextSlot = start
                state.inFlight += 1
                return start - now
            }
            let interval = (state.resetAt - now) / Double(available)
            let start = max(now, state.nextSlot)
            state.nextSlot = start + interval
            state.inFlight += 1
            return start - now
        }
    }

    /// Learns from a response's headers.
    func record(remaining: Int?, resetAt: Int?) {
        state.withLock { state in
            state.inFlight = max(0, state.inFlight - 1)
            guard let remaining, let resetAt else { return }
            let reset = Double(resetAt)
            if reset > state.resetAt {
                // A new window: its budget, minus what is already on its way.
                state.resetAt = reset
                state.remaining = remaining
                state.nextSlot = min(state.nextSlot, reset)
            } else if reset == state.resetAt {
                // Answers of one window can arrive out of order: the smallest remaining is the truest.
                state.remaining = min(state.remaining ?? remaining, remaining)
            }
        }
    }

    /// A call ended without an answer (transport error): it no longer counts as in flight.
    func cancel() {
        state.withLock { $0.inFlight = max(0, $0.inFlight - 1) }
    }

    /// After a 429: nobody starts before the reset.
    func exhausted(until resetAt: Int?) {
        state.withLock { state in
            if let resetAt, Double(resetAt) >= state.resetAt {
                state.resetAt = Double(resetAt)
            }
            state.remaining = 0
        }
    }
}
