import JSONText

#if canImport(Glibc)
    import Glibc
#endif

/// A streaming NDJSON reader: one JSON object per line, each top-level key a field.
///
/// Strings are decoded, numbers and literals kept as their text, nested objects and arrays kept as validated JSON
/// text (``FieldKind/object``, ``FieldKind/array``). Blank lines are skipped but counted; a line that is not a JSON
/// object is a ``RowError`` with its line number and column.
///
/// Its hot stored properties are `@exclusivity(unchecked)`: Swift's dynamic exclusivity checks on them cost 2.5x in
/// the read loop (measured in benchmarks/RESULTS.md). That is safe because a reader and its buffers are used by one
/// thread at a time and no code here passes these properties `inout` while also reading them.
public final class NDJSONReader: RecordReader {
    public let name: String
    public let format = InputFormat.ndjson
    public let current = RecordBuffer()
    public var columns: [String]? { nil }
    public var csvDelimiter: UInt8? { nil }

    private let input: InputBuffer
    private let options: ReaderOptions
    @exclusivity(unchecked) private var line = 0
    @exclusivity(unchecked) private var recordNumber = 0
    private var repairScratch: [UInt8] = []

    public var bytesRead: Int { input.totalRead }
    public private(set) var replacements = Replacements()
    public var bytesConsumed: Int { input.totalRead - input.available }

    /// Where the reader stands in the input (see ``InputSplit``): the offset of the next byte to read, the lines and
    /// the records read so far.
    var position: (offset: Int, line: Int, records: Int) {
        (bytesConsumed, line, recordNumber)
    }

    init(input: InputBuffer, name: String, options: ReaderOptions) {
        self.input = input
        self.name = name
        self.options = options
    }

    public func next() throws -> ReadResult? {
        while true {
            guard let (lineStart, lineLength, oversized) = nextLine() else {
                if let failure = input.failure { throw failure }
                return nil
            }
            line += 1
            let lineBase = UnsafePointer(input.bytes + lineStart)
            if !oversized && isBlank(lineBase, lineLength) {
                continue
            }
            recordNumber += 1
            current.reset()
            current.number = recordNumber
            current.line = line
            if oversized {
                return .rowError(
                    RowError(
                        file: name, line: line, recordNumber: recordNumber, reason: .recordTooLarge,
                        message: "the line is longer than the limit of \(options.maxRecordBytes) bytes"))
            }
            let bad: Int
            switch parseObject(lineBase, lineLength, validated: false) {
            case .record: return .record
            case .failed(let result): return result
            case .invalidUTF8(let offset): bad = offset
            }
            guard options.invalidUTF8 == .replace else {
                return .rowError(
                    RowError(
                        file: name, line: line, recordNumber: recordNumber, reason: .invalidUTF8,
                        message: "the line is not valid UTF-8 (byte \(bad + 1)); re-export the file as UTF-8 "
                            + "or read it with --invalid-utf8 replace"))
            }
            current.reset()
            let repaired = String(decoding: UnsafeBufferPointer(start: lineBase, count: lineLength), as: UTF8.self)
            repairScratch = Array(repaired.utf8)
            let outcome = repairScratch.withUnsafeBufferPointer {
                parseObject($0.baseAddress!, $0.count, validated: true)
            }
            if case .failed(let result) = outcome { return result }
            noteReplacements()
            return .record
        }
    }

    /// What parsing a line found.
    private enum Parsed {
        case record
        /// A row error.
        case failed(ReadResult)
        /// The line is not valid UTF-8 (the offset of the first invalid byte): checked before any other verdict.
        case invalidUTF8(Int)
    }

    /// Counts the fields of a repaired line that hold U+FFFD (a key that had one is named as repaired).
    private func noteReplacements() {
        let mark: [UInt8] = [0xEF, 0xBF, 0xBD]
        var any = false
        for index in 0..<current.fieldCount {
            let key = current.key(index)
            let value = current.valueBytes(index)
            if key.unicodeScalars.contains("\u{FFFD}") || (value.count >= 3 && containsMark(value, mark)) {
                replacements.add(line: line, field: key)
                any = true
            }
        }
        if !any { replacements.add(line: line, field: "the line") }
    }

    private func containsMark(_ bytes: UnsafeBufferPointer<UInt8>, _ mark: [UInt8]) -> Bool {
        (0...(bytes.count - 3)).contains {
            bytes[$0] == mark[0] && bytes[$0 + 1] == mark[1] && bytes[$0 + 2] == mark[2]
        }
    }

