import ContactIO
import ContactMapping
import JSONText

/// Keys that occur on more than one row of a file, and which fields the later rows of each one set.
///
/// Rows with the same key are merged in file order: a later row's fields win. Applying them one by one gives that
/// result on the first import, but a re-import would then write the earlier row's values back and the later row's
/// again, every night. So each row leaves out the fields that a later row of its key sets: the contact ends up the
/// same, and a re-import finds nothing to change. This needs a look at the whole file first, in three fast passes
/// that keep little memory (ten million rows in about the memory `validate` needs): every key once, in a
/// ``KeyTable`` that marks those met again; then the number of valid rows of each repeated key; then 8 bytes for each
/// of those rows. An input that cannot be read again (stdin) is applied row by row instead, and so is one that
/// changed between the passes.
struct RepeatedKeys {
    /// One of a repeated key's rows: the fields set by the rows after it (bits by mapping rule, as an index into
    /// ``patterns``: few sets of fields occur, and 4 bytes a row instead of 8 keep ten million rows in budget), and
    /// the low half of the row's source fingerprint (to know it again in the import's pass).
    private struct Slot {
        var later: UInt32
        var fingerprint: UInt32
    }

    /// What the table knows about one row of a repeated key.
    struct Position {
        /// The fields that later rows of the key set (to leave out of this row).
        var later: UInt64
        var hasLater: Bool
        var hadEarlier: Bool
        /// The row's place among its key's valid rows (0 for the first).
        var ordinal: Int
    }

    /// The keys seen more than once (``KeyTable/identity(_:)``), sorted, with a directory to find one in a few
    /// steps; key `i`'s rows are the slots `starts[i]..<starts[i + 1]`, and `next[i]` is its next row to come.
    private var keys: [Int] = []
    private var directory: SortedKeyDirectory?
    private var starts: [Int32] = []
    private var next: [Int32] = []
    private var slots: [Slot] = []
    /// The sets of fields that occur (``Slot/later``).
    private var patterns = FieldPatterns()
    private let fields: FieldBits
    /// Rows whose key an earlier valid row already had.
    let repeatedRows: Int

    /// An empty table: every row is applied as it is.
    init(fields: FieldBits) {
        self.fields = fields
        repeatedRows = 0
    }

    /// True when no key repeats (or the input was not scanned): then ``position(keyHash:fingerprint:)`` is never
    /// needed.
    var isEmpty: Bool { keys.isEmpty }

    /// Scans `open()`'s input three times: for every row's key alone (cheap: one rule), for the number of valid rows
    /// of each key met more than once, and for those rows' fields. Only valid rows count: a rejected row neither
    /// repeats a key nor trims another row. With `split`, a second thread reads the part of the first two passes
    /// after the cut (see ``InputSplit``).
    init(
        scanning open: () throws -> OpenedInput, mapper: ContactMapper, fields: FieldBits,
        split: ((OpenedInput) -> InputSplit?)? = nil
    ) throws {
        self.fields = fields
        let first = try open()
        let cut = split?(first)
        let keys = try Self.repeatedKeys(first.reader, cut: cut, mapper: mapper)
        guard !keys.isEmpty else {
            repeatedRows = 0
            return
        }
        let directory = SortedKeyDirectory(keys)
        let second = try open()
        let counts = try Self.countRows(
            second.reader, cut: cut == nil ? nil : split?(second), mapper: mapper, keys: keys, directory: directory)
        var starts = [Int32](repeating: 0, count: keys.count + 1)
        var total = 0
        for index in keys.indices {
            starts[index] = Int32(total)
            total += Int(counts[index])
        }
        starts[keys.count] = Int32(total)
        var patterns = FieldPatterns()
        guard total < Int(Int32.max),
            var (slots, next) = try Self.rowsOfRepeatedKeys(
                try open().reader, mapper: mapper, keys: keys, directory: directory, starts: starts,
                patterns: &patterns)
        else {
            // The file changed between the passes: its rows are applied as they are.
            repeatedRows = 0
            return
        }
        repeatedRows = Self.fold(starts, &slots, &patterns, fields: fields)
        for index in next.indices { next[index] = starts[index] }
        self.keys = keys
        self.directory = directory
        self.starts = starts
        self.next = next
        self.slots = slots
        self.patterns = patterns
    }

    /// A mapper for a second thread: its own plans, so that no reference count is shared by both threads.
    private static func ownMapper(_ mapping: MappingFile, _ reader: RecordReader) throws -> ContactMapper {
        try ContactMapper(mapping: mapping, header: reader.columns)
    }

