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
        check(record) { _ in }
    }

    /// ``check(_:)``, calling `onKeyHash` with the key's hash as soon as it is known, which on the usual path is
    /// before the row's other fields are checked: so that the caller can start fetching the key's place in its table
    /// (``KeyTable/prefetch(_:)``) while they are.
    func check(_ record: RecordBuffer, onKeyHash: (Int) -> Void) -> CheckResult {
        if let fast = fastVerdict(record, onKeyHash: onKeyHash) { return .valid(keyHash: fast.keyHash) }
        return checkBySlowPath(record)
    }

    /// For a valid row, its key's hash and which rules give it a value (bit n for rule n, the first 64 rules: a
    /// null that clears a field counts); nil for a row ``map(_:)`` rejects.
    ///
    /// From bytes like ``check(_:)``: the look for repeated keys needs this for every row of a repeated key, and
    /// mapping those rows cost more than the rest of a nightly run.
    public func keyAndFields(_ record: RecordBuffer) -> (keyHash: Int, fields: UInt64)? {
        if let fast = fastVerdict(record, onKeyHash: { _ in }) { return fast }
        guard case .contact(let contact) = map(record) else { return nil }
        return (Self.keyHash(contact.matchKey), fields(of: contact.payload))
    }

    /// The verdict from bytes alone: nil when the row is not plainly valid (then only ``map(_:)`` can tell).
    private func fastVerdict(_ record: RecordBuffer, onKeyHash: (Int) -> Void) -> (keyHash: Int, fields: UInt64)? {
        guard let plans = fastPlans else { return nil }
        var identity = false
        var keyHash: Int?
        var bits: UInt64 = 0
        // The match rule first, then the others in order (any order gives the same verdict here).
        let first = plans.matchRule
        for step in 0..<plans.count {
            let index = step == 0 ? first : step <= first ? step - 1 : step
            let plan = plans.rules[index]
            guard plan.column < record.fieldCount || plan.isConcat else { return nil }
            switch plans.verdict(index, record) {
            case .blank:
                if plan.defaultValue { return nil }
            case .slow:
                return nil
            case .valid(let hash):
                if plan.isEmail || plan.isExternalID { identity = true }
                if plan.isMatch {
                    keyHash = hash
                    onKeyHash(hash)
                }
                if index < 64 { bits |= 1 << UInt64(index) }
            }
        }
        guard let keyHash, plans.isLead || identity else { return nil }
        return (keyHash, bits)
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
