import ContactMapping
import JSONText

extension RowPreview {
    /// The row for a person: a heading, then one line a field, `name  sent  <- column: "cell"`.
    var text: String {
        var lines: [String] = []
        if let role, let matchKey {
            let from = roleSource.map { " (from \($0.column): \(JSONValue.string($0.value).jsonText))" } ?? ""
            lines.append("line \(line): sent as a \(role)\(from), found by '\(matchKey)'")
        } else {
            lines.append("line \(line): rejected (\(problems.first ?? "?")): \(problems.last ?? "")")
        }
        let width = min(32, fields.map(\.name.count).max() ?? 0)
        let sentWidth = min(40, fields.map { ($0.sent ?? "-").count }.max() ?? 1)
        for field in fields {
            let name = field.name.padding(toLength: max(width, field.name.count), withPad: " ", startingAt: 0)
            let sent = (field.sent ?? "-")
            let padded = sent.count < sentWidth ? sent + String(repeating: " ", count: sentWidth - sent.count) : sent
            // Cells as JSON strings, so that line breaks, quotes and spaces at the ends show.
            let cells = field.sources.map { "\($0.column): \(JSONValue.string($0.value).jsonText)" }
                .joined(separator: ", ")
            var line = "  \(name)  \(padded)  <- \(cells)"
            if let note = field.note { line += "  [\(note)]" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
