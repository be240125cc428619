import ContactIO

/// Checks an NDJSON mapping against the keys its records have, as a CSV mapping is checked against the header.
///
/// NDJSON has no header: a record without a key is a record whose field is empty, so a mistyped key (`emial`) or a
/// path not spelled as the file nests it (`plan` for `user_fields.plan`) used to validate as empty values and import
/// contacts without the field. A key (or dotted path) that no record of the file has is such a mistake. The check
/// follows the records as they are read: it is done as soon as every mapped key has been seen (usually at the first
/// record), and it keeps the keys of the first records to suggest the one that was meant.
public struct NDJSONKeyCheck: Sendable {
    private struct Wanted: Sendable {
        var name: String
        var line: Int?
        /// How the mapper finds it in a record (a key, or a dotted path).
        var reference: ContactMapper.ColumnReference
    }

    /// Mapped keys no record has had so far.
    private var missing: [Wanted]
    /// Keys and dotted paths of the first records, for "did you mean".
    private var seen: Set<String> = []
    private var sampled = 0
    private static let sampledRecords = 1_000
    private static let maxSeen = 5_000

    public init(mapping: MappingFile) {
        var names = Set<String>()
        missing = mapping.columns.compactMap { name, line in
            guard names.insert(name).inserted else { return nil }
            return Wanted(name: name, line: line, reference: .named(name))
        }
    }

    /// True once every mapped key has been seen in a record.
    public var isComplete: Bool { missing.isEmpty }

    /// Notes the keys of `record` (an NDJSON record).
    public mutating func note(_ record: RecordBuffer) {
        if sampled < Self.sampledRecords && seen.count < Self.maxSeen {
            sampled += 1
            for index in 0..<record.fieldCount {
                let key = record.key(index)
                seen.insert(key)
                guard record.kind(index) == .object else { continue }
                // One level down, where exports put their custom fields (`user_fields.plan`, `custom_attributes.x`).
                RecordBuffer.forEachMember(of: record.valueBytes(index)) { name, _, _ in
                    seen.insert(key + "." + name)
                }
            }
        }
        guard !missing.isEmpty else { return }
        missing.removeAll { ContactMapper.hasCell($0.reference, in: record) }
    }

    /// Adds what `other` saw (in another part of the same file).
    public mutating func merge(_ other: NDJSONKeyCheck) {
        let stillMissing = Set(other.missing.map(\.name))
        missing.removeAll { !stillMissing.contains($0.name) }
        if seen.count < Self.maxSeen { seen.formUnion(other.seen.prefix(Self.maxSeen - seen.count)) }
    }

    /// One error for each mapped key that no record had, naming the mapping's line, with the key that was probably
    /// meant; empty when every key was seen.
    /// - Parameters:
    ///   - mappingPath: the mapping file, for the errors.
    ///   - input: the input's name, for the message.
    public func problems(mappingPath: String, input: String) -> [MappingError] {
        missing.map { wanted in
            let kind = if case .path = wanted.reference { "key or path" } else { "key" }
            let hint = suggestion(for: wanted.name).map { " (did you mean '\($0)'?)" } ?? ""
            return MappingError(
                file: mappingPath, line: wanted.line,
                message: "\(kind) '\(wanted.name)' is in no record of \(input)\(hint)")
        }
    }

    /// The seen key most likely meant by `name`: the same but for case, the same last part of a path (`plan` for
    /// `user_fields.plan`), or the nearest by edit distance (at most 2, or a third of the name).
    func suggestion(for name: String) -> String? {
        let lowered = name.lowercased()
        let candidates = seen.sorted()
        if let same = candidates.first(where: { $0.lowercased() == lowered }) { return same }
        let last = lowered.split(separator: ".").last.map(String.init) ?? lowered
        if let nested = candidates.first(where: {
            ($0.lowercased().split(separator: ".").last.map(String.init) ?? "") == last
        }) {
            return nested
        }
        let limit = max(2, name.count / 3)
        let scored = candidates.map { ($0, Self.distance(lowered, $0.lowercased())) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance between two short strings.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Reads the NDJSON file at `path` until every key of `mapping` has been seen (usually one record), or to its
    /// end; throws the first problem (its message lists the others) when some key is in no record.
    public static func verify(_ mapping: MappingFile, path: String, options: ReaderOptions = ReaderOptions()) throws {
        let input = try InputOpener.open(path, options: options)
        guard input.reader.columns == nil else { return }
        var check = NDJSONKeyCheck(mapping: mapping)
        while !check.isComplete, let result = try input.reader.next() {
            if case .record = result { check.note(input.reader.current) }
        }
        try check.throwProblems(mappingPath: mapping.path, input: input.name)
    }

    /// The most of standard input held in memory to check its keys before an import sends anything.
    public static let standardInputLookahead = 64 << 20

    /// Opens standard input for an import whose NDJSON records must first show every key of `mapping`: reads ahead
    /// (keeping what it read, at most ``standardInputLookahead`` bytes) until every key has been seen, then returns
    /// the input read again from its first byte. A CSV stream is returned at once (its header is checked by the
    /// mapper).
    /// - Throws: a ``MappingError`` when the stream ends, or the look ahead is full, before some key was seen.
    public static func verifyStandardInput(_ mapping: MappingFile, options: ReaderOptions = ReaderOptions()) throws
        -> OpenedInput
    {
        let stdin = try FileByteSource(path: "-")
        return try verifyStream(mapping, source: stdin, name: stdin.name, options: options)
    }

    /// ``verifyStandardInput(_:options:)`` for any stream.
    public static func verifyStream(
        _ mapping: MappingFile, source: ByteSource, name: String, options: ReaderOptions = ReaderOptions(),
        lookahead: Int = standardInputLookahead
    ) throws -> OpenedInput {
        let recording = RecordingByteSource(source, limit: lookahead)
        let ahead = try InputOpener.open(source: recording, name: name, options: options)
        if ahead.reader.columns == nil {
            var check = NDJSONKeyCheck(mapping: mapping)
            // A read failure at the limit is the look ahead's end, not the stream's: the import reads on from there.
            while !check.isComplete, let result = try? ahead.reader.next() {
                if case .record = result { check.note(ahead.reader.current) }
            }
            if !check.isComplete && recording.overflowed {
                var error = MappingError(
                    file: mapping.path, line: nil,
                    message: "the first \(lookahead) bytes of \(name) have no record with ")
                error.message +=
                    check.missing.map { "'\($0.name)'" }.joined(separator: ", ")
                    + ", and a key could be mistyped: nothing was sent. Import the file by its path (it is read to the "
                    + "end before any call), or run validate on it first"
                throw error
            }
            try check.throwProblems(mappingPath: mapping.path, input: name)
        }
        return try InputOpener.open(source: recording.replay(), name: name, options: options)
    }

    /// Throws the first of ``problems(mappingPath:input:)``, with the others in its message.
    public func throwProblems(mappingPath: String, input: String) throws(MappingError) {
        let all = problems(mappingPath: mappingPath, input: input)
        guard var first = all.first else { return }
        for other in all.dropFirst() {
            first.message += "; line \(other.line.map(String.init) ?? "?"): \(other.message)"
        }
        throw first
    }
}
