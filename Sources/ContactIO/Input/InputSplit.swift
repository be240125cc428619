#if canImport(Glibc)
    import Glibc
#endif

/// A plain file cut in two at a line break, so that a second thread can read the part after the cut while the
/// first reads the part before it.
///
/// The cut is a guess at a record boundary: in CSV a line break inside a quoted field looks like any other. The
/// first thread's reader, which reads the whole file in order, settles it. When that reader has read exactly the
/// records before the cut (``position(of:)`` is `.atCut`), the records of ``openRest()`` are those it would read
/// next, numbered from 1 and with lines counted from 1 at the cut (add the offsets `.atCut` gives). When it is not
/// (the cut fell inside a quoted field), the first thread reads on, and what the second thread did is thrown away.
public final class InputSplit: Sendable {
    /// The possible places of the whole file's reader, relative to the cut.
    public enum Position: Sendable, Equatable {
        /// It has not reached the cut yet.
        case beforeCut
        /// It has read the records before the cut and nothing after it: a record of the rest with line `l` and
        /// number `n` is at line `l + lineOffset`, number `n + recordOffset` in the whole file.
        case atCut(lineOffset: Int, recordOffset: Int)
        /// It read past the cut: the cut was not between two records.
        case pastCut
    }

    /// The offset of the first byte after the cut.
    public let cut: Int
    private let path: String
    private let name: String
    private let options: ReaderOptions
    /// The CSV delimiter and header, for the rest's reader; nil for NDJSON.
    private let csv: (delimiter: UInt8, header: [String])?

    private init(cut: Int, path: String, name: String, options: ReaderOptions, csv: (UInt8, [String])?) {
        self.cut = cut
        self.path = path
        self.name = name
        self.options = options
        self.csv = csv
    }

    /// Cuts the file that `input` reads (just opened from `path`) near its middle, or nil when it cannot or need
    /// not be: standard input, a gzip file (it cannot be read from the middle), or a file under `minimumSize`.
    public static func make(
        _ input: OpenedInput, path: String, options: ReaderOptions, minimumSize: Int = 8 << 20
    ) -> InputSplit? {
        // A file read through a transcoder is not cut: its bytes after the cut would need the transcoder too. Nor is
        // one whose invalid bytes are replaced: every replacement is listed, in file order, by the one reader.
        guard path != "-", input.compression == .none, !input.encoding.encoding.needsTranscoding,
            options.invalidUTF8 == .reject,
            let size = input.fileSize, size >= minimumSize
        else {
            return nil
        }
        let after: Int
        var csv: (UInt8, [String])?
        switch input.reader {
        case let reader as CSVReader:
            after = reader.position.offset
            csv = (reader.delimiter, reader.header)
        case let reader as NDJSONReader:
            after = reader.position.offset
        default:
            return nil
        }
        guard let cut = findCut(path: path, near: size / 2), cut > after, cut < size else { return nil }
        return InputSplit(cut: cut, path: path, name: input.name, options: options, csv: csv)
    }

    /// The first line start at or after `near` whose line and the one before it are not blank (a reader skips
    /// blank lines, so it could not stop between them and the next record).
    private static func findCut(path: String, near: Int) -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let window = 1 << 16
        var bytes = [UInt8](repeating: 0, count: window)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, window, off_t(near - 1)) }
        guard count > 2 else { return nil }
        func blank(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D || byte == 0x20 || byte == 0x09 }
        for index in 2..<count - 1 where bytes[index] == 0x0A && !blank(bytes[index + 1]) {
            // The line before ends here (after its "\r", if any) and must not be empty.
            let last = bytes[index - 1] == 0x0D ? bytes[index - 2] : bytes[index - 1]
            if last != 0x0A && last != 0x0D { return near - 1 + index + 1 }
        }
        return nil
    }

    /// Where `reader` (the whole file's, opened by ``InputOpener``) stands relative to the cut.
    public func position(of reader: RecordReader) -> Position {
        let offset: Int
        let lineOffset: Int
        let records: Int
        switch reader {
        case let csv as CSVReader:
            let position = csv.position
            // After a record that ends at "\r\n" the "\n" (the byte before the cut) is still to be skipped.
            offset = position.pendingCR ? position.offset + 1 : position.offset
            lineOffset = position.line - 1
            records = position.records
        case let ndjson as NDJSONReader:
            let position = ndjson.position
            offset = position.offset
            lineOffset = position.line
            records = position.records
        default:
            return .pastCut
        }
        if offset < cut { return .beforeCut }
        return offset == cut ? .atCut(lineOffset: lineOffset, recordOffset: records) : .pastCut
    }

    /// How a read of the part before the cut ended.
    public enum PartEnd: Sendable, Equatable {
        /// The reader stopped exactly at the cut (see ``Position/atCut(lineOffset:recordOffset:)``).
        case cut(lineOffset: Int, recordOffset: Int)
        /// The reader read the whole file: the cut was not between two records.
        case end
    }

    /// Feeds `body` the records of `reader` (the whole file's) before the cut, or all of them when the cut turns out
    /// not to be between two records; the result says which. A caller that cannot use the part after the cut then
    /// reads on with ``readToEnd(_:_:)``.
    public func readBeforeCut(_ reader: RecordReader, _ body: (ReadResult) throws -> Void) throws -> PartEnd {
        var watching = true
        while true {
            if watching && reader.bytesRead >= cut - 1 {
                switch position(of: reader) {
                case .beforeCut: break
                case .atCut(let lineOffset, let recordOffset):
                    return .cut(lineOffset: lineOffset, recordOffset: recordOffset)
                case .pastCut: watching = false
                }
            }
            guard let result = try reader.next() else { return .end }
            try body(result)
        }
    }

    /// Feeds `body` the rest of `reader`'s records.
    public static func readToEnd(_ reader: RecordReader, _ body: (ReadResult) throws -> Void) throws {
        while let result = try reader.next() { try body(result) }
    }

    /// A reader of the records from the cut on (call it on the thread that reads them).
    public func openRest() throws -> RecordReader {
        try openRecords(at: cut)
    }

    /// A reader of the records from byte `offset` on, which must be where a record starts.
    public func openRecords(at offset: Int) throws -> RecordReader {
        let source = try FileByteSource(path: path)
        try source.seek(to: offset)
        let input = InputBuffer(source: source, capacity: options.bufferSize)
        guard let csv else { return NDJSONReader(input: input, name: name, options: options) }
        return CSVReader(input: input, name: name, options: options, delimiter: csv.delimiter, header: csv.header)
    }
}
