/// An input opened for reading: the reader and what was detected about the file.
public struct OpenedInput {
    /// The reader of records.
    public let reader: RecordReader
    /// The file's name as given (`<stdin>` for `-`).
    public let name: String
    /// The compression detected from the first bytes.
    public let compression: Compression
    /// The format, given or detected.
    public let format: InputFormat
    /// The size of the file on disk (compressed size for gzip), when it is a regular file.
    public let fileSize: Int?
    /// The encoding the file is read in (everything after the reader is UTF-8), and why.
    public let encoding: DetectedEncoding

    /// What the reports written from this input (rejects, failures) are, when that differs from the input itself:
    /// they are always UTF-8, and CSV for a sheet or an archive's CSV files. Nil for a plain UTF-8 file.
    public var reportsNote: String? {
        let origin: String
        switch compression {
        case .xlsx: origin = "the input is an xlsx sheet"
        case .zip: origin = "the input is read from a zip archive"
        case .none, .gzip:
            guard encoding.encoding.needsTranscoding else { return nil }
            origin = "the input is \(encoding.encoding)"
        }
        return
            "UTF-8 \(format == .csv ? "CSV" : "NDJSON") with the input's columns (\(origin)): fix it and import it as "
            + "it is"
    }
}

/// Opens inputs, detecting gzip by its magic bytes (never by the name) and the format by the first character.
public enum InputOpener {
    /// Opens the file at `path`, or standard input for `-`.
    /// - Throws: ``ContactIOError`` when the file cannot be opened, is not text (a PNG, a PDF, a zip or an Excel
    ///   file gets one line saying so), or a CSV file has no header.
    public static func open(_ path: String, options: ReaderOptions = ReaderOptions()) throws -> OpenedInput {
        let file = try FileByteSource(path: path)
        return try open(
            source: file, name: file.name, fileSize: file.regularFileSize, options: options,
            file: file.regularFileSize == nil ? nil : (file, path))
    }

    /// Opens an already open source (for tests and wrappers).
    public static func open(
        source: ByteSource, name: String, fileSize: Int? = nil, options: ReaderOptions = ReaderOptions()
    ) throws -> OpenedInput {
        try open(source: source, name: name, fileSize: fileSize, options: options, file: nil)
    }

    /// - Parameter file: the regular file being read and its path, when it can be looked at ahead (to decide its
    ///   encoding) and opened again (a zip archive).
    private static func open(
        source: ByteSource, name: String, fileSize: Int?, options: ReaderOptions,
        file: (source: FileByteSource, path: String)?
    ) throws -> OpenedInput {
        var name = name
        let raw = InputBuffer(source: source, capacity: options.bufferSize)
        raw.fill(atLeast: 2)
        var input = raw
        var compression = Compression.none
        if raw.available >= 2 && raw.bytes[raw.start] == 0x1F && raw.bytes[raw.start + 1] == 0x8B {
            compression = .gzip
            let replay = raw.takeReplay()
            input = InputBuffer(source: GzipByteSource(compressed: replay, name: name), capacity: options.bufferSize)
        } else if isZip(raw) {
            guard let file else {
                raw.fill(atLeast: 64 * 1024)
                let kind = FileSignature.binaryKind(
                    UnsafeBufferPointer(start: raw.bytes + raw.start, count: raw.available))
                throw ContactIOError(
                    .unsupportedFormat, file: name,
                    message: "this looks like \(kind ?? "a zip archive"), which is read from a file, not a stream "
                        + "(its directory is at its end): save it to a file first")
            }
            if ZipInput.isWorkbook(archive: file.path) {
                return try openWorkbook(archive: file.path, name: name, options: options)
            }
            let entries = try ZipInput.choose(
                archive: file.path, name: name, entries: options.entries, all: options.allEntries)
            if entries.count > 1 {
                return try openEntries(entries, archive: file.path, name: name, options: options)
            }
            name += ":" + entries[0].path
            compression = .zip
            let source = ZipEntrySource(
                archive: file.path, entry: entries[0].index, path: entries[0].path, name: name)
            input = InputBuffer(source: source, capacity: options.bufferSize)
        }
        let (reader, format, encoding) = try openText(
            input, name: name, options: options, file: compression == .none ? file?.source : nil)
        return OpenedInput(
            reader: reader, name: name, compression: compression, format: format, fileSize: fileSize,
            encoding: encoding)
    }

