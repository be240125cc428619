import ContactIO

extension ContactMapper {
    /// The verdict of a validation-only pass over one record.
    public enum CheckResult: Sendable, Equatable {
        /// The row maps; `keyHash` identifies its match key for duplicate detection.
        case valid(keyHash: Int)
        case rejected(FieldReject)
    }

    /// The hash of a match key, the same whether computed from a String or from bytes.
    public static func keyHash(_ key: String) -> Int {
        var key = key
        return key.withUTF8 { keyHash(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The hash of a match key's UTF-8 bytes, in one call to the hasher.
    public static func keyHash(bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    /// The same verdict as ``map(_:)`` without building the payload: straight from the record's bytes for the usual
    /// rules, falling back to ``map(_:)`` for a row with anything unusual (so messages are identical). This is what
    /// keeps `validate` near the reader's speed.
    public func check(_ record: RecordBuffer) -> CheckResult {
        guard let plans = fastPlans, case .fixed(let role) = mapping.role else { return checkBySlowPath(record) }
        // Borrow the plans in place: iterating the array would copy (retain and release) each plan for every row.
        let verdict = plans.withUnsafeBufferPointer { plans -> (fast: Bool, email: Bool, externalID: Bool, key: Int?) in
            var hasEmail = false
            var hasExternalID = false
            var keyHash: Int?
            for index in 0..<plans.count {
                guard plans[index].column < record.fieldCount || plans[index].concat != nil else {
                    return (false, false, false, nil)
                }
                switch plans[index].verdict(record) {
                case .blank:
                    if plans[index].defaultValue { return (false, false, false, nil) }
                case .slow:
                    return (false, false, false, nil)
                case .valid(let hash):
                    if plans[index].isEmail { hasEmail = true }
                    if plans[index].isExternalID { hasExternalID = true }
                    if plans[index].isMatch { keyHash = hash }
                }
            }
            return (true, hasEmail, hasExternalID, keyHash)
        }
        guard verdict.fast, let keyHash = verdict.key, role == "lead" || verdict.email || verdict.externalID else {
            return checkBySlowPath(record)
        }
        return .valid(keyHash: keyHash)
    }

    /// For a valid row, its key's hash and which rules give it a value (bit n for rule n, the first 64 rules: a
    /// null that clears a field counts); nil for a row ``map(_:)`` rejects.
    ///
    /// From bytes like ``check(_:)``: the look for repeated keys needs this for every row of a repeated key, and
    /// mapping those rows cost more than the rest of a nightly run.
    public func keyAndFields(_ record: RecordBuffer) -> (keyHash: Int, fields: UInt64)? {
        if let plans = fastPlans, case .fixed(let role) = mapping.role {
            let verdict = plans.withUnsafeBufferPointer {
                plans -> (fast: Bool, identity: Bool, key: Int?, bits: UInt64) in
                var identity = false
                var keyHash: Int?
                var bits: UInt64 = 0
                for index in 0..<plans.count {
                    guard plans[index].column < record.fieldCount || plans[index].concat != nil else {
                        return (false, false, nil, 0)
                    }
                    switch plans[index].verdict(record) {
                    case .blank:
                        if plans[index].defaultValue { return (false, false, nil, 0) }
                    case .slow:
                        return (false, false, nil, 0)
                    case .valid(let hash):
                        if plans[index].isEmail || plans[index].isExternalID { identity = true }
                        if plans[index].isMatch { keyHash = hash }
                        if index < 64 { bits |= 1 << UInt64(index) }
                    }
                }
                return (true, identity, keyHash, bits)
            }
            if verdict.fast, let keyHash = verdict.key, role == "lead" || verdict.identity {
                return (keyHash, verdict.bits)
            }
        }
        guard case .contact(let contact) = map(record) else { return nil }
        return (Self.keyHash(contact.matchKey), fields(of: contact.payload))
    }

    /// Which rules have a member in `payload` (bit n for rule n, the first 64 rules).
    public func fields(of payload: JSONObject) -> UInt64 {
        let custom = payload["custom_attributes"]
        var bits: UInt64 = 0
        for (index, rule) in mapping.rules.prefix(64).enumerated() {
            let member = rule.isCustomAttribute ? custom?[rule.name] : payload[rule.name]
            if member != nil { bits |= 1 << UInt64(index) }
        }
        return bits
    }

    private func checkBySlowPath(_ record: RecordBuffer) -> CheckResult {
        switch map(record) {
        case .contact(let contact): .valid(keyHash: Self.keyHash(contact.matchKey))
        case .rejected(let reject): .rejected(reject)
        }
    }
}

/// How `check` handles one rule from bytes; built once per mapper, nil when some rule needs the full path.
struct FastPlan: Sendable {
    enum Verdict {
        case blank
        case valid(hash: Int)
        case slow
    }

    var column: Int
    var concat: [Int]?
    var type: MappingFile.ValueType
    var trim: Bool
    var lower: Bool
    var callingCode: String?
    var dateFormats: [DateFormat]
    var isEmail: Bool
    var isExternalID: Bool
    var isMatch: Bool
    var defaultValue: Bool

    /// Builds the plans for a CSV mapping, or nil when a rule is outside what `check` does from bytes.
    static func plans(_ mapping: MappingFile, columns: [[Int]]) -> [FastPlan]? {
        guard mapping.empty == .skip else { return nil }
        var plans: [FastPlan] = []
        for (rule, ruleColumns) in zip(mapping.rules, columns) {
            guard rule.valueMap.isEmpty, !rule.transforms.contains(.upper), rule.name != "id" || rule.isCustomAttribute
            else { return nil }
            var concat: [Int]?
            switch rule.source {
            case .column: break
            case .concat: guard rule.type == .string else { return nil }; concat = ruleColumns
            case .constant: return nil
            }
            guard [.string, .email, .phone, .date, .url].contains(rule.type) else { return nil }
            let standard = !rule.isCustomAttribute
            plans.append(
                FastPlan(
                    column: ruleColumns.first ?? 0, concat: concat, type: rule.type,
                    trim: rule.transforms.contains(.trim),
                    lower: rule.transforms.contains(.lower), callingCode: rule.callingCode,
                    dateFormats: rule.dateFormats,
                    isEmail: standard && rule.name == "email", isExternalID: standard && rule.name == "external_id",
                    isMatch: standard && rule.name == mapping.match.rawValue, defaultValue: rule.defaultValue != nil))
        }
        return plans
    }

    func verdict(_ record: RecordBuffer) -> Verdict {
        if let concat {
            var length = 0
            var parts = 0
            for column in concat where column < record.fieldCount {
                let part = Self.trimmed(record.valueBytes(column))
                if !part.isEmpty {
                    length += part.count
                    parts += 1
                }
            }
            if parts == 0 { return .blank }
            // Joined with a separator of a few bytes: only a long result needs the exact count.
            return length + parts * 8 <= ContactMapper.maxStringLength && !isMatch ? .valid(hash: 0) : .slow
        }
        let raw = record.valueBytes(column)
        let value = trim ? Self.trimmed(raw) : raw
        if Self.trimmed(value).isEmpty { return .blank }
        let ascii = !value.contains { $0 >= 0x80 }
        switch type {
        case .string:
            guard value.count <= ContactMapper.maxStringLength, ascii || !lower else { return .slow }
            return .valid(hash: isMatch ? Self.hash(value, lower: lower) : 0)
        case .email:
            let bytes = Self.trimmed(value)
            guard ascii, EmailAddresses.isPlausible(bytes: bytes) else { return .slow }
            return .valid(hash: isMatch ? Self.hash(bytes, lower: true) : 0)
        case .phone:
            guard !isMatch, PhoneNumbers.isValid(value, defaultCallingCode: callingCode) else { return .slow }
            return .valid(hash: 0)
        case .date:
            let bytes = Self.trimmed(value)
            guard !isMatch, dateFormats.contains(where: { $0.parse(bytes) != nil }) else { return .slow }
            return .valid(hash: 0)
        case .url:
            let bytes = Self.trimmed(value)
            let https = Self.hasPrefix(bytes, Self.https) || Self.hasPrefix(bytes, Self.http)
            guard !isMatch, ascii, https, bytes.count > 10, !bytes.contains(0x20) else { return .slow }
            return .valid(hash: 0)
        default:
            return .slow
        }
    }

    static let https = Array("https://".utf8)
    static let http = Array("http://".utf8)

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        for index in 0..<prefix.count where bytes[index] != prefix[index] { return false }
        return true
    }

    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, lower: Bool) -> Int {
        guard lower, bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else {
            return ContactMapper.keyHash(bytes: UnsafeRawBufferPointer(bytes))
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lowered in
            for (index, byte) in bytes.enumerated() {
                lowered[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            }
            return ContactMapper.keyHash(bytes: UnsafeRawBufferPointer(lowered))
        }
    }
}