    /// Parses one line into ``current``.
    ///
    /// The line is checked for UTF-8 (unless `validated`) only when the parse fails or passed a string with a byte
    /// above ASCII: checking every line first was a fourteenth of reading, and most lines are ASCII.
    private func parseObject(_ base: UnsafePointer<UInt8>, _ count: Int, validated: Bool) -> Parsed {
        func failed(_ result: ReadResult) -> Parsed {
            if !validated, let bad = firstInvalidUTF8(base, count: count) { return .invalidUTF8(bad) }
            return .failed(result)
        }
        var scanner = JSONScanner(base: base, count: count)
        do throws(JSONSyntaxError) {
            scanner.skipWhitespace()
            guard !scanner.atEnd, scanner.peek == UInt8(ascii: "{") else {
                // A line that is a whole JSON value, not one followed by more text, is a value but not an object.
                var probe = scanner
                var isOtherValue = (try? probe.skipValue()) != nil
                if isOtherValue {
                    probe.skipWhitespace()
                    isOtherValue = probe.atEnd
                }
                return failed(
                    .rowError(
                        RowError(
                            file: name, line: line, recordNumber: recordNumber,
                            reason: isOtherValue ? .notAnObject : .invalidJSON,
                            message: isOtherValue
                                ? "the line is a JSON value but not an object; NDJSON input needs one object per line"
                                : scanner.error("expected '{'").description)))
            }
            scanner.position += 1
            scanner.skipWhitespace()
            let sameKeys: Bool
            if !scanner.atEnd && scanner.peek == UInt8(ascii: "}") {
                scanner.position += 1
                sameKeys = current.layoutKeyCount == 0
            } else {
                sameKeys = try parseMembers(&scanner)
            }
            scanner.skipWhitespace()
            if !scanner.atEnd {
                throw scanner.error("unexpected text after the object")
            }
            if !validated && scanner.stringBits & 0x8080_8080_8080_8080 != 0,
                let bad = firstInvalidUTF8(base, count: count)
            {
                return .invalidUTF8(bad)
            }
            current.endKeys(same: sameKeys)
            return .record
        } catch {
            return failed(
                .rowError(
                    RowError(
                        file: name, line: line, recordNumber: recordNumber, reason: .invalidJSON,
                        message: error.description)))
        }
    }

    /// Parses the members of an object into ``current``; returns whether their keys are those of the record's
    /// layout (``RecordBuffer/endKeys(same:)``).
    ///
    /// A key that is the layout's key at its place is not decoded: the field points at the layout's copy. Most
    /// NDJSON files give every record the same keys, and decoding them was a fifth of reading.
    private func parseMembers(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> Bool {
        let buffer = current
        let sink = RecordBufferSink(buffer: buffer)
        let layoutCount = buffer.layoutKeyCount
        var same = true
        var fieldIndex = 0
        while true {
            guard !scanner.atEnd, scanner.peek == 0x22 else { throw scanner.error("expected a string key") }
            let key: Range<Int>
            if fieldIndex < layoutCount,
                let known = buffer.layoutKey(
                    fieldIndex, matching: scanner.base + scanner.position + 1,
                    available: scanner.end - scanner.position - 1)
            {
                key = known
                scanner.position += known.count + 2
            } else {
                key = try scanner.decodeString(into: sink)
                if same { same = fieldIndex < layoutCount && buffer.isLayoutKey(fieldIndex, key) }
            }
            fieldIndex += 1
            scanner.skipWhitespace()
            try scanner.expect(UInt8(ascii: ":"), "':' after the key")
            scanner.skipWhitespace()
            guard !scanner.atEnd else { throw scanner.error("unexpected end of line, expected a value") }
            let valueStart = scanner.position
            let kind: FieldKind
            switch scanner.peek {
            case 0x22:
                let value = try scanner.decodeString(into: sink)
                buffer.endField(key: key, value: value, kind: .string)
                kind = .string
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                kind = scanner.peek == UInt8(ascii: "{") ? .object : .array
                try scanner.skipValue()
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                kind = try scanner.skipLiteral() == nil ? .null : .bool
            default:
                try scanner.skipNumber()
                kind = .number
            }
            if kind != .string {
                // Literals, numbers and nested values keep their JSON text; null keeps none.
                let start = buffer.byteCount
                if kind != .null {
                    buffer.append(scanner.base + valueStart, count: scanner.position - valueStart)
                }
                buffer.endField(key: key, value: start..<buffer.byteCount, kind: kind)
            }
            scanner.skipWhitespace()
            guard !scanner.atEnd else { throw scanner.error("unexpected end of line, expected ',' or '}'") }
            let byte = scanner.peek
            scanner.position += 1
            if byte == UInt8(ascii: "}") { return same && fieldIndex == layoutCount }
            guard byte == UInt8(ascii: ",") else {
                scanner.position -= 1
                throw scanner.error("expected ',' or '}'")
            }
            scanner.skipWhitespace()
        }
    }

    private func isBlank(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for index in 0..<count {
            let byte = base[index]
            if byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        }
        return true
    }

    /// Finds the next line in the input: its start offset in the buffer, length (without the LF), and whether it
    /// was longer than the limit (then its bytes were skipped). Nil at the end of the input.
    private func nextLine() -> (Int, Int, Bool)? {
        input.shrink(to: options.bufferSize)
        var scanned = 0
        var skipped = false
        while true {
            let base = input.bytes + input.start
            if let found = memchr(base + scanned, 0x0A, input.available - scanned) {
                let length = UnsafeMutablePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                let start = input.start
                input.start += length + 1
                return skipped || length > options.maxRecordBytes ? (start, 0, true) : (start, length, false)
            }
            scanned = input.available
            if scanned > options.maxRecordBytes {
                // Too long to keep: drop what we have and look for the end of the line in what follows.
                skipped = true
                input.start = input.start + input.available
                scanned = 0
            }
            if input.start + input.available == input.capacity && input.start == 0 {
                input.grow()
            }
            if !input.refill() {
                if input.failure != nil { return nil }
                let length = input.available
                if length == 0 && !skipped { return nil }
                let start = input.start
                input.start += length
                return skipped || length > options.maxRecordBytes ? (start, 0, true) : (start, length, false)
            }
        }
    }
}
