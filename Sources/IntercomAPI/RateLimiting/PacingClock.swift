import Foundation

/// The time and the waiting of the client: real in use, simulated in tests (no test sleeps).
public protocol PacingClock: Sendable {
    /// Seconds since 1970, the unit of `X-RateLimit-Reset`.
    func now() -> Double
    /// Waits `seconds` (a test clock moves its time instead).
    func sleep(seconds: Double) async throws
}

/// The system clock and `Task.sleep`.
public struct SystemPacingClock: PacingClock {
    public init() {}

    public func now() -> Double { Date().timeIntervalSince1970 }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }
}
