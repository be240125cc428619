import ContactIO
import JSONText

/// One rejected row as the reject report and the summary show it.
public struct RejectedRow: Sendable, Equatable {
    public var file: String
    public var line: Int
    public var recordNumber: Int
    public var field: String?
    public var value: String?
    /// A `RejectReason` or a reader `RowError.Reason` raw value.
    public var reason: String
    public var message: String
    /// Every problem of the row as `field: reason; field: reason` (the first is `field` and `reason`).
    public var problems: String

    public init(
        file: String, line: Int, recordNumber: Int, field: String?, value: String?, reason: String, message: String,
        problems: String? = nil
    ) {
        self.file = file
        self.line = line
        self.recordNumber = recordNumber
        self.field = field
        self.value = value
        self.reason = reason
        self.message = message
        self.problems = problems ?? "\(field ?? "row"): \(reason)"
    }

    /// A row the reader could not read.
    public init(_ error: RowError) {
        self.init(
            file: error.file, line: error.line, recordNumber: error.recordNumber, field: error.field, value: nil,
            reason: error.reason.rawValue, message: error.message)
    }

    /// A record the mapping refused.
    public init(_ reject: FieldReject, file: String, record: RecordBuffer) {
        self.init(
            file: file, line: record.line, recordNumber: record.number, field: reject.field, value: reject.value,
            reason: reject.reason.rawValue, message: reject.message, problems: reject.problemList)
    }

    public var description: String {
        let fieldPart = field.map { ", field '\($0)'" } ?? ""
        return "\(file):\(line): record \(recordNumber)\(fieldPart): \(message)"
    }
}

/// Writes rejected rows with their original values, so that a user can fix them and re-run only them.
///
/// CSV (by the path's extension, `.csv` / `.csv.gz`): the columns `_line`, `_record`, `_field`, `_value`,
/// `_reason`, `_message` (the first problem of the row), `_problems` (all of them: `field: reason; field: reason`),
/// then the input's own columns. NDJSON (`.ndjson`, `.jsonl`): one object per reject with
/// those keys and `record` holding the original fields. The file appears only when complete.
public final class RejectReport {
    private let file: RowFile
    private let header: [String]?
    public private(set) var count = 0

    /// - Parameter header: the input's CSV header (nil for NDJSON input).
    public init(path: String, header: [String]?) throws {
        self.header = header
        let columns =
            ["_line", "_record", "_field", "_value", "_reason", "_message", "_problems"] + (header ?? ["_original"])
        file = try RowFile(path: path, format: RowFile.isNDJSON(path: path) ? .ndjson : .csv(header: columns))
    }

    /// Adds a reject with the original record's fields (those the reader could read).
    public func add(_ reject: RejectedRow, original: RecordBuffer?) throws {
        try add(reject, record: original?.makeRecord())
    }

    /// Adds a reject with a kept copy of the original record.
    public func add(_ reject: RejectedRow, record original: Record?) throws {
        count += 1
        try file.write(
            cells: {
                var row = [
                    String(reject.line), String(reject.recordNumber), reject.field ?? "", reject.value ?? "",
                    reject.reason, reject.message, reject.problems,
                ]
                if let header {
                    row += (0..<header.count).map { index in
                        guard let original, index < original.fields.count else { return "" }
                        return original.fields[index].text
                    }
                } else {
                    row.append(original.map { JSONValue.object($0.jsonObject).jsonText } ?? "")
                }
                return row
            },
            object: {
                [
                    "line": .number(String(reject.line)), "record": .number(String(reject.recordNumber)),
                    "field": reject.field.map(JSONValue.string) ?? .null,
                    "value": reject.value.map(JSONValue.string) ?? .null,
                    "reason": .string(reject.reason), "message": .string(reject.message),
                    "problems": .string(reject.problems),
                    "original": original.map { .object($0.jsonObject) } ?? .null,
                ]
            })
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
