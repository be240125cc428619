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
    /// A worksheet of an xlsx workbook.
    case xlsx
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
    /// The entries of a zip archive to read (each its path, or its file name when that is unique); none when the
    /// archive holds one file. Several are read one after the other as one CSV file (see ``allEntries``).
    public var entries: [String]
    /// Read every data file of a zip archive, one after the other, as one CSV file: the union of their columns,
    /// plus `_entry` (the file's name) and `_entry_kind` (the name without its extension and an export's hash).
    public var allEntries: Bool
    /// The worksheet of an xlsx workbook to read; nil for the first.
    public var sheet: String?
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
        entries: [String] = [],
        allEntries: Bool = false,
        sheet: String? = nil,
        invalidUTF8: InvalidUTF8Policy = .reject,
        maxRecordBytes: Int = 1 << 20,
        bufferSize: Int = 1 << 20
    ) {
        self.format = format
        self.delimiter = delimiter
        self.encoding = encoding
        self.entries = entries
        self.allEntries = allEntries
        self.sheet = sheet
        self.invalidUTF8 = invalidUTF8
        self.maxRecordBytes = maxRecordBytes
        self.bufferSize = bufferSize
    }

    /// The delimiters that detection chooses from.
    public static let detectableDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]
}
