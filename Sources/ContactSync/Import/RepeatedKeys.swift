import ContactIO
import ContactMapping
import JSONText

/// Keys that occur on more than one row of a file, and which fields the later rows of each one set.
///
/// Rows with the same key are merged in file order: a later row's fields win. Applying them one by one gives that
/// result on the first import, but a re-import would then write the earlier row's values back and the later row's
/// again, every night. So each row leaves out the fields that a later row of its key sets: the contact ends up the
/// same, and a re-import finds nothing to change. This needs a look at the whole file first (two fast passes that
/// keep one integer per row, then a few bytes per repeated key); an input that cannot be read twice (stdin) is
/// applied row by row instead.
struct RepeatedKeys {
    /// One of a repeated key's rows: the fields set by the rows after it (bits by mapping rule), and the row's
    /// source fingerprint (to know it again in the import's pass).
    private struct Slot {
        var later: UInt64
        var fingerprint: UInt64
    }

    /// Where a repeated key's rows are in `slots`: its first slot, its number of rows, and the next row to come.
    private struct Group {
        var start: Int32
        var count: Int32
        var next: Int32 = 0
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

    /// The hashes of the keys seen more than once, sorted, with a directory to find one in a few steps; each
    /// key's group at the same index. Arrays, not a dictionary: a quarter of a million repeated keys took 10 MB in a
    /// dictionary for the whole run, and 5 MB so.
    private var keys: [Int] = []
    private var directory: SortedKeyDirectory?
    private var groups: [Group] = []
    private var slots: [Slot] = []
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

    /// Scans `open()`'s input twice: once for every row's key alone (cheap: one rule), once to check the rows of the
    /// keys seen more than once. Only valid rows count: a rejected row neither repeats a key nor trims another row.
    /// With `split`, a second thread reads the part of each pass after the cut (see ``InputSplit``).
    init(
        scanning open: () throws -> OpenedInput, mapper: ContactMapper, fields: FieldBits,
        split: ((OpenedInput) -> InputSplit?)? = nil
    ) throws {
        self.fields = fields
        let first = try open()
        let cut = split?(first)
        let (keys, starts, slotCount) = Self.repeatedKeys(try Self.keyHashes(first.reader, cut: cut, mapper: mapper))
        guard !keys.isEmpty else {
            repeatedRows = 0
            return
        }
        let directory = SortedKeyDirectory(keys)
        var groups = starts.map { Group(start: $0, count: 0) }
        let second = try open()
        var rows = try Self.rowsOfRepeatedKeys(
            second.reader, cut: cut == nil ? nil : split?(second), mapper: mapper, keys: keys, directory: directory,
            groups: &groups, slotCount: slotCount)
        repeatedRows = Self.fold(&groups, &rows, fields: fields)
        self.keys = keys
        self.directory = directory
        self.groups = groups
        slots = rows
    }

    /// A mapper for a second thread: its own plans, so that no reference count is shared by both threads.
    private static func ownMapper(_ mapping: MappingFile, _ reader: RecordReader) throws -> ContactMapper {
        try ContactMapper(mapping: mapping, header: reader.columns)
    }

    /// The first pass: the hash of every valid row's key, sorted.
    private static func keyHashes(_ reader: RecordReader, cut: InputSplit?, mapper: ContactMapper) throws -> [Int] {
        let mapping = mapper.mapping
        var hashes: [Int] = []
        try scan(reader, cut: cut) { reader, control -> [Int]? in
            let mapper = try ownMapper(mapping, reader)
            var hashes: [Int] = []
            while let result = try reader.next() {
                if hashes.count & 0xFFF == 0 && control.isCancelled { return nil }
                if case .record = result, let hash = mapper.matchKeyHash(reader.current) { hashes.append(hash) }
            }
            return hashes
        } each: { result, reader in
            if case .record = result, let hash = mapper.matchKeyHash(reader.current) { hashes.append(hash) }
        } adopt: { rest in
            hashes.reserveCapacity(hashes.count + rest.count)
            hashes += rest
        }
        hashes.sort()
        return hashes
    }

