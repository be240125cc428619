import JSONText

/// A file of rows for a report: CSV with a header, or NDJSON objects; gzip when the path ends in `.gz`; written
/// under a temporary name and moved into place only when complete.
public final class RowFile {
    /// What the file holds.
    public enum Format: Sendable, Equatable {
        case csv(header: [String])
        case ndjson
    }

    private let file: OutputFile
    private let csv: CSVWriter?
    private let ndjson: NDJSONWriter?

    public init(path: String, format: Format) throws {
        file = try OutputFile(path: path)
        let sink: ByteSink = path.lowercased().hasSuffix(".gz") ? try GzipSink(next: file, name: path) : file
        switch format {
        case .csv(let header):
            csv = try CSVWriter(sink: sink, header: header)
            ndjson = nil
        case .ndjson:
            ndjson = NDJSONWriter(sink: sink)
            csv = nil
        }
    }

    /// True when `path` names an NDJSON file (`.ndjson`, `.jsonl` or `.json`, optionally with `.gz`).
    public static func isNDJSON(path: String) -> Bool {
        var lower = path.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        return lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".json")
    }

    /// Writes one row: `cells()` to a CSV file, `object()` to an NDJSON one (only the one needed is built).
    public func write(cells: () -> [String], object: () -> JSONObject) throws {
        if let csv {
            try csv.write(row: cells())
        } else if let ndjson {
            try ndjson.write(.object(object()))
        }
    }

    /// Completes the file and moves it into place.
    public func finish() throws {
        if let csv { try csv.finish() }
        if let ndjson { try ndjson.finish() }
    }

    /// Drops the partial file; the path keeps what it had before.
    public func abort() {
        file.abort()
    }
}
