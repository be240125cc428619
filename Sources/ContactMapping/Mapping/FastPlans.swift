import ContactIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How `check` handles one rule from bytes: plain values only, so that reading one for every rule of every row
/// copies a few words and retains nothing (the arrays a rule needs are in ``FastPlans``, by the rule's index).
struct FastPlan: Sendable {
    enum Verdict {
        case blank
        case valid(hash: Int)
        case slow
    }

    var column: Int
    var isConcat: Bool
    var type: MappingFile.ValueType
    var trim: Bool
    var lower: Bool
    var isEmail: Bool
    var isExternalID: Bool
    var isMatch: Bool
    var defaultValue: Bool

    /// Whether `bytes` start with `http://` or `https://` (compared here: a static array would cost a check of
    /// its lazy initialisation on every call).
    @inline(__always)
    static func startsWithHTTP(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 7, bytes[0] == 0x68, bytes[1] == 0x74, bytes[2] == 0x74, bytes[3] == 0x70 else {
            return false
        }
        let rest = bytes[4] == 0x73 ? 5 : 4  // "s"
        return bytes.count >= rest + 3 && bytes[rest] == 0x3A && bytes[rest + 1] == 0x2F && bytes[rest + 2] == 0x2F
    }

    @inline(__always)
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

/// The plans of every rule of a mapping, with what some rules need besides (concatenated columns, date formats,
/// a phone's calling code); built once per mapper, nil when some rule needs the full path.
final class FastPlans: Sendable {
    let rules: [FastPlan]
    /// The role is `lead`, for which no identity field is required.
    let isLead: Bool
    /// The index of the match key's rule (0 when no rule is: then ``ContactMapper/check(_:)`` takes the slow path).
    let matchRule: Int
    private let concat: [[Int]]
    private let dateFormats: [[DateFormat]]
    private let callingCodes: [String?]

    var count: Int { rules.count }

    /// Builds the plans for a CSV mapping, or nil when a rule (or a role from a column) is outside what `check`
    /// does from bytes.
    init?(_ mapping: MappingFile, columns: [[Int]]) {
        guard mapping.empty == .skip, case .fixed(let role) = mapping.role else { return nil }
        isLead = role == "lead"
        var rules: [FastPlan] = []
        var concat: [[Int]] = []
        for (rule, ruleColumns) in zip(mapping.rules, columns) {
            guard rule.valueMap.isEmpty, !rule.transforms.contains(.upper), rule.name != "id" || rule.isCustomAttribute
            else { return nil }
            let isConcat: Bool
            switch rule.source {
            case .column: isConcat = false
            case .concat: guard rule.type == .string else { return nil }; isConcat = true
            case .constant: return nil
            }
            concat.append(isConcat ? ruleColumns : [])
            guard [.string, .email, .phone, .date, .url].contains(rule.type) else { return nil }
            let standard = !rule.isCustomAttribute
            rules.append(
                FastPlan(
                    column: ruleColumns.first ?? 0, isConcat: isConcat, type: rule.type,
                    trim: rule.transforms.contains(.trim), lower: rule.transforms.contains(.lower),
                    isEmail: standard && rule.name == "email", isExternalID: standard && rule.name == "external_id",
                    isMatch: standard && rule.name == mapping.match.rawValue, defaultValue: rule.defaultValue != nil))
        }
        self.rules = rules
        matchRule = rules.firstIndex(where: \.isMatch) ?? 0
        self.concat = concat
        // Copies, not the mapping's own arrays, so that the plans of two threads share no reference count.
        dateFormats = mapping.rules.map { $0.dateFormats.map { $0 } }
        callingCodes = mapping.rules.map(\.callingCode)
    }

    /// What rule `index` makes of `record`'s cell.
    func verdict(_ index: Int, _ record: RecordBuffer) -> FastPlan.Verdict {
        let plan = rules[index]
        if plan.isConcat {
            var length = 0
            var parts = 0
            for column in concat[index] where column < record.fieldCount {
                let part = FastPlan.trimmed(record.valueBytes(column))
                if !part.isEmpty {
                    length += part.count
                    parts += 1
                }
            }
            if parts == 0 { return .blank }
            // Joined with a separator of a few bytes: only a long result needs the exact count.
            return length + parts * 8 <= ContactMapper.maxStringLength && !plan.isMatch ? .valid(hash: 0) : .slow
        }
        let raw = record.valueBytes(plan.column)
        // Trimmed once: the checks below that trim a value anyway use `bytes`.
        let bytes = FastPlan.trimmed(raw)
        if bytes.isEmpty { return .blank }
        let value = plan.trim ? bytes : raw
        let ascii = record.isASCII || !value.contains { $0 >= 0x80 }
        switch plan.type {
        case .string:
            guard value.count <= ContactMapper.maxStringLength, ascii || !plan.lower else { return .slow }
            return .valid(hash: plan.isMatch ? FastPlan.hash(value, lower: plan.lower) : 0)
        case .email:
            guard ascii, EmailAddresses.isPlausible(bytes: bytes) else { return .slow }
            return .valid(hash: plan.isMatch ? FastPlan.hash(bytes, lower: true) : 0)
        case .phone:
            guard !plan.isMatch, PhoneNumbers.isValid(value, defaultCallingCode: callingCodes[index]) else {
                return .slow
            }
            return .valid(hash: 0)
        case .date:
            guard !plan.isMatch, parsesAsDate(bytes, index) else { return .slow }
            return .valid(hash: 0)
        case .url:
            // `memchr` for the space: it reads many bytes at a time, and URLs are long (byte by byte, this look was a
            // quarter of all the time spent here).
            guard !plan.isMatch, ascii, FastPlan.startsWithHTTP(bytes), bytes.count > 10,
                memchr(bytes.baseAddress!, 0x20, bytes.count) == nil
            else {
                return .slow
            }
            return .valid(hash: 0)
        default:
            return .slow
        }
    }

    private func parsesAsDate(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        for format in dateFormats[index] where format.parse(bytes) != nil { return true }
        return false
    }
}
