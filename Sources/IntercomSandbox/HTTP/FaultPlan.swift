/// Which failures to inject and how often, e.g. `5xx=0.05,drop=0.01,lost=0.01,delay=0.02,delay_ms=500`.
public struct FaultPlan: Sendable, Equatable {
    /// Share of requests answered 500, 502 or 503.
    public var serverErrors: Double = 0
    /// Share of requests whose connection is closed before the response is complete.
    public var drops: Double = 0
    /// Share of requests carried out whose answer is then lost (the connection breaks after the work is done).
    public var lostAnswers: Double = 0
    /// Share of requests delayed by ``delayMilliseconds``.
    public var delays: Double = 0
    public var delayMilliseconds = 500

    public init() {}

    /// Parses `key=value` pairs separated by commas.
    /// - Throws: a message naming the bad part.
    public init(parsing text: String) throws(FaultPlanError) {
        for part in text.split(separator: ",") where !part.isEmpty {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2, let value = Double(pieces[1]), value >= 0 else {
                throw FaultPlanError(message: "'\(part)' is not key=number")
            }
            switch pieces[0] {
            case "5xx": serverErrors = value
            case "drop": drops = value
            case "lost": lostAnswers = value
            case "delay": delays = value
            case "delay_ms": delayMilliseconds = Int(value)
            default:
                throw FaultPlanError(message: "unknown fault '\(pieces[0])' (known: 5xx, drop, lost, delay, delay_ms)")
            }
        }
        guard serverErrors + drops + lostAnswers + delays <= 1 else {
            throw FaultPlanError(message: "the shares add up to more than 1")
        }
    }

    var isEmpty: Bool { serverErrors == 0 && drops == 0 && lostAnswers == 0 && delays == 0 }
}

/// Why a `--faults` value was refused.
public struct FaultPlanError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { "--faults: \(message)" }
}
