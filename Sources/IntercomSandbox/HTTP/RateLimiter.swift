import Synchronization

/// Intercom's rate limit: per token, fixed 10-second windows aligned to the epoch, ceil(perMinute / 6) calls each.
final class RateLimiter: Sendable {
    struct Decision: Sendable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Epoch seconds at which the current window ends.
        var reset: Int
    }

    private struct Window: Sendable {
        var start: Int
        var used: Int
    }

    let limit: Int
    private let windows = Mutex<[String: Window]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts one call for `token` at `now`.
    func take(token: String, now: Double) -> Decision {
        let start = Int(now.rounded(.down)) / 10 * 10
        return windows.withLock { windows in
            var window = windows[token] ?? Window(start: start, used: 0)
            if window.start != start {
                window = Window(start: start, used: 0)
            }
            let allowed = window.used < limit
            if allowed { window.used += 1 }
            windows[token] = window
            return Decision(allowed: allowed, limit: limit, remaining: max(0, limit - window.used), reset: start + 10)
        }
    }
}
