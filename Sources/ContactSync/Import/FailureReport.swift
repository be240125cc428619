import ContactIO

/// Rows that reached the API but did not get there (or were never sent), in the input's own format, so that the
/// file can be imported again as it is, with the same mapping.
///
/// CSV: the input's header and cells, plus a last column `_failure` with the reason. NDJSON: each original object
/// with a `_failure` member added. `.gz` compresses. The file appears only when complete.
public final class FailureReport {
    private let file: RowFile
    private let columns: Int
    /// The rows written.
    public private(set) var count = 0
    public let path: String

    /// - Parameter header: the input's CSV header, or nil when the input is NDJSON.
    public init(path: String, header: [String]?) throws {
        self.path = path
        columns = header?.count ?? 0
        file = try RowFile(path: path, format: header.map { .csv(header: $0 + ["_failure"]) } ?? .ndjson)
    }

    func add(_ record: Record, reason: String) throws {
        count += 1
        try file.write(
            cells: {
                var row = record.values
                if row.count < columns { row += Array(repeating: "", count: columns - row.count) }
                row.append(reason)
                return row
            },
            object: {
                var object = record.jsonObject
                object["_failure"] = .string(reason)
                return object
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
