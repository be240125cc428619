import JSONText

/// A streaming CSV reader: RFC 4180 plus what CRM exports really contain.
///
/// Written by hand rather than taken from a package because it is the hot loop of every import: it scans runs of
/// ordinary bytes with a lookup table and copies them in bulk into one reused ``RecordBuffer``, so reading
/// allocates nothing per row and keeps up with `gzip -dc`.
///
/// Handles quoted fields with `""` escapes, delimiters and LF/CRLF inside quotes, LF, CRLF or CR line ends (mixed
/// too), a UTF-8 BOM, and blank lines (skipped, but counted for line numbers). A row with the wrong number of
/// fields, an unterminated quote, invalid UTF-8 or an oversized record is a ``RowError``, never a crash.
///
/// Its hot stored properties are `@exclusivity(unchecked)`: Swift's dynamic exclusivity checks on them cost 2.5x in
/// the read loop (measured in benchmarks/RESULTS.md). That is safe because a reader and its buffers are used by one
/// thread at a time and no code here passes these properties `inout` while also reading them.
public final class CSVReader: RecordReader {
    public let name: String
    public let format = InputFormat.csv
    public let current = RecordBuffer()
    /// The delimiter in use (given, or detected from the header line).
    public let delimiter: UInt8
    public var csvDelimiter: UInt8? { delimiter }
    public var columns: [String]? { header }
    /// The header row, with surrounding spaces trimmed from each name.
    public private(set) var header: [String] = []

    private enum State {
        case fieldStart
        case unquoted
        case quoted
        case quoteInQuoted
    }

    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    let input: InputBuffer
    private let options: ReaderOptions
    /// The encoding the file is read in, for the advice given with bytes that are not valid.
    private let encoding: DetectedEncoding
    /// Non-zero for bytes that end a run outside quotes: the delimiter, CR and LF.
    private let unquotedStops: UnsafeMutablePointer<UInt8>
    /// Non-zero for bytes that end a run inside quotes: the quote and LF (counted for line numbers).
    private let quotedStops: UnsafeMutablePointer<UInt8>

    /// The physical line of the next byte to be read.
    @exclusivity(unchecked) private var line = 1
    @exclusivity(unchecked) private var recordNumber = 0
    @exclusivity(unchecked) private var pendingCR = false
    // Per-record flags set by `parseRecord()`.
    @exclusivity(unchecked) private(set) var recordLine = 1
    @exclusivity(unchecked) private var quoteLine = 0
    @exclusivity(unchecked) private var unterminated = false
    @exclusivity(unchecked) private var oversized = false
    @exclusivity(unchecked) private var headerCount = 0

    public var bytesRead: Int { input.totalRead }
    public private(set) var replacements = Replacements()
    /// The report footer at the end of the file, once the reader has skipped it (``trailingFooter()``).
    public private(set) var skippedFooter: SkippedFooter?
    /// The number of the last record of one field where the header has more (a row error, or a footer's start).
    private var lastOneFieldRecord = -1
    /// The line where ``parseRecord()`` started: below ``recordLine`` when blank lines came before the record.
    private(set) var lineBeforeRecord = 1
    public var bytesConsumed: Int { input.totalRead - input.available }

    /// Where the reader stands in the input (see ``InputSplit``): the offset of the next byte to parse, whether a
    /// carriage return just ended a record (a line feed after it belongs to that line end), the physical line of
    /// the next byte, and the records read so far.
    var position: (offset: Int, pendingCR: Bool, line: Int, records: Int) {
        (bytesConsumed, pendingCR, line, recordNumber)
    }

    /// A reader of the records of a file whose header was already read (``InputSplit``): records are numbered from
    /// 1 and lines counted from 1 where `input` starts.
    init(input: InputBuffer, name: String, options: ReaderOptions, delimiter: UInt8, header: [String]) {
        self.input = input
        self.name = name
        self.options = options
        encoding = DetectedEncoding(.utf8, .content(firstInvalidOffset: nil))
        self.delimiter = delimiter
        (unquotedStops, quotedStops) = Self.stopTables(delimiter: delimiter)
        self.header = header
        headerCount = header.count
        current.header = header
    }

    init(
        input: InputBuffer, name: String, options: ReaderOptions,
        encoding: DetectedEncoding = DetectedEncoding(.utf8, .content(firstInvalidOffset: nil))
    ) throws {
        self.input = input
        self.name = name
        self.options = options
        self.encoding = encoding
        delimiter = options.delimiter ?? CSVReader.detectDelimiter(in: input)
        (unquotedStops, quotedStops) = Self.stopTables(delimiter: delimiter)
        try readHeader()
    }

