/// The report footer at the end of a CSV file, which the reader skipped.
public struct SkippedFooter: Sendable, Equatable {
    /// The physical line where it starts.
    public var line: Int
    /// Its lines' text (a quoted line without its quotes).
    public var lines: [String]

    public init(line: Int, lines: [String]) {
        self.line = line
        self.lines = lines
    }

    /// For a person: where, how long, and how it starts.
    public var description: String {
        let first = lines.first { !$0.isEmpty } ?? ""
        let shown = first.count > 60 ? String(first.prefix(57)) + "…" : first
        return "skipped a report footer of \(lines.count) line\(lines.count == 1 ? "" : "s") at line \(line)"
            + (shown.isEmpty ? "" : " ('\(shown)')")
    }
}

extension CSVReader {
    /// The most lines a footer has (Salesforce's reports end with four).
    static let maxFooterLines = 10

    /// Whether the rest of the input, from the one-field record just read, is a report footer: at most
    /// ``maxFooterLines`` records to the end of the input, each of one field (or blank), at least one of them empty
    /// or a blank line before or among them. Report exports (Salesforce's) end that way: `""`, `""` (or a blank
    /// line), a confidentiality notice, a copyright line. A data row of one field at the very end, with no empty line
    /// around it, stays a row error. When it is a footer, the input is consumed to its end and the footer returned.
    func trailingFooter() -> SkippedFooter? {
        let first = current.fieldCount == 1 ? String(decoding: current.valueBytes(0), as: UTF8.self) : nil
        guard let first else { return nil }
        // A footer is short: what is left must be in memory with the end of the input after it.
        input.fill(atLeast: 1 << 16)
        guard input.atEnd, input.failure == nil else { return nil }
        let rest = UnsafeBufferPointer(start: input.bytes + input.start, count: input.available)
        guard let (records, blankLine) = Self.singleFieldRecords(rest, delimiter: delimiter),
            records.count < Self.maxFooterLines,
            first.isEmpty || records.contains(where: \.isEmpty) || blankLine || recordLine > lineBeforeRecord
        else {
            return nil
        }
        input.start += input.available
        return SkippedFooter(line: recordLine, lines: [first] + records)
    }

    /// The records of `bytes` when each has one field, their text unquoted, and whether a blank line came before one
    /// of them (blank lines are left out); nil when one has more fields, or when there are too many.
    static func singleFieldRecords(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> (
        records: [String], blankLine: Bool
    )? {
        var records: [String] = []
        var blankLine = false
        var field: [UInt8] = []
        var inQuotes = false
        var quoted = false
        var index = 0
        // A blank line counts only with a record after it: a file's extra line ending at the end says nothing.
        var blankSeen = false
        func endRecord(atLineEnd: Bool) {
            if quoted || !field.isEmpty {
                records.append(String(decoding: field, as: UTF8.self))
                blankLine = blankLine || blankSeen
            } else if atLineEnd {
                blankSeen = true
            }
            field.removeAll(keepingCapacity: true)
            quoted = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inQuotes = true
                quoted = true
            case delimiter:
                return nil
            case UInt8(ascii: "\n"):
                endRecord(atLineEnd: true)
                if records.count > maxFooterLines { return nil }
            case UInt8(ascii: "\r"):
                break
            default:
                field.append(byte)
            }
        }
        guard !inQuotes else { return nil }
        endRecord(atLineEnd: false)
        return (records, blankLine)
    }
}
