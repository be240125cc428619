import ContactIO
import ContactMapping

/// Keys that occur on more than one row of a file, and which fields the later rows of each one set.
///
/// Rows with the same key are merged in file order: a later row's fields win. Applying them one by one gives that
/// result on the first import, but a re-import would then write the earlier row's values back and the later row's
/// again, every night. So each row leaves out the fields that a later row of its key sets: the contact ends up the
/// same, and a re-import finds nothing to change. This needs a look at the whole file first (two fast passes that
/// keep one integer per row, then a few bytes per repeated key); an input that cannot be read twice (stdin) is
/// applied row by row instead.
struct RepeatedKeys {
    /// Where a repeated key's rows are in `later`: its first slot, its number of rows, and the next row to come.
    /// 12 bytes a key and one flat array for all rows: a table per key took twice the memory.
    private struct Group {
        var start: Int32
        var count: Int32
        var next: Int32 = 0
    }

    private var groups: [Int: Group] = [:]
    /// For each repeated key's n-th row (at `start + n`): the fields set by the rows after it (bits by mapping rule).
    private var later: [UInt64] = []
    private let fields: FieldBits
    /// Rows whose key an earlier row already had.
    let repeatedRows: Int

    /// An empty table: every row is applied as it is.
    init(fields: FieldBits) {
        self.fields = fields
        repeatedRows = 0
    }

    /// Scans `open()`'s input twice: once for every row's key, once for the fields of the repeated keys' rows.
    init(scanning open: () throws -> OpenedInput, mapper: ContactMapper, fields: FieldBits) throws {
        self.fields = fields
        var hashes: [Int] = []
        let first = try open()
        while let result = try first.reader.next() {
            if case .record = result, case .valid(let hash) = mapper.check(first.reader.current) {
                hashes.append(hash)
            }
        }
        hashes.sort()
        var slots = 0
        var repeatedCount = 0
        var index = 0
        while index < hashes.count {
            var end = index + 1
            while end < hashes.count && hashes[end] == hashes[index] { end += 1 }
            if end - index > 1 {
                groups[hashes[index]] = Group(start: Int32(slots), count: Int32(end - index))
                slots += end - index
                repeatedCount += end - index - 1
            }
            index = end
        }
        hashes = []
        repeatedRows = repeatedCount
        guard !groups.isEmpty, fields.usable, slots < Int(Int32.max) else {
            groups = [:]
            return
        }
        later = [UInt64](repeating: 0, count: slots)
        let second = try open()
        while let result = try second.reader.next() {
            guard case .record = result, case .valid(let hash) = mapper.check(second.reader.current),
                let group = groups[hash], case .contact(let contact) = mapper.map(second.reader.current)
            else { continue }
            later[Int(group.start + group.next)] = fields.bits(of: contact.payload)
            groups[hash]!.next += 1
        }
        // Each row's fields become the union of what the rows after it set; then rewind for the import.
        var position = groups.values.startIndex
        while position != groups.values.endIndex {
            let group = groups.values[position]
            var union: UInt64 = 0
            for slot in stride(from: Int(group.start + group.count) - 1, through: Int(group.start), by: -1) {
                let own = later[slot]
                later[slot] = union
                union |= own
            }
            groups.values[position].next = 0
            groups.values.formIndex(after: &position)
        }
    }

    /// The row's contact without the fields that later rows of its key set (their values would be overwritten),
    /// whether later rows of the key follow, and whether an earlier row had the key.
    mutating func trim(_ contact: MappedContact, match: MappingFile.MatchKey) -> (
        MappedContact, hasLater: Bool, hadEarlier: Bool
    ) {
        guard !groups.isEmpty else { return (contact, false, false) }
        let hash = ContactMapper.keyHash(contact.matchKey)
        guard var group = groups[hash], group.next < group.count else { return (contact, false, false) }
        let bits = later[Int(group.start + group.next)]
        let hadEarlier = group.next > 0
        group.next += 1
        let hasLater = group.next < group.count
        if hasLater { groups[hash] = group } else { groups[hash] = nil }
        guard bits != 0 else { return (contact, hasLater, hadEarlier) }
        var trimmed = contact
        trimmed.payload = fields.removing(bits, from: contact.payload, keeping: ["role", match.rawValue])
        return (trimmed, hasLater, hadEarlier)
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
        for (index, rule) in mapping.rules.enumerated() where index < 64 {
            if rule.isCustomAttribute { custom[rule.name] = index } else { standard[rule.name] = index }
        }
        self.standard = standard
        self.custom = custom
        usable = mapping.rules.count <= 64
    }

    /// The fields present in `payload` (a null that clears a field counts: it is set).
    func bits(of payload: JSONObject) -> UInt64 {
        var bits: UInt64 = 0
        for member in payload.members {
            if member.key == "custom_attributes", case .object(let attributes) = member.value {
                for attribute in attributes.members {
                    if let index = custom[attribute.key] { bits |= 1 << UInt64(index) }
                }
            } else if let index = standard[member.key] {
                bits |= 1 << UInt64(index)
            }
        }
        return bits
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