    /// The bytes that end a run outside quotes (the delimiter, CR and LF) and inside them (the quote and LF).
    private static func stopTables(delimiter: UInt8) -> (UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt8>) {
        let unquoted = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        unquoted.initialize(repeating: 0, count: 256)
        unquoted[Int(delimiter)] = 1
        unquoted[Int(carriageReturn)] = 1
        unquoted[Int(lineFeed)] = 1
        let quoted = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        quoted.initialize(repeating: 0, count: 256)
        quoted[Int(quote)] = 1
        quoted[Int(lineFeed)] = 1
        return (unquoted, quoted)
    }

    deinit {
        unquotedStops.deallocate()
        quotedStops.deallocate()
    }

    /// Picks the candidate delimiter that occurs most often outside quotes in the first line (comma on a tie).
    static func detectDelimiter(in input: InputBuffer) -> UInt8 {
        let lookahead = 64 * 1024
        while input.available < lookahead {
            let window = UnsafeBufferPointer(start: input.bytes + input.start, count: input.available)
            if window.contains(lineFeed) || !input.refill() { break }
        }
        var counts = [Int](repeating: 0, count: 256)
        var inQuotes = false
        for byte in UnsafeBufferPointer(start: input.bytes + input.start, count: min(input.available, lookahead)) {
            if byte == quote {
                inQuotes.toggle()
            } else if !inQuotes {
                if byte == lineFeed || byte == carriageReturn { break }
                counts[Int(byte)] += 1
            }
        }
        var best = UInt8(ascii: ",")
        for candidate in ReaderOptions.detectableDelimiters where counts[Int(candidate)] > counts[Int(best)] {
            best = candidate
        }
        return best
    }

    private func readHeader() throws {
        guard try parseRecord() else {
            if let failure = input.failure { throw failure }
            throw ContactIOError(
                .missingHeader, file: name, message: "the file is empty: a CSV file needs a header row")
        }
        if unterminated {
            throw ContactIOError(
                .missingHeader, file: name,
                message: "line \(quoteLine): the header row has a quoted field that is never closed")
        }
        if oversized {
            throw ContactIOError(
                .missingHeader, file: name,
                message: "line \(recordLine): the header row is larger than the record limit")
        }
        var names: [String] = []
        for index in 0..<current.fieldCount {
            let bytes = current.valueBytes(index)
            if let bad = firstInvalidUTF8(bytes.baseAddress!, count: bytes.count), options.invalidUTF8 == .reject {
                throw ContactIOError(
                    .missingHeader, file: name,
                    message:
                        "line \(recordLine): header column \(index + 1) is not valid \(encoding.encoding) (byte \(bad + 1)); "
                        + advice)
            }
            names.append(String(decoding: bytes, as: UTF8.self).trimmingSpaces())
        }
        header = names
        headerCount = names.count
        current.header = names
    }

    public func next() throws -> ReadResult? {
        guard try parseRecord() else {
            if let failure = input.failure { throw failure }
            return nil
        }
        recordNumber += 1
        current.number = recordNumber
        current.line = recordLine
        if unterminated {
            return .rowError(
                RowError(
                    file: name, line: quoteLine, recordNumber: recordNumber,
                    field: current.fieldCount <= header.count ? header[current.fieldCount - 1] : nil,
                    reason: .unterminatedQuote,
                    message: "a quoted field starts on line \(quoteLine) and is never closed; "
                        + "the rest of the file was read as part of it"))
        }
        if oversized {
            return .rowError(
                RowError(
                    file: name, line: recordLine, recordNumber: recordNumber, reason: .recordTooLarge,
                    message: "the record is larger than the limit of \(options.maxRecordBytes) bytes"))
        }
        if current.fieldCount != headerCount {
            if current.fieldCount == 1 && headerCount > 1 {
                // A footer starts at the first of its one-field rows, never inside a longer run of them.
                defer { lastOneFieldRecord = recordNumber }
                if lastOneFieldRecord != recordNumber - 1, skippedFooter == nil, let footer = trailingFooter() {
                    skippedFooter = footer
                    recordNumber -= 1
                    return nil
                }
            }
            return .rowError(
                RowError(
                    file: name, line: recordLine, recordNumber: recordNumber, reason: .fieldCountMismatch,
                    message: "expected \(header.count) fields as in the header, found \(current.fieldCount)"))
        }
        // The ASCII part is checked once: validation goes on from the first byte that is not ASCII.
        let ascii = asciiPrefix(current.bytes, count: current.byteCount)
        if ascii == current.byteCount {
            current.isASCII = true
        } else if firstInvalidUTF8(current.bytes + ascii, count: current.byteCount - ascii) != nil {
            if options.invalidUTF8 == .replace {
                for index in current.repairUTF8() {
                    replacements.add(
                        line: recordLine, field: index < header.count ? header[index] : "column \(index + 1)")
                }
            } else {
                return .rowError(invalidUTF8Error())
            }
        }
        return .record
    }

