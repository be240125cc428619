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
}

/// Opens inputs, detecting gzip by its magic bytes (never by the name) and the format by the first character.
public enum InputOpener {
    /// Opens the file at `path`, or standard input for `-`.
    /// - Throws: ``ContactIOError`` when the file cannot be opened, or a CSV file has no header.
    public static func open(_ path: String, options: ReaderOptions = ReaderOptions()) throws -> OpenedInput {
        let file = try FileByteSource(path: path)
        return try open(source: file, name: file.name, fileSize: file.regularFileSize, options: options)
    }

    /// Opens an already open source (for tests and wrappers).
    public static func open(
        source: ByteSource, name: String, fileSize: Int? = nil, options: ReaderOptions = ReaderOptions()
    ) throws -> OpenedInput {
        let raw = InputBuffer(source: source, capacity: options.bufferSize)
        raw.fill(atLeast: 2)
        var input = raw
        var compression = Compression.none
        if raw.available >= 2 && raw.bytes[raw.start] == 0x1F && raw.bytes[raw.start + 1] == 0x8B {
            compression = .gzip
            let replay = PrefixedByteSource(prefix: raw.takeBuffered(), rest: source)
            input = InputBuffer(source: GzipByteSource(compressed: replay, name: name), capacity: options.bufferSize)
        }
        // Spreadsheet exports often start with a BOM; every reader starts after it.
        input.skipByteOrderMark()
        let format = options.format ?? detectFormat(input)
        let reader: RecordReader
        switch format {
        case .csv: reader = try CSVReader(input: input, name: name, options: options)
        case .ndjson: reader = NDJSONReader(input: input, name: name, options: options)
        }
        return OpenedInput(reader: reader, name: name, compression: compression, format: format, fileSize: fileSize)
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
