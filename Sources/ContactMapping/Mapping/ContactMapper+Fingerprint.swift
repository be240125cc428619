import ContactIO

extension ContactMapper {
    /// Bumped whenever a release changes what a mapping makes of the same cells (a transform, a date or phone rule),
    /// so that state kept by an older release no longer matches and those rows are compared with Intercom again.
    static let transformsVersion = 3

    /// A stable 64-bit fingerprint of everything the mapping reads from the record, and of the mapping itself.
    ///
    /// The mapping is a pure function of these bytes, so two rows with the same fingerprint map to the same payload:
    /// this is what a sync state compares to skip an unchanged row without mapping it. Mapping and serialising the
    /// payload costs about 11 µs a row, this about 0.2 µs, and a nightly run over a million unchanged rows has 5 µs
    /// a row for everything. A change that maps to the same payload (a cell that only gained spaces) makes a row
    /// look changed, which costs one update and never loses one.
    ///
    /// A word-at-a-time multiply-rotate hash over each source cell's length and bytes, seeded with the mapping's
    /// fingerprint: stable across runs and processes (unlike `Hasher`), and fast.
    public func sourceFingerprint(_ record: RecordBuffer) -> UInt64 {
        var hash = mappingSeed
        if let roleColumn { Self.mix(Self.cellBytes(roleColumn, in: record), into: &hash) }
        // Each rule's source columns, as the program resolved them once.
        for columns in program.columns {
            for column in columns { Self.mix(Self.cellBytes(column, in: record), into: &hash) }
        }
        return Self.finish(hash)
    }

    /// The fingerprint of the mapping alone (every rule, the role, the match key, the empty-cell policy, and the
    /// release's ``transformsVersion``).
    public var mappingFingerprint: UInt64 { mappingSeed }

    /// The row's match key as ``map(_:)`` would make it, without mapping the other fields; nil when the key's cell
    /// is empty or invalid (the row is then mapped and rejected as usual).
    public func matchKey(_ record: RecordBuffer) -> String? {
        withMatchKey(record) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of the row's match key as ``map(_:)`` makes it (the same evaluation of the
    /// key's rule), or returns nil when the key's cell is empty or invalid. No String: a nightly run reads every key
    /// three times (twice to find repeated keys, once to look it up in the state), and a String for each was a third
    /// of the run's time.
    public func withMatchKey<T>(_ record: RecordBuffer, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows
        -> T?
    {
        guard let rule = program.matchRule else { return nil }
        return try Scratch.with { scratch in
            guard case .value(.text(let key)) = program.evaluate(rule, record, &scratch) else { return nil }
            return try body(key)
        }
    }

    /// The hash of the row's match key (``keyHash(_:)`` of what ``map(_:)`` makes), or nil without a valid key.
    public func matchKeyHash(_ record: RecordBuffer) -> Int? {
        withMatchKey(record) { Self.keyHash(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The fingerprint of the mapping alone: every rule, the role, the match key and the empty-cell policy.
    static func mappingFingerprint(_ mapping: MappingFile) -> UInt64 {
        var text = "v\(transformsVersion)|match=\(mapping.match.rawValue)|empty=\(mapping.empty.rawValue)|"
        switch mapping.role {
        case .fixed(let role):
            text += "role=\(role)|"
        case .column(let column, let map, let defaultRole):
            text += "role-column=\(column)|\(canonical(map))|default=\(defaultRole ?? "")|"
        }
        for rule in mapping.rules {
            text += "\(rule.isCustomAttribute ? "custom" : "field"):\(rule.name):\(rule.type.rawValue):"
            switch rule.source {
            case .column(let column): text += "column=\(column)"
            case .constant(let constant): text += "constant=\(constant)"
            case .concat(let columns, let separator):
                text += "concat=\(columns.joined(separator: "\u{1F}"))/\(separator)"
            case .coalesce(let columns):
                text += "coalesce=\(columns.joined(separator: "\u{1F}"))"
            }
            text += ":\(rule.transforms.map(\.rawValue).joined(separator: ","))"
            text += ":default=\(rule.defaultValue ?? "\u{0}"):\(canonical(rule.valueMap))"
            text += ":phone=\(rule.region?.code ?? ""):\(rule.regionColumn ?? "\u{0}"):\(rule.takesExtension)"
            text += ":invalid=\(rule.skipsInvalid ? "skip" : "reject"):zone=\(rule.timeZone ?? "")"
            text += ":dates=\(rule.dateFormats.map(\.description).joined(separator: ","))"
            // Only tag and company rules say more, so that the fingerprints of mappings without them stay as they were
            // (a sync state would otherwise see every row as changed).
            if rule.target != .contact {
                text += ":target=\(rule.target.rawValue):list=\(rule.listSeparator ?? "\u{0}"):slug=\(rule.slug)"
            }
            text += "|"
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    private static func canonical(_ map: [String: String]) -> String {
        map.sorted { $0.key < $1.key }.map { "\($0.key)\u{1F}\($0.value)" }.joined(separator: "\u{1E}")
    }

    /// Whether `record` has the cell `column` names (null or not): an NDJSON key or dotted path that no record has is
    /// a mistake in the mapping (``NDJSONKeyCheck``).
    @inline(__always)
    static func hasCell(_ column: ColumnReference, in record: RecordBuffer) -> Bool {
        switch column {
        case .index(let index): index < record.fieldCount
        case .key(let key): record.index(ofKey: key) != nil
        case .path(let key, let path): record.index(ofKey: key) != nil || record.valueBytes(atPath: path) != nil
        }
    }

    /// The cell's bytes, empty when the record lacks it or it is null (as ``map(_:)`` reads it).
    static func cellBytes(_ column: ColumnReference, in record: RecordBuffer) -> UnsafeBufferPointer<UInt8> {
        switch column {
        case .index(let index):
            return index < record.fieldCount ? record.valueBytes(index) : UnsafeBufferPointer(start: nil, count: 0)
        case .key(let key):
            guard let index = record.index(ofKey: key), record.kind(index) != .null else {
                return UnsafeBufferPointer(start: nil, count: 0)
            }
            return record.valueBytes(index)
        case .path(let key, let path):
            if let index = record.index(ofKey: key) {
                return record.kind(index) == .null
                    ? UnsafeBufferPointer(start: nil, count: 0) : record.valueBytes(index)
            }
            return record.valueBytes(atPath: path)?.bytes ?? UnsafeBufferPointer(start: nil, count: 0)
        }
    }

    /// Mixes the length (so that "ab","c" and "a","bc" differ), then the bytes eight at a time (little-endian words,
    /// the tail zero-padded), each step a multiply and a rotate; ``sourceFingerprint(_:)`` finishes with an avalanche.
    /// A byte at a time (FNV-1a) took as long as the key lookup in the state file.
    private static func mix(_ bytes: UnsafeBufferPointer<UInt8>, into hash: inout UInt64) {
        @inline(__always) func step(_ word: UInt64) {
            hash = ((hash ^ word) &* 0x9E37_79B9_7F4A_7C15)
            hash = (hash << 29) | (hash >> 35)
        }
        step(UInt64(bytes.count) | 0xA5A5_0000_0000_0000)
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            step(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << UInt64(8 * (index - offset)) }
            step(tail)
        }
    }

    /// The final avalanche (MurmurHash3's fmix64), so that every input bit reaches every output bit; a bijection.
    @inline(__always)
    static func finish(_ hash: UInt64) -> UInt64 {
        var value = hash
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        value &*= 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 33
        return value
    }
}