    private func invalidUTF8Error() -> RowError {
        var field: String?
        for index in 0..<current.fieldCount {
            let bytes = current.valueBytes(index)
            if let bad = firstInvalidUTF8(bytes.baseAddress!, count: bytes.count) {
                field = header[index]
                return RowError(
                    file: name, line: recordLine, recordNumber: recordNumber, field: field, reason: .invalidUTF8,
                    message: "the value is not valid \(encoding.encoding) (byte \(bad + 1) of the field); " + advice)
            }
        }
        return RowError(
            file: name, line: recordLine, recordNumber: recordNumber, reason: .invalidUTF8,
            message: "the record is not valid \(encoding.encoding); " + advice)
    }

    /// What to do about bytes that are not valid in the file's encoding.
    private var advice: String {
        if encoding.isAssumed {
            return "the start of this stream was plain ASCII, so it was read as UTF-8: if the file comes from Excel "
                + "on Windows, read it with --encoding windows-1252; or with --invalid-utf8 replace"
        }
        return encoding.encoding == .utf8
            ? "re-export the file as UTF-8, name its encoding with --encoding, or read it with --invalid-utf8 replace"
            : "fix the file, name another encoding with --encoding, or read it with --invalid-utf8 replace"
    }

    /// Parses the next physical record into ``current``; false at the end of the input (or at a read failure).
    private func parseRecord() throws -> Bool {
        let buffer = current
        buffer.reset()
        buffer.shrinkIfLarge(limit: options.maxRecordBytes)
        unterminated = false
        oversized = false
        recordLine = line
        lineBeforeRecord = line
        var state = State.fieldStart
        var fieldStart = 0
        var started = false
        let delimiter = self.delimiter
        let quote = CSVReader.quote
        let lineFeed = CSVReader.lineFeed
        let carriageReturn = CSVReader.carriageReturn
        let limit = options.maxRecordBytes

        @inline(__always) func append(_ from: UnsafePointer<UInt8>, _ count: Int) {
            if buffer.byteCount + count > limit {
                oversized = true
            } else if count > 0 {
                buffer.append(from, count: count)
            }
        }

        while true {
            if input.available == 0 {
                if !input.refill() {
                    if input.failure != nil || !started {
                        return false
                    }
                    if state == .quoted {
                        unterminated = true
                    }
                    buffer.endField(valueFrom: fieldStart)
                    return true
                }
            }
            let base = UnsafePointer(input.bytes)
            var position = input.start
            let end = input.end
            scan: while position < end {
                switch state {
                case .fieldStart:
                    let byte = base[position]
                    if pendingCR {
                        pendingCR = false
                        if byte == lineFeed {
                            position += 1
                            continue scan
                        }
                    }
                    if byte == quote {
                        state = .quoted
                        quoteLine = line
                        started = true
                        position += 1
                    } else if byte == delimiter {
                        started = true
                        buffer.endField(valueFrom: fieldStart)
                        fieldStart = buffer.byteCount
                        position += 1
                    } else if byte == lineFeed || byte == carriageReturn {
                        pendingCR = byte == carriageReturn
                        line += 1
                        position += 1
                        if started {
                            buffer.endField(valueFrom: fieldStart)
                            input.start = position
                            return true
                        }
                        recordLine = line
                    } else {
                        started = true
                        state = .unquoted
                    }
                case .unquoted:
                    let run = position
                    while position < end && unquotedStops[Int(base[position])] == 0 {
                        position += 1
                    }
                    append(base + run, position - run)
                    if position == end { break scan }
                    let byte = base[position]
                    position += 1
                    state = .fieldStart
                    buffer.endField(valueFrom: fieldStart)
                    fieldStart = buffer.byteCount
                    if byte != delimiter {
                        pendingCR = byte == carriageReturn
                        line += 1
                        input.start = position
                        return true
                    }
                case .quoted:
                    let run = position
                    while position < end && quotedStops[Int(base[position])] == 0 {
                        position += 1
                    }
                    append(base + run, position - run)
                    if position == end { break scan }
                    if base[position] == lineFeed {
                        line += 1
                        append(base + position, 1)
                    } else {
                        state = .quoteInQuoted
                    }
                    position += 1
                case .quoteInQuoted:
                    let byte = base[position]
                    if byte == quote {
                        append(base + position, 1)
                        state = .quoted
                        position += 1
                    } else if byte == delimiter {
                        buffer.endField(valueFrom: fieldStart)
                        fieldStart = buffer.byteCount
                        state = .fieldStart
                        position += 1
                    } else if byte == lineFeed || byte == carriageReturn {
                        pendingCR = byte == carriageReturn
                        line += 1
                        position += 1
                        buffer.endField(valueFrom: fieldStart)
                        input.start = position
                        return true
                    } else {
                        // Text after a closing quote (`"a"b`) is kept, as spreadsheet programs do.
                        state = .unquoted
                    }
                }
            }
            input.start = end
        }
    }
}
