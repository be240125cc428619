import Synchronization

/// Makes ids that look like Intercom's: 24 hex characters, a timestamp then a counter (as Mongo ObjectIds).
struct IdentifierGenerator: Sendable {
    private var counter: UInt64

    init(seed: UInt64) {
        counter = seed &* 0x9E37_79B9 & 0xFF_FFFF_FFFF
    }

    /// Makes sure later ids count past `id` (one loaded from a `--data` file).
    mutating func skip(past id: String) {
        if let used = UInt64(id.suffix(16), radix: 16), used >= counter {
            counter = used
        }
    }

    mutating func next(time: Double) -> String {
        counter &+= 1
        let seconds = UInt32(truncatingIfNeeded: Int(time))
        return hex(UInt64(seconds), digits: 8) + hex(counter, digits: 16)
    }

    private func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text.suffix(digits)
    }
}

/// Request ids for error bodies and the `X-Request-Id` header.
enum RequestIDs {
    private static let counter = Atomic<Int>(0)

    static func next() -> String {
        let value = counter.add(1, ordering: .relaxed).newValue
        let text = String(value, radix: 36)
        return "sbx" + String(repeating: "0", count: max(0, 17 - text.count)) + text
    }
}
