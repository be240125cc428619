/// What one step of a reader produced.
public enum ReadResult: Sendable, Equatable {
    /// A record is in the reader's ``RecordReader/current`` buffer.
    case record
    /// The row could not be read; the reader goes on with the next one.
    case rowError(RowError)
}

/// A streaming reader of records: constant memory, exact positions, row errors instead of exceptions.
public protocol RecordReader: AnyObject {
    /// The input's name for messages (`<stdin>` for standard input).
    var name: String { get }
    /// The format being read.
    var format: InputFormat { get }
    /// The CSV header (every record's fields in its order); nil for NDJSON, whose keys are per record.
    var columns: [String]? { get }
    /// The CSV delimiter; nil for NDJSON.
    var csvDelimiter: UInt8? { get }
    /// The record produced by the last ``next()`` that returned `.record`; overwritten by the next call.
    var current: RecordBuffer { get }
    /// Bytes read so far, after decompression (for progress).
    var bytesRead: Int { get }
    /// Bytes parsed so far, after decompression: where the next record, or blank lines before it, begins.
    var bytesConsumed: Int { get }
    /// The cells whose invalid bytes were replaced so far (`--invalid-utf8 replace`).
    var replacements: Replacements { get }
    /// The report footer at the end of a CSV file that the reader skipped, once it has (not rows, not errors).
    var skippedFooter: SkippedFooter? { get }

    /// Reads the next record or row error; nil at the end of the input.
    /// - Throws: ``ContactIOError`` when the input itself fails (I/O error, corrupt gzip), after every complete
    ///   record before the failure has been returned.
    func next() throws -> ReadResult?
}

extension RecordReader {
    public var skippedFooter: SkippedFooter? { nil }

    /// Reads the rest of the input into memory, as records and row errors (for tests and small files).
    public func readAll() throws -> (records: [Record], errors: [RowError]) {
        var records: [Record] = []
        var errors: [RowError] = []
        while let result = try next() {
            switch result {
            case .record: records.append(current.makeRecord())
            case .rowError(let error): errors.append(error)
            }
        }
        return (records, errors)
    }
}