    /// The reader of decompressed bytes: refused if they are not text, transcoded to UTF-8 if they are in another
    /// encoding, then read as CSV or NDJSON.
    private static func openText(
        _ input: InputBuffer, name: String, options: ReaderOptions, file: FileByteSource?
    ) throws -> (RecordReader, InputFormat, DetectedEncoding) {
        var input = input
        input.fill(atLeast: 64 * 1024)
        if let kind = FileSignature.binaryKind(
            UnsafeBufferPointer(start: input.bytes + input.start, count: input.available))
        {
            throw ContactIOError(.unsupportedFormat, file: name, message: FileSignature.message(for: kind))
        }
        var encoding: DetectedEncoding
        (input, encoding) = try decodeUnicode(input, name: name, options: options)
        // Spreadsheet exports often start with a BOM; every reader starts after it.
        input.skipByteOrderMark()
        let format = options.format ?? detectFormat(input)
        if options.encoding == nil && encoding.encoding == .utf8 && encoding.evidence != .byteOrderMark
            && format == .csv
        {
            (input, encoding) = try decideUTF8(input, name: name, options: options, file: file)
        }
        let reader: RecordReader
        switch format {
        case .csv: reader = try CSVReader(input: input, name: name, options: options, encoding: encoding)
        case .ndjson: reader = NDJSONReader(input: input, name: name, options: options)
        }
        return (reader, format, encoding)
    }

    /// A worksheet of an xlsx file, read as the CSV text ``XLSXSheetSource`` makes of it.
    private static func openWorkbook(archive: String, name: String, options: ReaderOptions) throws -> OpenedInput {
        let workbook = try XLSXWorkbook(archive: archive, name: name)
        let sheet = try workbook.sheet(named: options.sheet, file: name)
        let sheetName = name + ":" + sheet.name
        let source = XLSXSheetSource(archive: archive, sheet: sheet, workbook: workbook, name: sheetName)
        var text = options
        text.format = .csv
        text.delimiter = UInt8(ascii: ",")
        text.encoding = .utf8
        let reader = try CSVReader(
            input: InputBuffer(source: source, capacity: options.bufferSize), name: sheetName, options: text,
            encoding: DetectedEncoding(.utf8, .given))
        return OpenedInput(
            reader: reader, name: sheetName, compression: .xlsx, format: .csv, fileSize: nil,
            encoding: DetectedEncoding(.utf8, .xlsx))
    }

    /// Several CSV entries of one archive, read one after the other as one file (see ``ConcatenatedCSVReader``).
    private static func openEntries(
        _ entries: [(path: String, index: Int)], archive: String, name: String, options: ReaderOptions
    ) throws -> OpenedInput {
        var parts: [ConcatenatedCSVReader.Part] = []
        var first: CSVReader?
        for entry in entries {
            let entryName = name + ":" + entry.path
            let open = { () throws -> (CSVReader, DetectedEncoding) in
                let source = ZipEntrySource(archive: archive, entry: entry.index, path: entry.path, name: entryName)
                let (reader, format, encoding) = try openText(
                    InputBuffer(source: source, capacity: options.bufferSize), name: entryName, options: options,
                    file: nil)
                guard format == .csv, let csv = reader as? CSVReader else {
                    throw ContactIOError(
                        .invalidArgument, file: entryName,
                        message: "several entries are read together only when each is a CSV file; choose one with "
                            + "--entry")
                }
                return (csv, encoding)
            }
            // Opened for its header and encoding, then let go (its thread stops) until its turn; the first is kept.
            let (csv, encoding) = try open()
            first = first ?? csv
            parts.append(
                ConcatenatedCSVReader.Part(
                    entry: entry.path, header: csv.header, encoding: encoding, delimiter: csv.delimiter,
                    open: { try open().0 }))
        }
        let reader = ConcatenatedCSVReader(name: name, parts: parts, first: first!)
        return OpenedInput(
            reader: reader, name: name, compression: .zip, format: .csv, fileSize: nil, encoding: parts[0].encoding)
    }

