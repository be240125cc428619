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
    private struct Group {
        /// For the n-th row of the key: the fields set by the rows after it (bits by mapping rule).
        var later: [UInt64]
        var next = 0
    }

    private var groups: [Int: Group] = [:]
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
        var repeated = Set<Int>()
        var count = 0
        for index in hashes.indices.dropFirst() where hashes[index] == hashes[index - 1] {
            repeated.insert(hashes[index])
            count += 1
        }
        hashes = []
        repeatedRows = count
        guard !repeated.isEmpty, fields.usable else { return }
        var sets: [Int: [UInt64]] = [:]
        let second = try open()
        while let result = try second.reader.next() {
            guard case .record = result, case .valid(let hash) = mapper.check(second.reader.current),
                repeated.contains(hash), case .contact(let contact) = mapper.map(second.reader.current)
            else { continue }
            sets[hash, default: []].append(fields.bits(of: contact.payload))
        }
        for (hash, rows) in sets {
            // Suffix unions: what the rows after each one set.
            var later = [UInt64](repeating: 0, count: rows.count)
            var union: UInt64 = 0
            for index in rows.indices.reversed() {
                later[index] = union
                union |= rows[index]
            }
            groups[hash] = Group(later: later)
        }
    }

    /// The row's contact without the fields that later rows of its key set (their values would be overwritten),
    /// and whether later rows of the key follow.
    mutating func trim(_ contact: MappedContact, match: MappingFile.MatchKey) -> (MappedContact, hasLater: Bool) {
        guard !groups.isEmpty else { return (contact, false) }
        let hash = ContactMapper.keyHash(contact.matchKey)
        guard var group = groups[hash], group.next < group.later.count else { return (contact, false) }
        let later = group.later[group.next]
        group.next += 1
        let hasLater = group.next < group.later.count
        if hasLater { groups[hash] = group } else { groups[hash] = nil }
        guard later != 0 else { return (contact, hasLater) }
        var trimmed = contact
        trimmed.payload = fields.removing(later, from: contact.payload, keeping: ["role", match.rawValue])
        return (trimmed, hasLater)
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
