import ContactIO

/// Rows that reached the API but did not get there (or were never sent), in the input's own format, so that the
/// file can be imported again as it is, with the same mapping.
///
/// CSV: the input's header and cells, plus a last column `_failure` with the reason. NDJSON: each original object
/// with a `_failure` member added. `.gz` compresses. The file appears only when complete.
public final class FailureReport {
    private let file: OutputFile
    private let csv: CSVWriter?
    private let ndjson: NDJSONWriter?
    private let columns: Int
    /// The rows written.
    public private(set) var count = 0
    public let path: String

    /// - Parameter header: the input's CSV header, or nil when the input is NDJSON.
    public init(path: String, header: [String]?) throws {
        self.path = path
        file = try OutputFile(path: path)
        let sink: ByteSink = path.lowercased().hasSuffix(".gz") ? try GzipSink(next: file, name: path) : file
        if let header {
            csv = try CSVWriter(sink: sink, header: header + ["_failure"])
            ndjson = nil
            columns = header.count
        } else {
            ndjson = NDJSONWriter(sink: sink)
            csv = nil
            columns = 0
        }
    }

    func add(_ record: Record, reason: String) throws {
        count += 1
        if let csv {
            var row = record.values
            if row.count < columns { row += Array(repeating: "", count: columns - row.count) }
            row.append(reason)
            try csv.write(row: row)
        } else if let ndjson {
            var object = record.jsonObject
            object["_failure"] = .string(reason)
            try ndjson.write(.object(object))
        }
    }

    /// Completes the file and moves it into place.
    public func finish() throws {
        if let csv { try csv.finish() }
        if let ndjson { try ndjson.finish() }
    }

    /// Drops the partial file.
    public func abort() {
        file.abort()
    }
}
