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

    /// The hash of a match key's UTF-8 bytes.
    ///
    /// A key's hash stands for the key in a run (two keys with one hash would be taken for one), so every step is a
    /// bijection followed by a full avalanche: the length, then each eight bytes (the tail zero-padded), are xored into
    /// the state and the state goes through MurmurHash3's fmix64. Two keys of one length that differ in one word can
    /// never collide, and others about as rarely as random 64-bit values. Inline, it costs a few nanoseconds a key;
    /// `Hasher` (SipHash, three calls) was 3 % of `validate`. Not stored anywhere: it may change between releases.
    @inline(__always)
    public static func keyHash(bytes: UnsafeRawBufferPointer) -> Int {
        var hash = finish(0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count))
        guard let base = bytes.baseAddress else { return Int(bitPattern: UInt(hash)) }
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = finish(hash ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        if offset < bytes.count {
            let rest = bytes.count - offset
            var tail: UInt64 = 0
            if bytes.count >= 8 {
                // The last eight bytes, shifted past those already mixed in: the same value as byte by byte.
                let last = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
                tail = last >> UInt64(8 * (8 - rest))
            } else {
                for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << UInt64(8 * (index - offset)) }
            }
            hash = finish(hash ^ tail)
        }
        return Int(bitPattern: UInt(hash))
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
        if case .valid(let valid) = scan(record, onKeyHash: onKeyHash), !valid.warned {
            return .valid(keyHash: valid.keyHash)
        }
        return checkByMapping(record)
    }

    /// What ``check(_:onKeyHash:reasonOnly:)`` gives: a full ``CheckResult``, or only the reason of a rejected row's
    /// first problem.
    enum Verdict {
        case checked(CheckResult)
        /// Rejected, with the reason of its first problem (``FieldReject/reason`` of `map`'s reject).
        case refused(RejectReason)
    }

    /// ``check(_:onKeyHash:)``; with `reasonOnly`, a row rejected for a refused value is not mapped again for every
    /// problem and its messages: its first problem's reason is all it gives (a reject that no one will read, counted
    /// by reason). The reason is the one `map` gives, from the same evaluation.
    @inline(__always)
    func check(_ record: RecordBuffer, onKeyHash: (Int) -> Void, reasonOnly: Bool) -> Verdict {
        switch scan(record, onKeyHash: onKeyHash) {
        case .valid(let valid) where !valid.warned: .checked(.valid(keyHash: valid.keyHash))
        case .rejected(let reason) where reasonOnly: .refused(reason)
        default: .checked(checkByMapping(record))
        }
    }

    /// The verdict of a row that warns or is rejected, from `map` itself: its problems and warnings are `map`'s own.
    private func checkByMapping(_ record: RecordBuffer) -> CheckResult {
        switch map(record, buildsPayload: false) {
        case .contact(let contact) where !contact.warnings.isEmpty:
            .warned(keyHash: Self.keyHash(contact.matchKey), warnings: contact.warnings)
        case .contact(let contact): .valid(keyHash: Self.keyHash(contact.matchKey))
        case .rejected(let reject): .rejected(reject)
        }
    }

    /// For a valid row, its key's hash and which rules give it a member in the payload (bit n for rule n, the first
    /// 64 rules: a null that clears a field counts); nil for a row ``map(_:)`` rejects.
    ///
    /// The look for repeated keys needs this for every row of a repeated key, and mapping those rows cost more than
    /// the rest of a nightly run.
    public func keyAndFields(_ record: RecordBuffer) -> (keyHash: Int, fields: UInt64)? {
        guard case .valid(let valid) = scan(record, onKeyHash: { _ in }) else { return nil }
        return (valid.keyHash, valid.fields)
    }

    /// ``map(_:)``'s evaluation without the payload (``RuleProgram/scan(_:isUser:onKeyHash:)``); a row whose role
    /// is refused is `.incomplete` (``map(_:)`` tells why).
    @inline(__always)
    private func scan(_ record: RecordBuffer, onKeyHash: (Int) -> Void) -> RuleProgram.ScanVerdict {
        if let isUser = program.fixedRoleIsUser { return program.scan(record, isUser: isUser, onKeyHash: onKeyHash) }
        guard case .success(let role) = role(of: record) else { return .incomplete }
        return program.scan(record, isUser: role == "user", onKeyHash: onKeyHash)
    }

    /// Which rules have a member in `payload` (bit n for rule n, the first 64 rules).
    public func fields(of payload: JSONObject) -> UInt64 {
        let custom = payload["custom_attributes"]
        var bits: UInt64 = 0
        for (index, rule) in mapping.rules.prefix(64).enumerated() where rule.target == .contact {
            let member = rule.isCustomAttribute ? custom?[rule.name] : payload[rule.name]
            if member != nil { bits |= 1 << UInt64(index) }
        }
        return bits
    }
}