    /// The first pass: the keys met on more than one row, sorted. Every key goes once into a table that marks those
    /// met again (about 12 bytes a key, where a sorted list of every row's key was 8 bytes a row and twice that
    /// while two threads' lists were joined); the second thread's table is looked at for the keys in both halves.
    private static func repeatedKeys(_ reader: RecordReader, cut: InputSplit?, mapper: ContactMapper) throws -> [Int] {
        let mapping = mapper.mapping
        let table = KeyTable()
        var part: KeyTable?
        try scan(reader, cut: cut) { reader, control -> KeyTable? in
            let mapper = try ownMapper(mapping, reader)
            let table = KeyTable()
            var rows = 0
            while let result = try reader.next() {
                rows += 1
                if rows & 0xFFF == 0 && control.isCancelled { return nil }
                if case .record = result, let hash = mapper.matchKeyHash(reader.current) { table.insertOrMark(hash) }
            }
            return table
        } each: { result, reader in
            if case .record = result, let hash = mapper.matchKeyHash(reader.current) { table.insertOrMark(hash) }
        } adopt: {
            part = $0
        }
        var keys: [Int] = []
        part?.forEachKey(shards: 0..<KeyTable.shardCount) { key, marked in
            if marked || table.contains(key) { keys.append(key) }
        }
        part = nil
        table.forEachKey(shards: 0..<KeyTable.shardCount) { key, marked in
            if marked { keys.append(key) }
        }
        keys.sort()
        // A key marked in both halves is in the list twice.
        var kept = 0
        for index in keys.indices where index == 0 || keys[index] != keys[kept - 1] {
            keys[kept] = keys[index]
            kept += 1
        }
        keys.removeLast(keys.count - kept)
        return keys
    }

    /// The second pass: the number of valid rows of each repeated key.
    private static func countRows(
        _ reader: RecordReader, cut: InputSplit?, mapper: ContactMapper, keys: [Int], directory: SortedKeyDirectory
    ) throws -> [Int32] {
        let mapping = mapper.mapping
        var counts = [Int32](repeating: 0, count: keys.count)
        try scan(reader, cut: cut) { reader, control -> [Int32]? in
            let mapper = try ownMapper(mapping, reader)
            var counts = [Int32](repeating: 0, count: keys.count)
            var rows = 0
            while let result = try reader.next() {
                rows += 1
                if rows & 0xFFF == 0 && control.isCancelled { return nil }
                let record = reader.current
                guard case .record = result, let index = directory.index(ofKeyOf: record, mapper, in: keys),
                    mapper.keyAndFields(record) != nil
                else { continue }
                counts[index] += 1
            }
            return counts
        } each: { result, reader in
            let record = reader.current
            guard case .record = result, let index = directory.index(ofKeyOf: record, mapper, in: keys),
                mapper.keyAndFields(record) != nil
            else { return }
            counts[index] += 1
        } adopt: { rest in
            for index in counts.indices { counts[index] += rest[index] }
        }
        return counts
    }

    /// The third pass, in order on one thread (each row goes to its key's next slot): the fields and fingerprint of
    /// every valid row of a repeated key; and where each key's rows end. Nil when the rows are not those counted.
    private static func rowsOfRepeatedKeys(
        _ reader: RecordReader, mapper: ContactMapper, keys: [Int], directory: SortedKeyDirectory, starts: [Int32],
        patterns: inout FieldPatterns
    ) throws -> (slots: [Slot], next: [Int32])? {
        var slots = [Slot](repeating: Slot(later: 0, fingerprint: 0), count: Int(starts[keys.count]))
        var next = Array(starts.dropLast())
        while let result = try reader.next() {
            let record = reader.current
            guard case .record = result, let index = directory.index(ofKeyOf: record, mapper, in: keys),
                let valid = mapper.keyAndFields(record)
            else { continue }
            guard next[index] < starts[index + 1] else { return nil }
            slots[Int(next[index])] = Slot(
                later: patterns.index(of: valid.fields),
                fingerprint: UInt32(truncatingIfNeeded: mapper.sourceFingerprint(record)))
            next[index] += 1
        }
        for index in next.indices where next[index] != starts[index + 1] { return nil }
        return (slots, next)
    }

    /// Makes each row's fields the union of what the rows after it set; returns the number of rows whose key an
    /// earlier row had.
    private static func fold(
        _ starts: [Int32], _ slots: inout [Slot], _ patterns: inout FieldPatterns, fields: FieldBits
    ) -> Int {
        var repeatedCount = 0
        for index in 0..<(starts.count - 1) {
            let (start, end) = (Int(starts[index]), Int(starts[index + 1]))
            guard end - start > 1 else { continue }
            repeatedCount += end - start - 1
            var union: UInt64 = 0
            for slot in stride(from: end - 1, through: start, by: -1) {
                let own = patterns.bits[Int(slots[slot].later)]
                slots[slot].later = patterns.index(of: fields.usable ? union : 0)
                union |= own
            }
        }
        return repeatedCount
    }

    /// One pass over a file: `each` for every row in order, or, with a cut, `each` for the rows before it while
    /// `rest` reads the rows after it on a second thread, whose value `adopt` takes (in file order, after the rows
    /// before the cut). When the cut was not between two records, or the second thread gave up, `each` reads on.
    private static func scan<Value>(
        _ reader: RecordReader, cut: InputSplit?,
        rest: @escaping @Sendable (RecordReader, RestPass<Value>.Control) throws -> Value?,
        each: (ReadResult, RecordReader) throws -> Void, adopt: (Value) -> Void
    ) throws {
        guard let cut else {
            try InputSplit.readToEnd(reader) { try each($0, reader) }
            return
        }
        let pass = RestPass(cut, body: rest)
        defer {
            pass.cancel()
            _ = pass.wait()
        }
        guard case .cut = try cut.readBeforeCut(reader, { try each($0, reader) }) else { return }
        if let value = pass.wait() {
            adopt(value)
        } else {
            try InputSplit.readToEnd(reader) { try each($0, reader) }
        }
    }