    /// Puts a transcoder in front of UTF-16 (by its byte order mark or its zeros) or a given encoding.
    private static func decodeUnicode(
        _ input: InputBuffer, name: String, options: ReaderOptions
    ) throws -> (InputBuffer, DetectedEncoding) {
        if let given = options.encoding {
            if given == .utf8 { return (input, DetectedEncoding(.utf8, .given)) }
            // A byte order mark of the given encoding is not text.
            if case .byteOrderMark(given, let length) = sniffStart(input) { input.start += length }
            return (try transcoded(input, from: given, name: name, options: options), DetectedEncoding(given, .given))
        }
        switch sniffStart(input) {
        case .byteOrderMark(.utf8, _):
            return (input, DetectedEncoding(.utf8, .byteOrderMark))
        case .byteOrderMark(let encoding, let length):
            input.start += length
            return (
                try transcoded(input, from: encoding, name: name, options: options),
                DetectedEncoding(encoding, .byteOrderMark)
            )
        case .utf16(let encoding):
            return (
                try transcoded(input, from: encoding, name: name, options: options),
                DetectedEncoding(encoding, .content(firstInvalidOffset: nil))
            )
        default:
            return (input, DetectedEncoding(.utf8, .content(firstInvalidOffset: nil)))
        }
    }

    /// UTF-8 or Windows-1252, by whether the non-ASCII bytes are UTF-8: those of the buffer, or for a plain file
    /// whose buffer is all ASCII, the first that are not further on.
    private static func decideUTF8(
        _ input: InputBuffer, name: String, options: ReaderOptions, file: FileByteSource?
    ) throws -> (InputBuffer, DetectedEncoding) {
        input.fill(atLeast: options.bufferSize)
        let complete = input.atEnd
        var verdict = EncodingSniffer.utf8Verdict(input.bytes + input.start, count: input.available, complete: complete)
        var wholeFile = complete
        if verdict == .ascii && !complete, let file {
            // Everything in the buffer is ASCII: look for the first byte that is not, further on.
            let after = input.totalRead
            if let (offset, bytes) = try file.firstNonASCII(from: after) {
                let window = bytes.withUnsafeBufferPointer {
                    EncodingSniffer.utf8Verdict($0.baseAddress!, count: $0.count, complete: $0.count < 64 * 1024)
                }
                verdict = if case .notUTF8(let bad) = window { .notUTF8(offset: offset + bad) } else { window }
            }
            wholeFile = true
        }
        switch verdict {
        case .notUTF8(let offset):
            let encoding = DetectedEncoding(.windows1252, .content(firstInvalidOffset: offset))
            return (try transcoded(input, from: .windows1252, name: name, options: options), encoding)
        case .utf8:
            return (input, DetectedEncoding(.utf8, .content(firstInvalidOffset: nil)))
        default:
            return (input, DetectedEncoding(.utf8, .onlyASCII(wholeFile: wholeFile)))
        }
    }

    private static func sniffStart(_ input: InputBuffer) -> EncodingSniffer.Verdict {
        let count = min(input.available, 4096)
        return EncodingSniffer.sniff(
            UnsafeBufferPointer(start: input.bytes + input.start, count: count), complete: true)
    }

    /// A new buffer that reads `input`'s unread bytes and the rest of its source through a transcoder.
    private static func transcoded(
        _ input: InputBuffer, from encoding: TextEncoding, name: String, options: ReaderOptions
    ) throws -> InputBuffer {
        let replay = input.takeReplay()
        let source = try TranscodingByteSource(source: replay, encoding: encoding, name: name)
        // Transcoding on a thread of its own, as gzip's inflating: inspecting the 1M-row file in Windows-1252 took a
        // median 0.90 s with it inline, 0.67 s so (UTF-16: 0.79 s, 0.62 s; alternating runs, benchmarks/RESULTS.md).
        return InputBuffer(
            source: ThreadedByteSource(source, name: name, threadName: "transcode"), capacity: options.bufferSize)
    }

    /// A zip archive's local file header (or the end record of an empty archive).
    private static func isZip(_ input: InputBuffer) -> Bool {
        input.fill(atLeast: 4)
        guard input.available >= 4, input.bytes[input.start] == 0x50, input.bytes[input.start + 1] == 0x4B else {
            return false
        }
        let third = input.bytes[input.start + 2]
        let fourth = input.bytes[input.start + 3]
        return (third == 3 && fourth == 4) || (third == 5 && fourth == 6)
    }

    /// NDJSON when the first character after whitespace is `{`, CSV otherwise.
    static func detectFormat(_ input: InputBuffer) -> InputFormat {
        input.fill(atLeast: 4096)
        var index = input.start
        while index < input.end {
            switch input.bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            case UInt8(ascii: "{"): return .ndjson
            default: return .csv
            }
        }
        return .csv
    }
}
