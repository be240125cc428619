import ContactIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension RuleProgram {
    /// Rule `index` applied to `record`: source, transforms in order, value map, default, then the type's check and
    /// canonical form. Text in the outcome points into the record, the program or `scratch`: it is valid until the
    /// scratch is reset or left, and the record moves on.
    ///
    /// Every value is checked in its final form, the one that is sent: a date after `lower`, a concatenation at its
    /// joined length, a float as the JSON it becomes.
    ///
    /// `verdictOnly` is the cheaper mode of `check`: the same steps, skipping only what cannot change the verdict.
    /// Lower- or upper-casing ASCII text changes neither its length nor its blankness, so a string rule that is not
    /// the key and has no value map skips it (the value itself is not needed for a verdict).
    ///
    /// Transparent, because `@inline(__always)` is not honoured in its callers (each row's loop of `scan`, `map` and
    /// the fingerprint) and the call was a tenth of `validate`'s CPU time; its body names `RuleProgram`, not `Self`,
    /// because the compiler crashes at -Onone on a transparent method of a class that names dynamic `Self`.
    @_transparent
    func evaluate(
        _ index: Int, _ record: RecordBuffer, _ scratch: inout Scratch, verdictOnly: Bool = false
    ) -> RuleOutcome {
        let step = steps[index]
        var text: UnsafeBufferPointer<UInt8>
        switch step.source {
        case .column:
            if step.column >= 0 {
                text = RuleProgram.columnText(step.column, record)
            } else {
                text = keyedCell(index, 0, record)
            }
        case .constant:
            text = constants[index]
        case .concat:
            if verdictOnly && step.type == .string && !step.isMatch && step.transformCount == 0 && !step.hasValueMap
                && !step.hasDefault
            {
                // The verdict needs only the joined length, exactly; the joined text only when it is too many bytes.
                let length = joinedLength(index, record)
                if length == 0 { return .blank }
                if length <= ContactMapper.maxStringLength { return .value(.text(RuleProgram.empty)) }
            }
            text = joined(index, record, &scratch)
        case .coalesce:
            text = RuleProgram.empty
            for part in 0..<Int(step.columnCount) {
                let cell = cell(index, part, record)
                if !RuleProgram.isBlank(cell) {
                    text = cell
                    break
                }
            }
        }
        // Whether the text is lower-cased already (an email is, then, without a second pass).
        var isLowered = false
        if step.transformCount > 0 {
            let caseIsIrrelevant =
                verdictOnly && step.type == .string && !step.isMatch && !step.hasValueMap
                && RuleProgram.isASCII(text, in: record)
            var codes = step.transformCodes
            for _ in 0..<step.transformCount {
                switch codes & 3 {
                case 0: text = RuleProgram.trimmed(text)
                case 1:
                    if !caseIsIrrelevant { text = RuleProgram.lowered(text, &scratch) }
                    isLowered = !caseIsIrrelevant
                default:
                    if !caseIsIrrelevant { text = RuleProgram.uppered(text, &scratch) }
                    isLowered = false
                }
                codes >>= 2
            }
        }
        if step.hasValueMap, let mapped = valueMaps[index][String(decoding: text, as: UTF8.self)] {
            let copy = scratch.take(mapped.count)
            _ = copy.initialize(from: mapped)
            text = UnsafeBufferPointer(copy)
            isLowered = false
        }
        if step.hasDefault && RuleProgram.isBlank(text) {
            text = defaults[index]
            isLowered = false
        }
        if RuleProgram.isBlank(text) { return .blank }
        // Strings, most rules, without the call to convert (which the compiler does not inline here).
        if step.type == .string { return stringOutcome(index, text) }
        return convert(
            index, step.type, text, record, isLowered: isLowered, verdictOnly: verdictOnly, isKey: step.isMatch,
            &scratch)
    }

    /// The value as its type wants it, or the reason it cannot be.
    @inline(__always)
    private func convert(
        _ index: Int, _ type: MappingFile.ValueType, _ text: UnsafeBufferPointer<UInt8>, _ record: RecordBuffer,
        isLowered: Bool, verdictOnly: Bool, isKey: Bool, _ scratch: inout Scratch
    ) -> RuleOutcome {
        switch type {
        case .string:
            return stringOutcome(index, text)
        case .email:
            let email = isLowered ? Self.trimmed(text) : Self.lowered(Self.trimmed(text), &scratch)
            guard EmailAddresses.isPlausible(bytes: email) else { return .rejected(.invalidEmail, text) }
            return .value(.text(email))
        case .phone:
            let step = steps[index]
            let output = scratch.take(PhoneNumbers.outputCapacity)
            // The region is fetched only for libphonenumber; capturing the program unretained spares every number a
            // retain and a release of it.
            let parsed =
                step.hasRegionColumn
                ? PhoneNumbers.parse(Self.trimmed(text), region: rowRegion(index, record), into: output)
                : PhoneNumbers.parse(
                    Self.trimmed(text), facts: phoneFacts[index], hasRegion: step.hasPhoneRegion,
                    region: { [unowned(unsafe) self] in self.regions[index] }, into: output)
            guard let parsed else {
                // The phone rule itself reports the number; its extension's rule has nothing to give.
                return step.takesExtension ? .blank : .rejected(.invalidPhone, text)
            }
            if step.takesExtension {
                guard parsed.extensionLength > 0 else { return .blank }
                let start = PhoneNumbers.maxE164Length
                return .value(.text(UnsafeBufferPointer(rebasing: output[start..<(start + parsed.extensionLength)])))
            }
            return .value(
                .phone(
                    UnsafeBufferPointer(rebasing: output[0..<parsed.e164Length]),
                    hasExtension: parsed.extensionLength > 0))
        case .url:
            let url = Self.trimmed(text)
            guard Self.isURL(url) else { return .rejected(.invalidURL, text) }
            return .value(.text(url))
        case .date:
            let trimmed = Self.trimmed(text)
            let step = steps[index]
            for position in Int(step.formatStart)..<Int(step.formatStart + step.formatCount) {
                var naive = false
                guard let seconds = formats[position].parse(trimmed, naive: &naive) else { continue }
                if naive, let zone = zones[index] { return .value(.date(zone.utc(fromLocal: seconds))) }
                return .value(.date(seconds))
            }
            return .rejected(.invalidDate, text)
        case .boolean:
            guard let flag = Booleans.parse(bytes: Self.trimmed(text)) else {
                return .rejected(.invalidBoolean, text)
            }
            return .value(.boolean(flag))
        case .integer:
            guard let number = Self.integer(Self.trimmed(text)) else {
                return .rejected(.invalidInteger, text)
            }
            return .value(.integer(number))
        case .float:
            let trimmed = Self.trimmed(text)
            // Infinities, NaN and numbers too large or too small for a double are refused, not sent as 0 or inf.
            guard let number = Double(String(decoding: trimmed, as: UTF8.self)), number.isFinite,
                number != 0 || !Self.hasNonZeroMantissa(trimmed)
            else {
                return .rejected(.invalidFloat, text)
            }
            if Self.isCanonicalJSONNumber(trimmed) { return .value(.float(trimmed)) }
            let canonical = Array(String(number).utf8)
            let copy = scratch.take(canonical.count)
            _ = copy.initialize(from: canonical)
            return .value(.float(UnsafeBufferPointer(copy)))
        }
    }

    /// A string rule's value: `text`, unless Intercom would refuse it as too long.
    @inline(__always)
    private func stringOutcome(_ index: Int, _ text: UnsafeBufferPointer<UInt8>) -> RuleOutcome {
        text.count > ContactMapper.maxStringLength ? longStringOutcome(index, text) : .value(.text(text))
    }

    /// ``stringOutcome(_:_:)`` past 255 bytes: Intercom counts characters, and those bytes can still be few enough.
    private func longStringOutcome(_ index: Int, _ text: UnsafeBufferPointer<UInt8>) -> RuleOutcome {
        if steps[index].isList {
            // Each tag or company of a list is one value: each piece is held to the limit.
            for piece in Self.pieces(text, listSeparators[index])
            where piece.count > ContactMapper.maxStringLength
                && Self.characters(piece) > ContactMapper.maxStringLength
            {
                return .rejected(.tooLong, piece)
            }
        } else if Self.characters(text) > ContactMapper.maxStringLength {
            return .rejected(.tooLong, text)
        }
        return .value(.text(text))
    }

    /// The reject of rule `index` for `text` (its value after the transforms, map and default), with the message a
    /// person reads: made only when a row is reported, not in the evaluation itself.
    func fieldReject(_ index: Int, _ reason: RejectReason, _ text: UnsafeBufferPointer<UInt8>) -> FieldReject {
        let shown = Self.shorten(text)
        let message: String
        switch reason {
        case .tooLong:
            message =
                "\(names[index]) is \(Self.characters(text)) characters; Intercom keeps at most "
                + "\(ContactMapper.maxStringLength)"
        case .invalidEmail: message = "'\(shown)' is not a valid email address"
        case .invalidPhone:
            if regions[index] == nil && !steps[index].hasRegionColumn {
                message =
                    "'\(shown)' is not a phone number in international form (+…); set country: CODE in the mapping"
                    + " for national numbers"
            } else if text.reduce(0, { $0 + ($1 &- 48 < 10 ? 1 : 0) }) < 3 {
                message = "'\(shown)' is not a phone number"
            } else {
                message = "'\(shown)' is not a possible phone number (a wrong number of digits for its country)"
            }
        case .extensionDropped:
            message = "the extension of '\(shown)' is not sent (extension_to: ATTRIBUTE keeps it)"
        case .invalidURL: message = "'\(shown)' is not an http(s) URL"
        case .invalidDate:
            let step = steps[index]
            let formats = formats[Int(step.formatStart)..<Int(step.formatStart + step.formatCount)]
                .map(\.description).joined(separator: ", ")
            message = "'\(shown)' is not a date in any of the formats \(formats)"
        case .invalidBoolean: message = "'\(shown)' is not true or false (yes/no, 1/0 … are understood)"
        case .invalidInteger: message = "'\(shown)' is not a whole number"
        case .invalidFloat: message = "'\(shown)' is not a number"
        default: message = "'\(shown)' is refused (\(reason.rawValue))"
        }
        return FieldReject(field: names[index], value: shown, reason: reason, message: message)
    }

    /// How many characters (grapheme clusters) the UTF-8 bytes make.
    static func characters(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        String(decoding: bytes, as: UTF8.self).count
    }

    /// Source `part` of rule `index`'s, in `record` (one of a concatenation's columns).
    @inline(__always)
    private func cell(_ index: Int, _ part: Int, _ record: RecordBuffer) -> UnsafeBufferPointer<UInt8> {
        let start = Int(steps[index].columnStart)
        guard start >= 0 else { return keyedCell(index, part, record) }
        return Self.columnText(columnIndexes[start + part], record)
    }

    /// CSV column `column` of `record` as a rule reads it: empty when the record has fewer fields.
    @inline(__always)
    static func columnText(_ column: Int, _ record: RecordBuffer) -> UnsafeBufferPointer<UInt8> {
        column < record.fieldCount ? record.valueBytes(column) : empty
    }

    /// Field `field` of an NDJSON record (`Int.max` for a key the record lacks) as a rule reads it: as
    /// ``ContactMapper/cellBytes(_:in:)``, a missing key and a null are empty.
    @inline(__always)
    static func fieldText(_ field: Int, _ record: RecordBuffer) -> UnsafeBufferPointer<UInt8> {
        field < record.fieldCount && record.kind(field) != .null ? record.valueBytes(field) : empty
    }

    /// Whether `text`, of `record`, is ASCII: lower- or upper-casing it then changes neither its length nor its
    /// blankness.
    @inline(__always)
    static func isASCII(_ text: UnsafeBufferPointer<UInt8>, in record: RecordBuffer) -> Bool {
        record.isASCII || !text.contains { $0 >= 0x80 }
    }

    /// Source `part` of rule `index` in an NDJSON record: ``ContactMapper/cellBytes(_:in:)``, with the field index of
    /// a key kept in the record for as long as the records keep their keys.
    @inline(__always)
    private func keyedCell(_ index: Int, _ part: Int, _ record: RecordBuffer) -> UnsafeBufferPointer<UInt8> {
        let slot = keySlots[Int(steps[index].keySlotStart) + part]
        guard slot >= 0 else { return ContactMapper.cellBytes(columns[index][part], in: record) }
        let field: Int
        if let kept = record.keptIndex(slot: slot, owner: identity) {
            field = kept
        } else {
            guard case .key(let key) = columns[index][part] else { return Self.empty }
            let found = record.index(ofKey: key)
            record.keep(found, slot: slot, owner: identity)
            field = found ?? Int.max
        }
        return Self.fieldText(field, record)
    }

    /// The length in bytes of ``joined(_:_:_:)``'s text, without making it.
    @inline(__always)
    private func joinedLength(_ index: Int, _ record: RecordBuffer) -> Int {
        var length = 0
        var parts = 0
        for source in 0..<Int(steps[index].columnCount) {
            let part = Self.trimmed(cell(index, source, record))
            if !part.isEmpty {
                length += part.count
                parts += 1
            }
        }
        return parts == 0 ? 0 : length + (parts - 1) * separators[index].count
    }

    /// The non-empty trimmed parts of a concatenation, joined by its separator (measured, then copied: no array of
    /// parts for every row).
    private func joined(_ index: Int, _ record: RecordBuffer, _ scratch: inout Scratch) -> UnsafeBufferPointer<UInt8> {
        let separator = separators[index]
        let sources = Int(steps[index].columnCount)
        var length = 0
        var parts = 0
        var only = Self.empty
        for source in 0..<sources {
            let part = Self.trimmed(cell(index, source, record))
            if !part.isEmpty {
                length += part.count + (parts == 0 ? 0 : separator.count)
                parts += 1
                only = part
            }
        }
        if parts <= 1 { return only }
        let output = scratch.take(length)
        var offset = 0
        for source in 0..<sources {
            let part = Self.trimmed(cell(index, source, record))
            guard !part.isEmpty else { continue }
            if offset > 0, let from = separator.baseAddress {
                (output.baseAddress! + offset).initialize(from: from, count: separator.count)
                offset += separator.count
            }
            (output.baseAddress! + offset).initialize(from: part.baseAddress!, count: part.count)
            offset += part.count
        }
        return UnsafeBufferPointer(output)
    }

    /// What ``scan(_:isUser:onKeyHash:)`` finds of a valid row.
    struct ScanResult {
        var keyHash: Int
        /// Which rules give the payload a member (bit n for rule n, the first 64; a null that clears counts).
        var fields: UInt64
        /// Whether something was left out with a warning (``MappedContact/warnings`` tells what).
        var warned: Bool
    }

    /// What ``scan(_:isUser:onKeyHash:)`` makes of a row.
    enum ScanVerdict {
        case valid(ScanResult)
        /// A rule refused its value: `reason` is the one of ``ContactMapper/map(_:)``'s first problem (the first
        /// refusing rule in the mapping's order), which is all that a reject nobody reads needs.
        case rejected(RejectReason)
        /// No rule refused a value, but the row has no identity (for a user) or no key: ``ContactMapper/map(_:)``
        /// tells which.
        case incomplete
    }

    /// The verdict of ``ContactMapper/map(_:)`` without the payload, for a row whose role is known (see
    /// ``ScanResult``); it stops at a rejected rule.
    ///
    /// The match rule is evaluated first, and `onKeyHash` called with its hash, so that the caller can fetch the
    /// key's place in its table while the other rules are evaluated. When the match rule itself is refused, the rules
    /// before it are evaluated too, so that the reason given is the first in the mapping's order, as in `map`. A
    /// plain string rule whose cell alone tells its verdict is not evaluated (``Shortcut``).
    func scan(_ record: RecordBuffer, isUser: Bool, onKeyHash: (Int) -> Void) -> ScanVerdict {
        Scratch.with { scratch in
            var warned = false
            var identity = false
            var keyHash: Int?
            var bits: UInt64 = 0
            var refused: RejectReason?
            // Made only for a row with company values: most mappings have none, and releasing its two arrays on every
            // row cost about 50 instructions a row (0.7 % of validating the benchmark file, callgrind).
            var companies: CompanyPieces?
            let first = matchRule ?? 0
            for step in 0..<count {
                let index = step == 0 ? first : step <= first ? step - 1 : step
                let shortcut = shortcuts[index]
                if shortcut.column != Shortcut.none {
                    switch quickVerdict(shortcut, record) {
                    case .blank:
                        bits |= shortcut.blankBit
                        continue
                    case .value:
                        bits |= shortcut.valueBit
                        if shortcut.identifies { identity = true }
                        continue
                    case .unknown:
                        break
                    }
                }
                let rule = steps[index]
                switch evaluate(index, record, &scratch, verdictOnly: true) {
                case .blank:
                    bits |= shortcut.blankBit
                case .value(let value) where rule.target == .company:
                    if case .text(let text) = value {
                        var pieces = companies ?? CompanyPieces()
                        pieces.add(index, text, self)
                        companies = pieces
                    }
                case .value(let value):
                    if shortcut.identifies { identity = true }
                    if rule.isMatch, case .text(let key) = value {
                        let hash = ContactMapper.keyHash(bytes: UnsafeRawBufferPointer(key))
                        keyHash = hash
                        onKeyHash(hash)
                    }
                    bits |= shortcut.valueBit
                    if case .phone(_, true) = value, !rule.extensionMapped { warned = true }
                case .rejected where rule.skipsInvalid:
                    warned = true
                case .rejected(let reason, _):
                    refused = reason
                }
                scratch.reset()
                if let reason = refused {
                    // Any refusal after the match rule is the first in the mapping's order; one of the match rule
                    // is, unless a rule before it refuses too.
                    guard step == 0 && first > 0 else { return .rejected(reason) }
                    return .rejected(firstRefusal(before: first, record, &scratch) ?? reason)
                }
            }
            guard let keyHash, !isUser || identity, companies?.problem == nil else { return .incomplete }
            return .valid(ScanResult(keyHash: keyHash, fields: bits, warned: warned))
        }
    }

    /// The reason of the first rule before `end` that refuses its value (an `invalid: skip` rule does not).
    private func firstRefusal(before end: Int, _ record: RecordBuffer, _ scratch: inout Scratch) -> RejectReason? {
        for index in 0..<end {
            defer { scratch.reset() }
            if case .rejected(let reason, _) = evaluate(index, record, &scratch, verdictOnly: true),
                !steps[index].skipsInvalid
            {
                return reason
            }
        }
        return nil
    }

    static var empty: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: nil, count: 0) }

    /// The trimmed, non-blank pieces of a list rule's value (tags, companies) split at `separator` (the whole value
    /// when the separator is empty): the one split behind both the check and the values sent.
    /// - Parameter keepBlanks: keep blank pieces, so that positions pair up (company ids with their names, one of
    ///   which may have none).
    static func pieces(
        _ text: UnsafeBufferPointer<UInt8>, _ separator: UnsafeBufferPointer<UInt8>, keepBlanks: Bool = false
    ) -> [UnsafeBufferPointer<UInt8>] {
        guard !separator.isEmpty, text.count >= separator.count else {
            return isBlank(text) ? [] : [trimmed(text)]
        }
        var result: [UnsafeBufferPointer<UInt8>] = []
        var start = 0
        var index = 0
        func add(_ end: Int) {
            let piece = trimmed(UnsafeBufferPointer(rebasing: text[start..<end]))
            if keepBlanks || !isBlank(piece) { result.append(piece) }
        }
        while index + separator.count <= text.count {
            if text[index] == separator[0]
                && (separator.count == 1 || text[index..<(index + separator.count)].elementsEqual(separator))
            {
                add(index)
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        add(text.count)
        return result
    }

    /// Without leading and trailing spaces and tabs (U+0020, U+0009: the bytes, whatever follows them).
    @inline(__always)
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        if start == 0 && end == bytes.count { return bytes }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// Whether the bytes are empty or only spaces and tabs.
    @inline(__always)
    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// Lower-cased: byte by byte for ASCII (returned as is when there is nothing to change), by Unicode's rules else.
    @inline(__always)
    static func lowered(_ bytes: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch) -> UnsafeBufferPointer<UInt8> {
        recased(bytes, &scratch, from: 0x41, { $0.lowercased() })
    }

    @inline(__always)
    static func uppered(_ bytes: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch) -> UnsafeBufferPointer<UInt8> {
        recased(bytes, &scratch, from: 0x61, { $0.uppercased() })
    }

    /// `bytes` with the ASCII letters from `low` (A or a) flipped, or `unicode` applied when any byte is not ASCII.
    @inline(__always)
    private static func recased(
        _ bytes: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch, from low: UInt8, _ unicode: (String) -> String
    ) -> UnsafeBufferPointer<UInt8> {
        var changes = false
        // Eight bytes at a time while they are ASCII and none is a letter to flip: an email key is looked at here on
        // every row. The bytes left (from the first word that is not so) go through the loop below.
        var start = 0
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let high: UInt64 = 0x8080_8080_8080_8080
            while start + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
                // Below 0x80 each, a byte plus at most 0x3F carries into no other byte.
                let atLeastLow = word &+ ones &* UInt64(0x80 - low)
                let pastHigh = word &+ ones &* UInt64(0x80 - low - 26)
                guard word & high == 0, atLeastLow & ~pastHigh & high == 0 else { break }
                start += 8
            }
        }
        for byte in UnsafeBufferPointer(rebasing: bytes[start...]) {
            if byte >= 0x80 {
                let converted = Array(unicode(String(decoding: bytes, as: UTF8.self)).utf8)
                let output = scratch.take(converted.count)
                _ = output.initialize(from: converted)
                return UnsafeBufferPointer(output)
            }
            if byte &- low < 26 { changes = true }
        }
        guard changes else { return bytes }
        let output = scratch.take(bytes.count)
        for (index, byte) in bytes.enumerated() { output[index] = byte &- low < 26 ? byte ^ 0x20 : byte }
        return UnsafeBufferPointer(output)
    }

    /// The URL check of a `url` rule (an avatar): `http(s)://`, more than 10 bytes, no space; `bytes` trimmed.
    @inline(__always)
    static func isURL(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // `memchr` for the space: it reads many bytes at a time, and URLs are long.
        startsWithHTTP(bytes) && bytes.count > 10 && memchr(bytes.baseAddress!, 0x20, bytes.count) == nil
    }

    /// Whether `bytes` start with `http://` or `https://` (compared here: a static array would cost a check of its
    /// lazy initialisation on every call).
    @inline(__always)
    static func startsWithHTTP(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 7, bytes[0] == 0x68, bytes[1] == 0x74, bytes[2] == 0x74, bytes[3] == 0x70 else {
            return false
        }
        let rest = bytes[4] == 0x73 ? 5 : 4  // "s"
        return bytes.count >= rest + 3 && bytes[rest] == 0x3A && bytes[rest + 1] == 0x2F && bytes[rest + 2] == 0x2F
    }

    /// A whole number in Int64's range: an optional sign, then digits only.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        guard index < bytes.count else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- 48
            guard digit < 10 else { return nil }
            // Accumulated negatively, so that Int64.min fits.
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times.subtractingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        return value == Int64.min ? nil : -value
    }

    /// Whether `bytes` are a number as JSON writes it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isCanonicalJSONNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count && bytes[index] &- 48 < 10 { index += 1 }
            return index - start
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return false
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }

    /// Whether a digit other than 0 comes before any exponent (a number that is not zero as written).
    static func hasNonZeroMantissa(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes {
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "p")
                || byte == UInt8(ascii: "P")
            {
                return false
            }
            if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return true }
        }
        return false
    }

    /// A value shortened for reports (at most 60 characters).
    static func shorten(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        ContactMapper.shorten(String(decoding: bytes, as: UTF8.self))
    }
}

