/// Several CSV files read one after the other as one: the entries of a Mailchimp audience export (subscribed,
/// unsubscribed, cleaned), say, whose columns differ a little.
///
/// The header is the union of the files' columns in order of first appearance, then `_entry` (the file's name) and
/// `_entry_kind` (the name without its extension and a trailing export hash, e.g. `unsubscribed_members_export`), so
/// that a mapping can tell the files apart. A column a file lacks is empty in its rows. Row errors and line numbers
/// are each file's own, named `archive.zip:file.csv`.
final class ConcatenatedCSVReader: RecordReader {
    /// One of the files, opened.
    struct Part {
        var reader: CSVReader
        var entry: String
        var encoding: DetectedEncoding
    }

    static let entryColumn = "_entry"
    static let kindColumn = "_entry_kind"

    let name: String
    let format = InputFormat.csv
    let current = RecordBuffer()
    let columns: [String]?
    var csvDelimiter: UInt8? { parts.first?.reader.delimiter }
    private let parts: [Part]
    /// For each part, where each union column is in the part's own records (nil: the part lacks it).
    private let positions: [[Int?]]
    private var index = 0
    private var recordNumber = 0
    private var finishedBytes = 0
    private var finishedReplacements = Replacements()

    init(name: String, parts: [Part]) {
        self.name = name
        self.parts = parts
        var union: [String] = []
        var seen = Set<String>()
        for part in parts {
            for column in part.reader.header where seen.insert(column).inserted {
                union.append(column)
            }
        }
        positions = parts.map { part in
            union.map { column in part.reader.header.firstIndex(of: column) }
        }
        let header = union + [Self.entryColumn, Self.kindColumn]
        columns = header
        current.header = header
    }

    var bytesRead: Int { finishedBytes + (index < parts.count ? parts[index].reader.bytesRead : 0) }
    var bytesConsumed: Int { finishedBytes + (index < parts.count ? parts[index].reader.bytesConsumed : 0) }

    var replacements: Replacements {
        var all = finishedReplacements
        if index < parts.count { all.append(parts[index].reader.replacements, fieldPrefix: "\(parts[index].entry): ") }
        return all
    }

    func next() throws -> ReadResult? {
        while index < parts.count {
            let part = parts[index]
            guard let result = try part.reader.next() else {
                finishedBytes += part.reader.bytesRead
                finishedReplacements.append(part.reader.replacements, fieldPrefix: "\(part.entry): ")
                index += 1
                continue
            }
            recordNumber += 1
            switch result {
            case .rowError(var error):
                error.recordNumber = recordNumber
                return .rowError(error)
            case .record:
                copy(part.reader.current, entry: part.entry, positions: positions[index])
                return .record
            }
        }
        return nil
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