    /// The keys seen more than once in the sorted `hashes`, in order, each with where its room starts in the slots
    /// (room for all its rows: the second pass fills it with the valid ones, in file order; no table of rows to
    /// sort, a tenth of the memory it took with 600,000 rows), and the number of slots.
    private static func repeatedKeys(_ hashes: [Int]) -> (keys: [Int], starts: [Int32], slots: Int) {
        var keys: [Int] = []
        var starts: [Int32] = []
        var slotCount = 0
        var index = 0
        while index < hashes.count {
            var end = index + 1
            while end < hashes.count && hashes[end] == hashes[index] { end += 1 }
            if end - index > 1 && slotCount + (end - index) < Int(Int32.max) {
                keys.append(hashes[index])
                starts.append(Int32(slotCount))
                slotCount += end - index
            }
            index = end
        }
        return (keys, starts, slotCount)
    }

    /// The second pass: the fields and source fingerprint of every valid row of a repeated key, in its group's
    /// slots in file order.
    private static func rowsOfRepeatedKeys(
        _ reader: RecordReader, cut: InputSplit?, mapper: ContactMapper, keys: [Int], directory: SortedKeyDirectory,
        groups: inout [Group], slotCount: Int
    ) throws -> [Slot] {
        let mapping = mapper.mapping
        var rows = [Slot](repeating: Slot(later: 0, fingerprint: 0), count: slotCount)
        func fill(_ index: Int, _ slot: Slot) {
            rows[Int(groups[index].start + groups[index].count)] = slot
            groups[index].count += 1
        }
        try scan(reader, cut: cut) { reader, control -> [(key: Int, slot: Slot)]? in
            let mapper = try ownMapper(mapping, reader)
            var found: [(key: Int, slot: Slot)] = []
            var rows = 0
            while let result = try reader.next() {
                rows += 1
                if rows & 0xFFF == 0 && control.isCancelled { return nil }
                let record = reader.current
                guard case .record = result, let hash = mapper.matchKeyHash(record),
                    let index = directory.index(of: hash, in: keys), let valid = mapper.keyAndFields(record)
                else { continue }
                found.append((index, Slot(later: valid.fields, fingerprint: mapper.sourceFingerprint(record))))
            }
            return found
        } each: { result, reader in
            let record = reader.current
            guard case .record = result, let hash = mapper.matchKeyHash(record),
                let index = directory.index(of: hash, in: keys), let valid = mapper.keyAndFields(record)
            else { return }
            fill(index, Slot(later: valid.fields, fingerprint: mapper.sourceFingerprint(record)))
        } adopt: { (rest: [(key: Int, slot: Slot)]) in
            for entry in rest { fill(entry.key, entry.slot) }
        }
        return rows
    }

    /// Makes each row's fields the union of what the rows after it set, and empties the groups of keys with fewer
    /// than two valid rows (they do not repeat); returns the number of rows whose key an earlier row had.
    private static func fold(_ groups: inout [Group], _ rows: inout [Slot], fields: FieldBits) -> Int {
        var repeatedCount = 0
        for index in groups.indices {
            let group = groups[index]
            guard group.count > 1 else {
                groups[index].count = 0
                continue
            }
            repeatedCount += Int(group.count) - 1
            var union: UInt64 = 0
            for slot in stride(from: Int(group.start + group.count) - 1, through: Int(group.start), by: -1) {
                let own = rows[slot].later
                rows[slot].later = fields.usable ? union : 0
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
        var group = groups[index]
        guard group.next < group.count else { return nil }
        let slot = slots[Int(group.start + group.next)]
        guard slot.fingerprint == fingerprint else { return nil }
        let hadEarlier = group.next > 0
        group.next += 1
        groups[index] = group
        let hasLater = group.next < group.count
        return Position(later: slot.later, hasLater: hasLater, hadEarlier: hadEarlier, ordinal: Int(group.next) - 1)
    }

    /// The contact without the fields that later rows of its key set (their values would be overwritten).
    func trim(_ contact: MappedContact, leaving bits: UInt64, match: MappingFile.MatchKey) -> MappedContact {
        guard bits != 0 else { return contact }
        var trimmed = contact
        trimmed.payload = fields.removing(bits, from: contact.payload, keeping: ["role", match.rawValue])
        return trimmed
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

    /// Where `key` is in `keys` (the sorted keys the directory was made of), or nil.
    func index(of key: Int, in keys: [Int]) -> Int? {
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
