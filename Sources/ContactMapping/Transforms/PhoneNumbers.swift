import CPhoneNumber

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Phone numbers to E.164 (`+14155550123`), with the region of numbers written without their calling code.
///
/// libphonenumber is the authority: a number is sent when it parses and is *possible* for its region (a length
/// that the region's numbers have), not only when it is *valid* (in a range assigned today). CRM exports hold
/// numbers with unassigned area codes (test data, 555 numbers, ranges newer than the metadata), Intercom stores any
/// text, and refusing them would lose real numbers for no gain; a number of a wrong length is refused.
///
/// libphonenumber costs 18–32 µs a number, seconds per million rows, so a fast path of ours decides the common
/// shapes (digits and separators, `+` or national, in the regions of ``PhoneRegion``) with no allocation, and
/// leaves every other text to libphonenumber. This is the one rule with two implementations, because the authority
/// is not ours: `PhoneDifferentialTests` holds the fast path's E.164 and verdict equal to libphonenumber's on every
/// number it decides.
public enum PhoneNumbers {
    /// Room for the E.164 text at the start of an output buffer (`+`, a calling code and up to 17 digits).
    public static let maxE164Length = 24
    /// The most bytes of an extension kept (libphonenumber's own limit is 20 digits).
    public static let maxExtensionLength = 40
    /// The size of the buffer that ``parse(_:region:into:)`` writes to: the E.164 text, then the extension.
    public static let outputCapacity = maxE164Length + maxExtensionLength

    /// Where a parsed number is in the output buffer: the E.164 text at 0, the extension at ``maxE164Length``.
    public struct Parsed: Sendable, Equatable {
        public var e164Length: Int
        public var extensionLength: Int
    }

    /// What the fast path makes of a text.
    public enum FastOutcome: Sendable, Equatable {
        /// A possible number, written to the output (its length).
        case number(Int)
        /// Not a possible number (libphonenumber refuses it or finds it of a wrong length).
        case notPossible
        /// Not a shape the fast path decides: libphonenumber does.
        case undecided
    }

    /// The number in `text`, written to `output` (``outputCapacity`` bytes), or nil when it is not a possible phone
    /// number: the one statement of the phone rule. `region` is for numbers written without `+`.
    public static func parse(
        _ text: UnsafeBufferPointer<UInt8>, region: PhoneRegion?, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Parsed? {
        parse(text, facts: region?.fast, hasRegion: region != nil, region: { region }, into: output)
    }

    /// ``parse(_:region:into:)`` with the region's plain facts at hand (no reference counting on the fast path), and
    /// the region itself only for libphonenumber.
    @inline(__always)
    static func parse(
        _ text: UnsafeBufferPointer<UInt8>, facts: PhoneRegion.FastFacts?, hasRegion: Bool,
        region: () -> PhoneRegion?, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Parsed? {
        switch fast(text, facts: facts, hasRegion: hasRegion, into: output) {
        case .number(let length): return Parsed(e164Length: length, extensionLength: 0)
        case .notPossible: return nil
        case .undecided: return authority(text, region: region(), into: output)
        }
    }

    /// ``parse(_:region:into:)`` on a String: the E.164 form and the extension (nil when there is none).
    public static func parse(_ text: String, region: PhoneRegion?) -> (e164: String, extension: String?)? {
        var text = text
        return text.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: outputCapacity) { output in
                guard let parsed = parse(bytes, region: region, into: output) else { return nil }
                let e164 = String(decoding: UnsafeBufferPointer(rebasing: output[0..<parsed.e164Length]), as: UTF8.self)
                let start = maxE164Length
                let ext = UnsafeBufferPointer(rebasing: output[start..<(start + parsed.extensionLength)])
                return (e164, parsed.extensionLength == 0 ? nil : String(decoding: ext, as: UTF8.self))
            }
        }
    }

    /// What libphonenumber itself makes of a text, for the differential test and `mapping init`.
    public struct Verdict: Sendable, Equatable {
        /// Whether the text parsed and is a possible number for its region.
        public var isPossible: Bool
        /// Whether it is also in an assigned range.
        public var isValid: Bool
        /// The E.164 form when the text parsed (possible or not).
        public var e164: String?
        public var extensionDigits: String?
    }

    /// libphonenumber's verdict on `text`, `region` being the default region (an ISO code, or nil for none).
    public static func authority(_ text: String, region: String?) -> Verdict {
        var result = cpn_result()
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                if let region {
                    cpn_parse(characters.baseAddress, characters.count, region, &result)
                } else {
                    cpn_parse(characters.baseAddress, characters.count, nil, &result)
                }
            }
        }
        let e164 = withUnsafeBytes(of: &result.e164) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        let ext = withUnsafeBytes(of: &result.extension) {
            String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
        }
        return Verdict(
            isPossible: result.verdict == CPN_POSSIBLE, isValid: result.is_valid != 0,
            e164: result.verdict == CPN_NOT_A_NUMBER ? nil : e164, extensionDigits: ext.isEmpty ? nil : ext)
    }

    /// An example national number of `region` from libphonenumber's metadata (a mobile one or a fixed line), or nil:
    /// realistic digits for generated test data.
    public static func exampleNumber(region: String, mobile: Bool) -> String? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 24) { digits in
            cpn_example_number(region, mobile ? 1 : 0, digits.baseAddress)
            let text = String(cString: digits.baseAddress!)
            return text.isEmpty ? nil : text
        }
    }

    /// libphonenumber's answer, written as ``parse(_:region:into:)`` writes.
    static func authority(
        _ text: UnsafeBufferPointer<UInt8>, region: PhoneRegion?, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Parsed? {
        var result = cpn_result()
        text.withMemoryRebound(to: CChar.self) { characters in
            if let code = region?.code {
                cpn_parse(characters.baseAddress, characters.count, code, &result)
            } else {
                cpn_parse(characters.baseAddress, characters.count, nil, &result)
            }
        }
        guard result.verdict == CPN_POSSIBLE else { return nil }
        func copy<T>(_ field: inout T, to start: Int, limit: Int) -> Int {
            withUnsafeBytes(of: &field) { raw in
                let count = min(strnlen(raw.bindMemory(to: CChar.self).baseAddress!, raw.count), limit)
                for index in 0..<count { output[start + index] = raw[index] }
                return count
            }
        }
        let length = copy(&result.e164, to: 0, limit: maxE164Length)
        let ext = copy(&result.extension, to: maxE164Length, limit: maxExtensionLength)
        return Parsed(e164Length: length, extensionLength: ext)
    }
}
