/// What reading a whole input found: the detected layout, counts, and the first row errors.
public struct InputInspection: Sendable {
    public var name: String
    public var format: InputFormat
    public var compression: Compression
    /// The encoding the file was read in, and why.
    public var encoding: DetectedEncoding
    /// The CSV delimiter, nil for NDJSON.
    public var delimiter: UInt8?
    /// The CSV header, nil for NDJSON.
    public var header: [String]?
    /// NDJSON keys in order of first appearance, nil for CSV.
    public var keys: [String]?
    public var records = 0
    public var rowErrors = 0
    public var rowErrorsByReason: [RowError.Reason: Int] = [:]
    /// The first row errors, at most the number asked for.
    public var firstErrors: [RowError] = []
    /// Bytes read after decompression.
    public var bytesRead = 0
    /// The cells whose invalid bytes were replaced (`--invalid-utf8 replace`).
    public var replacements = Replacements()
    /// The report footer at the end of a CSV file, skipped (not records).
    public var skippedFooter: SkippedFooter?
    /// A failure that ended the reading early (corrupt gzip, read error); counts cover what came before it.
    public var failure: ContactIOError?

    /// Reads `input` to the end.
    /// - Parameters:
    ///   - keepErrors: how many row errors to keep in ``firstErrors``.
    ///   - progress: called now and then with the bytes read so far.
    public static func inspect(
        _ input: OpenedInput, keepErrors: Int = 10, progress: ((Int) -> Void)? = nil
    ) -> InputInspection {
        let reader = input.reader
        var report = InputInspection(
            name: input.name, format: input.format, compression: input.compression, encoding: input.encoding,
            delimiter: reader.csvDelimiter, header: reader.columns,
            keys: reader.columns == nil ? [] : nil)
        var seenKeys = Set<String>()
        // The reader's one record buffer, fetched once: each fetch through the protocol is a retain and a release.
        let record = reader.current
        do {
            while let result = try reader.next() {
                switch result {
                case .record:
                    report.records += 1
                    // Most records have the keys of the record before, in the same order: comparing their bytes
                    // costs a fraction of making a string of each key of each record.
                    if report.keys != nil && record.keysDiffer() {
                        for index in 0..<record.fieldCount {
                            let key = record.key(index)
                            if seenKeys.insert(key).inserted { report.keys!.append(key) }
                        }
                    }
                case .rowError(let error):
                    report.rowErrors += 1
                    report.rowErrorsByReason[error.reason, default: 0] += 1
                    if report.firstErrors.count < keepErrors { report.firstErrors.append(error) }
                }
                if let progress, (report.records + report.rowErrors) & 0xFFFF == 0 {
                    progress(reader.bytesRead)
                }
            }
        } catch let error as ContactIOError {
            report.failure = error
        } catch {
            report.failure = ContactIOError(.readFailed, file: input.name, message: "\(error)")
        }
        report.bytesRead = reader.bytesRead
        report.replacements = reader.replacements
        report.skippedFooter = reader.skippedFooter
        return report
    }
}