extension RuleProgram {
    /// The region of phone rule `index` for `record`: the one its country column names, else the rule's own.
    func rowRegion(_ index: Int, _ record: RecordBuffer) -> PhoneRegion? {
        guard let column = regionColumns[index] else { return regions[index] }
        let cell = Self.trimmed(ContactMapper.cellBytes(column, in: record))
        guard !cell.isEmpty else { return regions[index] }
        return PhoneRegion.named(String(decoding: cell, as: UTF8.self)) ?? regions[index]
    }
}

/// Which positions of a row's company id and name lists are filled (one position without a separator), and what is
/// wrong with them: the one statement of that check, for ``RuleProgram/scan(_:isUser:onKeyHash:)`` and
/// ``ContactMapper/map(_:)``.
struct CompanyPieces {
    var idsFilled: [Bool] = []
    var namesFilled: [Bool] = []

    mutating func add(_ index: Int, _ text: UnsafeBufferPointer<UInt8>, _ program: RuleProgram) {
        guard !program.steps[index].isCustomAttribute else { return }
        let filled = {
            RuleProgram.pieces(text, program.listSeparators[index], keepBlanks: true).map { !RuleProgram.isBlank($0) }
        }
        switch program.names[index] {
        case "company_id": idsFilled = filled()
        case "name": namesFilled = filled()
        default: break
        }
    }

    var ids: Int { idsFilled.filter { $0 }.count }
    var names: Int { namesFilled.filter { $0 }.count }

    /// A company named without an id, or ids and names that do not pair up.
    var problem: RejectReason? {
        guard namesFilled.contains(true) else { return nil }
        if !idsFilled.contains(true) { return .missingCompanyID }
        if idsFilled.count != namesFilled.count { return .companyListMismatch }
        if zip(idsFilled, namesFilled).contains(where: { !$0 && $1 }) { return .missingCompanyID }
        return nil
    }
}
