import Foundation
import Synchronization

/// Where the sandbox reads the time: the system clock in use, a settable one in tests (no test sleeps).
public protocol SandboxClock: Sendable {
    /// Seconds since 1970 (fractional).
    func now() -> Double
}

/// The system's wall clock.
public struct SystemSandboxClock: SandboxClock {
    public init() {}

    public func now() -> Double {
        Date().timeIntervalSince1970
    }
}

/// A clock that moves only when told to, for testing rate-limit windows and search lag.
public final class ManualSandboxClock: SandboxClock {
    private let current: Mutex<Double>

    public init(_ start: Double = 1_767_225_600) {
        current = Mutex(start)
    }

    public func now() -> Double {
        current.withLock { $0 }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: Double) {
        current.withLock { $0 += seconds }
    }

    /// Sets the clock to `time`.
    public func set(_ time: Double) {
        current.withLock { $0 = time }
    }
}
