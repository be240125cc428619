import ArgumentParser
import ContactIO
import ContactMapping

/// The flags that say how to read an input file, shared by every command that reads one.
struct InputOptions: ParsableArguments {
    @Option(help: "Input format: csv or ndjson. Default: detected from the content (a first '{' means NDJSON).")
    var format: InputFormat?

    @Option(help: "CSV delimiter: ',', ';', '|' or 'tab'. Default: detected from the header line.")
    var delimiter: String?

    @Option(
        help: ArgumentHelp(
            "The file's character encoding, e.g. windows-1252, utf-16, latin1, macintosh (any name iconv knows).",
            discussion: """
                Default: detected. A byte order mark decides (UTF-8, UTF-16); otherwise UTF-16 is recognised by its \
                zero bytes, and text whose non-ASCII bytes are not UTF-8 is read as Windows-1252 (what Excel on \
                Windows writes). `inspect` shows what was used and why.
                """))
    var encoding: String?

    @Option(
        help: ArgumentHelp(
            "The file to read inside a zip archive (its path in the archive, or its name when that is unique).",
            discussion: """
                Needed only when the archive holds more than one file. Repeat it to read several CSV files as \
                one (see --all-entries).
                """))
    var entry: [String] = []

    @Flag(
        help: ArgumentHelp(
            "Read every file of a zip archive, one after the other, as one CSV file.",
            discussion: """
                For a Mailchimp audience export (subscribed, unsubscribed and cleaned members). The columns are \
                the union of the files' columns, plus _entry (the file's name) and _entry_kind (the name without \
                its extension and export hash, e.g. unsubscribed_members_export), for the mapping to use, e.g. \
                unsubscribed_from_emails: {column: _entry_kind, map: {unsubscribed_members_export: "true", \
                cleaned_members_export: "true", subscribed_members_export: "false"}}.
                """))
    var allEntries = false

    @Option(help: "The worksheet of an xlsx workbook to read. Default: the first.")
    var sheet: String?

    @Option(
        name: .customLong("invalid-utf8"),
        help: "What to do with bytes that are not UTF-8: reject (the row is an error) or replace (with U+FFFD).")
    var invalidUTF8: InvalidUTF8Policy = .reject

    @Option(help: "A record larger than this many bytes is a row error.")
    var maxRecordBytes: Int = 1 << 20

    func validate() throws {
        if let encoding, TextEncoding(named: encoding) == nil {
            throw ValidationError(
                "--encoding: '\(encoding)' is not an encoding this system can convert (try utf-8, utf-16le, "
                    + "utf-16be, windows-1252, latin1, iso-8859-15, macintosh)")
        }
        if let delimiter, InputOptions.delimiterByte(delimiter) == nil {
            throw ValidationError("--delimiter must be one of ',', ';', '|', 'tab' (got '\(delimiter)')")
        }
        if maxRecordBytes < 1024 {
            throw ValidationError("--max-record-bytes must be at least 1024")
        }
    }

    /// Opens `file` with these options; an unreadable file is reported on stderr and ends the command (exit 2).
    func open(_ file: String) throws -> OpenedInput {
        try opening { try InputOpener.open(file, options: $0) }
    }

    /// Opens an input with `open` and these options; an input that cannot be read is reported on stderr and ends the
    /// command (exit 2), a mapping that does not fit it is thrown.
    func opening(_ open: (ReaderOptions) throws -> OpenedInput) throws -> OpenedInput {
        do {
            return try open(readerOptions)
        } catch let error as MappingError {
            throw error
        } catch {
            StandardStreams.printError("error: \(error)")
            throw ETLExit.inputFailure
        }
    }

    var readerOptions: ReaderOptions {
        ReaderOptions(
            format: format, delimiter: delimiter.flatMap(InputOptions.delimiterByte),
            encoding: encoding.flatMap(TextEncoding.init(named:)), entries: entry, allEntries: allEntries, sheet: sheet,
            invalidUTF8: invalidUTF8,
            maxRecordBytes: maxRecordBytes)
    }

    static func delimiterByte(_ text: String) -> UInt8? {
        switch text {
        case ",": UInt8(ascii: ",")
        case ";": UInt8(ascii: ";")
        case "|": UInt8(ascii: "|")
        case "tab", "\\t", "\t": 0x09
        default: nil
        }
    }
}

extension InputFormat: ExpressibleByArgument {}
extension InvalidUTF8Policy: ExpressibleByArgument {}
