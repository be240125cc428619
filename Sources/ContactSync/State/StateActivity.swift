import ContactIO
import JSONText

/// What an import's sync state did (`--state`), for the summary.
public struct StateActivity: Sendable, Equatable {
    public var path: String
    /// `--full`: stored fingerprints and ids were ignored for this run.
    public var full = false
    /// Rows whose fingerprint equals the stored one: unchanged, without a call.
    public var unchanged = 0
    /// Changed rows updated straight by their stored id, without a lookup.
    public var updatedByID = 0
    /// Stored ids that Intercom no longer knows (the contact was deleted or merged): looked up again and created.
    public var gone = 0
    /// The first of those, as `key (was id)`.
    public var goneExamples: [String] = []
    /// Keys recorded in the state file in this run.
    public var recorded = 0

    public init(path: String, full: Bool = false) {
        self.path = path
        self.full = full
    }

    /// The summary lines.
    var lines: [String] {
        var lines = ["state file:      \(path)\(full ? " (--full: compared with Intercom, not the state)" : "")"]
        lines.append("                 \(unchanged) unchanged since the last run (no call)")
        lines.append("                 \(updatedByID) updated by their stored id (no lookup)")
        if gone > 0 {
            lines.append(
                "                 \(gone) stored ids gone from Intercom (deleted or merged): looked up again, "
                    + "created if missing")
            lines += goneExamples.map { "                   \($0)" }
        }
        lines.append("                 \(recorded) keys recorded")
        return lines
    }

    var json: JSONValue {
        func number(_ value: Int) -> JSONValue { .number(String(value)) }
        return .object([
            "path": .string(path), "full": .bool(full), "unchanged": number(unchanged),
            "updated_by_id": number(updatedByID), "gone": number(gone),
            "gone_examples": .array(goneExamples.map(JSONValue.string)), "recorded": number(recorded),
        ])
    }
}