    /// Where this row stands among its key's rows, or nil when its key does not repeat (or the row is not one of
    /// the key's valid rows). Call it once for every row, in file order.
    mutating func position(keyHash: Int, fingerprint: UInt64) -> Position? {
        guard let index = directory?.index(of: keyHash, in: keys) else { return nil }
        let (start, end) = (starts[index], starts[index + 1])
        // A key with one valid row does not repeat.
        guard end - start > 1, next[index] < end else { return nil }
        let slot = slots[Int(next[index])]
        guard slot.fingerprint == UInt32(truncatingIfNeeded: fingerprint) else { return nil }
        let hadEarlier = next[index] > start
        next[index] += 1
        return Position(
            later: patterns.bits[Int(slot.later)], hasLater: next[index] < end, hadEarlier: hadEarlier,
            ordinal: Int(next[index] - start) - 1)
    }

    /// The contact without the fields that later rows of its key set (their values would be overwritten).
    func trim(_ contact: MappedContact, leaving bits: UInt64, match: MappingFile.MatchKey) -> MappedContact {
        guard bits != 0 else { return contact }
        var trimmed = contact
        trimmed.payload = fields.removing(bits, from: contact.payload, keeping: ["role", match.rawValue])
        return trimmed
    }
}

/// The sets of fields that rows set, each once, by number: a row's set in 4 bytes.
private struct FieldPatterns {
    private(set) var bits: [UInt64] = []
    private var numbers: [UInt64: UInt32] = [:]

    mutating func index(of pattern: UInt64) -> UInt32 {
        if let number = numbers[pattern] { return number }
        let number = UInt32(bits.count)
        bits.append(pattern)
        numbers[pattern] = number
        return number
    }
}

/// Where each value of the top 16 bits starts in a sorted array of key hashes, to find a key in a few steps.
private struct SortedKeyDirectory {
    private var starts: [Int32]

    init(_ keys: [Int]) {
        starts = [Int32](repeating: 0, count: (1 << 16) + 1)
        var index = 0
        for bucket in 0...(1 << 16) {
            while index < keys.count && Self.bucket(keys[index]) < bucket { index += 1 }
            starts[bucket] = Int32(index)
        }
    }

    /// The top 16 bits in the order of signed integers.
    private static func bucket(_ key: Int) -> Int {
        Int((UInt64(bitPattern: Int64(key)) ^ (1 << 63)) >> 48)
    }

    /// Where the key of `record` is in `keys`, or nil (it has none, or not one of them).
    func index(ofKeyOf record: RecordBuffer, _ mapper: ContactMapper, in keys: [Int]) -> Int? {
        mapper.matchKeyHash(record).flatMap { index(of: $0, in: keys) }
    }

    /// Where the key of hash `hash` (its ``KeyTable/identity(_:)``) is in `keys` (the sorted keys the directory was
    /// made of), or nil.
    func index(of hash: Int, in keys: [Int]) -> Int? {
        let key = KeyTable.identity(hash)
        let bucket = Self.bucket(key)
        // A binary search in the key's bucket: a few keys there, unless a file has tens of millions.
        var low = Int(starts[bucket])
        var high = Int(starts[bucket + 1])
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low < Int(starts[bucket + 1]) && keys[low] == key ? low : nil
    }
}

/// A bit for each field a mapping fills (standard fields and custom attributes), to describe a payload in 8 bytes.
struct FieldBits: Sendable {
    private let standard: [String: Int]
    private let custom: [String: Int]
    /// False when the mapping has more than 64 fields (then nothing is trimmed).
    let usable: Bool

    init(_ mapping: MappingFile) {
        var standard: [String: Int] = [:]
        var custom: [String: Int] = [:]
        for (index, rule) in mapping.rules.enumerated() where index < 64 && rule.target == .contact {
            if rule.isCustomAttribute { custom[rule.name] = index } else { standard[rule.name] = index }
        }
        self.standard = standard
        self.custom = custom
        usable = mapping.rules.count <= 64
    }

    /// `payload` without the fields in `bits`, except the members named in `keeping` (a create needs them).
    func removing(_ bits: UInt64, from payload: JSONObject, keeping: Set<String>) -> JSONObject {
        func set(_ index: Int?) -> Bool { index.map { bits & (1 << UInt64($0)) != 0 } ?? false }
        var result = JSONObject()
        for member in payload.members {
            if member.key == "custom_attributes", case .object(let attributes) = member.value {
                let kept = attributes.members.filter { !set(custom[$0.key]) }
                if !kept.isEmpty {
                    result.members.append(JSONObject.Member(key: member.key, value: .object(JSONObject(kept))))
                }
            } else if keeping.contains(member.key) || !set(standard[member.key]) {
                result.members.append(member)
            }
        }
        return result
    }
}
