/// Several CSV files read one after the other as one: the entries of a Mailchimp audience export (subscribed,
/// unsubscribed, cleaned), say, whose columns differ a little.
///
/// The header is the union of the files' columns in order of first appearance, then `_entry` (the file's name) and
/// `_entry_kind` (the name without its extension and a trailing export hash, e.g. `unsubscribed_members_export`), so
/// that a mapping can tell the files apart. A column a file lacks is empty in its rows. Row errors and line numbers
/// are each file's own, named `archive.zip:file.csv`.
///
/// The files are read one at a time: each is opened first for its header alone, then again when its turn comes
/// (opened together, each would hold a thread and up to a megabyte of inflated text ahead of the reader).
final class ConcatenatedCSVReader: RecordReader {
    /// One of the files: what its first opening found, and how to open it again.
    struct Part {
        var entry: String
        var header: [String]
        var encoding: DetectedEncoding
        var delimiter: UInt8
        var open: () throws -> CSVReader
    }

    static let entryColumn = "_entry"
    static let kindColumn = "_entry_kind"

    let name: String
    let format = InputFormat.csv
    let current = RecordBuffer()
    let columns: [String]?
    var csvDelimiter: UInt8? { parts.first?.delimiter }
    private let parts: [Part]
    /// For each part, where each union column is in the part's own records (nil: the part lacks it).
    private let positions: [[Int?]]
    private var index = 0
    /// The reader of part `index`, once opened.
    private var reader: CSVReader?
    private var recordNumber = 0
    private var finishedBytes = 0
    private var finishedReplacements = Replacements()

    /// - Parameter first: the first part's reader, still at its first record (it is not opened twice).
    init(name: String, parts: [Part], first: CSVReader) {
        self.name = name
        self.parts = parts
        reader = first
        var union: [String] = []
        var seen = Set<String>()
        for part in parts {
            for column in part.header where seen.insert(column).inserted {
                union.append(column)
            }
        }
        positions = parts.map { part in
            union.map { column in part.header.firstIndex(of: column) }
        }
        let header = union + [Self.entryColumn, Self.kindColumn]
        columns = header
        current.header = header
    }

    var bytesRead: Int { finishedBytes + (reader?.bytesRead ?? 0) }
    var bytesConsumed: Int { finishedBytes + (reader?.bytesConsumed ?? 0) }

    var replacements: Replacements {
        var all = finishedReplacements
        if let reader { all.append(reader.replacements, fieldPrefix: "\(parts[index].entry): ") }
        return all
    }

    func next() throws -> ReadResult? {
        while index < parts.count {
            let part = parts[index]
            let reader = try self.reader ?? open(part)
            guard let result = try reader.next() else {
                finishedBytes += reader.bytesRead
                finishedReplacements.append(reader.replacements, fieldPrefix: "\(part.entry): ")
                self.reader = nil
                index += 1
                continue
            }
            recordNumber += 1
            switch result {
            case .rowError(var error):
                error.recordNumber = recordNumber
                return .rowError(error)
            case .record:
                copy(reader.current, entry: part.entry, positions: positions[index])
                return .record
            }
        }
        return nil
    }

    /// Opens a part again for reading; it must be as its first opening found it.
    private func open(_ part: Part) throws -> CSVReader {
        let reader = try part.open()
        guard reader.header == part.header, reader.delimiter == part.delimiter else {
            throw ContactIOError(
                .corruptArchive, file: name + ":" + part.entry,
                message: "the entry reads differently the second time (its header or delimiter changed)")
        }
        self.reader = reader
        return reader
    }

    /// Lays the part's record out in the union's columns.
    private func copy(_ record: RecordBuffer, entry: String, positions: [Int?]) {
        current.reset()
        for position in positions {
            let start = current.byteCount
            if let position {
                let value = record.valueBytes(position)
                if let base = value.baseAddress, !value.isEmpty { current.append(base, count: value.count) }
            }
            current.endField(valueFrom: start)
        }
        for text in [ZipInput.fileName(entry), Self.kind(of: entry)] {
            let start = current.byteCount
            var text = text
            text.withUTF8 { bytes in
                if let base = bytes.baseAddress, !bytes.isEmpty { current.append(base, count: bytes.count) }
            }
            current.endField(valueFrom: start)
        }
        current.number = recordNumber
        current.line = record.line
    }

    /// The entry's file name without its extension and a trailing `_` and hash of at least six hex digits.
    static func kind(of entry: String) -> String {
        var stem = Substring(ZipInput.fileName(entry))
        if let dot = stem.lastIndex(of: ".") { stem = stem[..<dot] }
        if let underscore = stem.lastIndex(of: "_") {
            let tail = stem[stem.index(after: underscore)...]
            if tail.count >= 6 && tail.allSatisfy(\.isHexDigit) { stem = stem[..<underscore] }
        }
        return String(stem)
    }
}
