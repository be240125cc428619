/// The file formats the readers understand.
public enum InputFormat: String, Sendable, CaseIterable {
    case csv
    case ndjson
}

/// How the input was compressed, as detected from its first bytes.
public enum Compression: String, Sendable {
    case none
    case gzip
    /// An entry of a zip archive.
    case zip
}

/// What to do with bytes that are not valid UTF-8.
public enum InvalidUTF8Policy: String, Sendable, CaseIterable {
    /// The row becomes a row error.
    case reject
    /// Invalid sequences become U+FFFD and the row is kept.
    case replace
}

/// How to read an input file.
public struct ReaderOptions: Sendable {
    /// The format; nil detects it from the content (a first `{` means NDJSON).
    public var format: InputFormat?
    /// The CSV delimiter; nil detects it from the header line among `,` `;` tab `|`.
    public var delimiter: UInt8?
    /// The input's encoding; nil detects it (byte order mark, UTF-16 zeros, UTF-8 or else Windows-1252).
    public var encoding: TextEncoding?
    /// The entry of a zip archive to read (its path, or its file name when that is unique); nil when there is one.
    public var entry: String?
    /// What to do with invalid UTF-8.
    public var invalidUTF8: InvalidUTF8Policy
    /// A record (or NDJSON line) larger than this is a row error instead of memory growth.
    public var maxRecordBytes: Int
    /// The size of the read buffer.
    public var bufferSize: Int

    public init(
        format: InputFormat? = nil,
        delimiter: UInt8? = nil,
        encoding: TextEncoding? = nil,
        entry: String? = nil,
        invalidUTF8: InvalidUTF8Policy = .reject,
        maxRecordBytes: Int = 1 << 20,
        bufferSize: Int = 1 << 20
    ) {
        self.format = format
        self.delimiter = delimiter
        self.encoding = encoding
        self.entry = entry
        self.invalidUTF8 = invalidUTF8
        self.maxRecordBytes = maxRecordBytes
        self.bufferSize = bufferSize
    }

    /// The delimiters that detection chooses from.
    public static let detectableDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]
}
