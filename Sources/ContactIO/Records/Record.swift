/// A record that outlives its reader: field names, JSON kinds and values as strings.
public struct Record: Sendable, Equatable {
    /// One field: its name (CSV column or JSON key), JSON kind and text (nested values as JSON text).
    public struct Field: Sendable, Equatable {
        public var key: String
        public var kind: FieldKind
        public var text: String

        public init(key: String, kind: FieldKind = .string, text: String) {
            self.key = key
            self.kind = kind
            self.text = text
        }
    }

    /// The 1-based number of the record in the file (the CSV header does not count).
    public var number: Int
    /// The 1-based physical line on which the record starts.
    public var line: Int
    /// The fields in file order.
    public var fields: [Field]

    public init(number: Int, line: Int, fields: [Field]) {
        self.number = number
        self.line = line
        self.fields = fields
    }

    /// The values in field order.
    public var values: [String] { fields.map(\.text) }

    /// The value of the field named `key` (the last one, if a JSON object repeats a key).
    public subscript(key: String) -> String? {
        fields.last { $0.key == key }?.text
    }
}
