import JSONText

/// What valid rows were sent without: values refused by a rule with `invalid: skip`, and phone extensions that no
/// `extension_to` keeps. Counted by field and reason, with the first few rows shown.
public struct FieldWarnings: Sendable {
    /// Rows with at least one warning.
    public var rows = 0
    /// Warnings by `field: reason` (`phone: invalid_phone`, `phone: phone_extension_not_sent`).
    public var byReason: [String: Int] = [:]
    /// The first rows' warnings, in file order.
    public var first: [Example] = []

    /// One warning of one row.
    public struct Example: Sendable {
        public var line: Int
        public var warning: FieldReject
    }

    public init() {}

    /// Counts the warnings of the row at `line`, keeping the first `keep` for the summary.
    ///
    /// Called for every valid row, and most have no warning: that test is inlined into the caller's loop, the
    /// counting is not.
    @inline(__always)
    public mutating func add(_ warnings: [FieldReject], line: Int, keep: Int) {
        guard !warnings.isEmpty else { return }
        count(warnings, line: line, keep: keep)
    }

    private mutating func count(_ warnings: [FieldReject], line: Int, keep: Int) {
        rows += 1
        for warning in warnings {
            byReason["\(warning.field ?? "row"): \(warning.reason.rawValue)", default: 0] += 1
            if first.count < keep { first.append(Example(line: line, warning: warning)) }
        }
    }

    /// Adds the warnings of a later part of the same file, whose lines start after `lineOffset`.
    mutating func append(_ other: FieldWarnings, lineOffset: Int, keep: Int) {
        rows += other.rows
        byReason.merge(other.byReason, uniquingKeysWith: +)
        for var example in other.first where first.count < keep {
            example.line += lineOffset
            first.append(example)
        }
    }

    /// `phone: invalid_phone 12, phone: phone_extension_not_sent 3`, most frequent first.
    public var counts: String {
        byReason.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", ")
    }

    /// The summary's lines (none without warnings): `label`, padded to `width`, with the rows, then the counts by
    /// field and reason, then the first rows' warnings with their lines.
    public func lines(label: String, width: Int) -> [String] {
        guard rows > 0 else { return [] }
        let indent = String(repeating: " ", count: width)
        let head = label + String(repeating: " ", count: max(1, width - label.count))
        var lines = [head + "\(rows) rows sent without a value they had (see below)"]
        for (reason, count) in byReason.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) })
        {
            lines.append(indent + "\(count) \(reason)")
        }
        if !first.isEmpty {
            lines.append("first warnings:")
            lines += first.map { "  line \($0.line): \($0.warning.message)" }
        }
        return lines
    }

    /// `{"rows": N, "by_reason": {"phone: invalid_phone": N}}` for `--summary-json`.
    public var json: JSONValue {
        let counts = byReason.sorted { $0.key < $1.key }.map {
            JSONObject.Member(key: $0.key, value: .number(String($0.value)))
        }
        return .object(["rows": .number(String(rows)), "by_reason": .object(JSONObject(counts))])
    }
}
