import ContactIO
import JSONText

/// `import --results PATH`: one line for every row read, saying what became of it, for auditing a migration
/// afterwards. It costs no call: the recorder writes what the run did anyway.
///
/// Columns (CSV) or members (NDJSON): `line` (of the input), `key` (the row's match key; empty for a row rejected
/// before it had one), `id` (the contact's, when known), `action` (`created`, `updated`, `unchanged`, `rejected`,
/// `failed`; `would_create` and `would_update` in a dry run), `fields` (the fields the row set or changed,
/// `;`-separated, custom attributes as `custom_attributes.NAME`) and `reason` (why it was rejected, failed or left
/// alone). Lines come in the order rows were finished, not in file order: sort by `line` for that. `.gz` compresses;
/// the file appears only when complete.
public final class ResultsReport {
    /// What became of a row.
    public enum Action: String, Sendable {
        case created, updated, unchanged, rejected, failed
        case wouldCreate = "would_create"
        case wouldUpdate = "would_update"
    }

    static let columns = ["line", "key", "id", "action", "fields", "reason"]

    private let file: RowFile
    public let path: String
    /// The lines written.
    public private(set) var count = 0

    /// CSV, or NDJSON when the path ends in `.ndjson`, `.jsonl` or `.json` (either with `.gz`).
    public init(path: String) throws {
        self.path = path
        file = try RowFile(path: path, format: RowFile.isNDJSON(path: path) ? .ndjson : .csv(header: Self.columns))
    }

    /// Writes the line of one row.
    func add(line: Int, key: String?, id: String?, action: Action, fields: JSONObject? = nil, reason: String? = nil)
        throws
    {
        count += 1
        let names = fields.map(Self.fieldNames) ?? []
        try file.write(
            cells: {
                [String(line), key ?? "", id ?? "", action.rawValue, names.joined(separator: ";"), reason ?? ""]
            },
            object: {
                var object: JSONObject = ["line": .number(String(line))]
                object["key"] = key.map(JSONValue.string) ?? .null
                object["id"] = id.map(JSONValue.string) ?? .null
                object["action"] = .string(action.rawValue)
                object["fields"] = .array(names.map(JSONValue.string))
                object["reason"] = reason.map(JSONValue.string) ?? .null
                return object
            })
    }

    /// The names of a payload's members, with each custom attribute as `custom_attributes.NAME`.
    static func fieldNames(_ payload: JSONObject) -> [String] {
        payload.members.flatMap { member -> [String] in
            guard member.key == "custom_attributes", case .object(let attributes) = member.value else {
                return [member.key]
            }
            return attributes.members.map { "custom_attributes.\($0.key)" }
        }
    }

    /// Completes the file and moves it into place.
    public func finish() throws {
        try file.finish()
    }

    /// Drops the partial file.
    public func abort() {
        file.abort()
    }
}
