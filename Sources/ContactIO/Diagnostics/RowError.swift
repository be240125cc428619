/// A row that could not be read as a record: where it is and why, so a person can open the file at that line.
public struct RowError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The reason, in a form code can switch on and count by.
    public enum Reason: String, Sendable, Equatable, CaseIterable {
        case fieldCountMismatch = "field_count_mismatch"
        case unterminatedQuote = "unterminated_quote"
        case invalidUTF8 = "invalid_utf8"
        case recordTooLarge = "record_too_large"
        case invalidJSON = "invalid_json"
        case notAnObject = "not_an_object"
    }

    /// The file as the user named it.
    public var file: String
    /// The 1-based physical line where the problem is (for an unterminated quote, where the field started).
    public var line: Int
    /// The 1-based number of the record in the file (the CSV header does not count).
    public var recordNumber: Int
    /// The field concerned, when one is (a header name or a JSON key).
    public var field: String?
    /// Why the row was rejected.
    public var reason: Reason
    /// A sentence a person can act on.
    public var message: String

    public init(file: String, line: Int, recordNumber: Int, field: String? = nil, reason: Reason, message: String) {
        self.file = file
        self.line = line
        self.recordNumber = recordNumber
        self.field = field
        self.reason = reason
        self.message = message
    }

    public var description: String {
        let fieldPart = field.map { ", field '\($0)'" } ?? ""
        return "\(file):\(line): record \(recordNumber)\(fieldPart): \(message)"
    }
}
