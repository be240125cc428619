import ContactIO
import JSONText

extension ContactMapper {
    /// The verdict of a validation-only pass over one record.
    public enum CheckResult: Sendable, Equatable {
        /// The row maps; `keyHash` identifies its match key for duplicate detection.
        case valid(keyHash: Int)
        /// The row maps, without what `warnings` name (values refused by an `invalid: skip` rule, extensions).
        case warned(keyHash: Int, warnings: [FieldReject])
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

    /// The same verdict as ``map(_:)`` without building the payload: the same evaluation of every rule
    /// (``RuleProgram``), only without JSON. A rejected row is mapped, so that its problems and messages are
    /// ``map(_:)``'s own. This is what keeps `validate` near the reader's speed.
    public func check(_ record: RecordBuffer) -> CheckResult {
        check(record) { _ in }
    }

    /// ``check(_:)``, calling `onKeyHash` with the key's hash as soon as it is known, which is before the row's other
    /// fields are evaluated: so that the caller can start fetching the key's place in its table
    /// (``KeyTable/prefetch(_:)``) while they are.
    func check(_ record: RecordBuffer, onKeyHash: (Int) -> Void) -> CheckResult {
        if let valid = scan(record, onKeyHash: onKeyHash), !valid.warned { return .valid(keyHash: valid.keyHash) }
        switch map(record, buildsPayload: false) {
        case .contact(let contact) where !contact.warnings.isEmpty:
            return .warned(keyHash: Self.keyHash(contact.matchKey), warnings: contact.warnings)
        case .contact(let contact): return .valid(keyHash: Self.keyHash(contact.matchKey))
        case .rejected(let reject): return .rejected(reject)
        }
    }

    /// For a valid row, its key's hash and which rules give it a member in the payload (bit n for rule n, the first
    /// 64 rules: a null that clears a field counts); nil for a row ``map(_:)`` rejects.
    ///
    /// The look for repeated keys needs this for every row of a repeated key, and mapping those rows cost more than
    /// the rest of a nightly run.
    public func keyAndFields(_ record: RecordBuffer) -> (keyHash: Int, fields: UInt64)? {
        scan(record, onKeyHash: { _ in }).map { ($0.keyHash, $0.fields) }
    }

    /// ``map(_:)``'s evaluation without the payload: nil as soon as a rule is rejected, or when the row has no
    /// identity or no key (then ``map(_:)`` tells why).
    @inline(__always)
    private func scan(_ record: RecordBuffer, onKeyHash: (Int) -> Void) -> RuleProgram.ScanResult? {
        if let isUser = program.fixedRoleIsUser { return program.scan(record, isUser: isUser, onKeyHash: onKeyHash) }
        guard case .success(let role) = role(of: record) else { return nil }
        return program.scan(record, isUser: role == "user", onKeyHash: onKeyHash)
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
}
