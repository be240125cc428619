extension PhoneNumbers {
    /// The fast path: libphonenumber's parse of the shapes that make up most of a CRM's phone column, restated on
    /// bytes with no allocation. It decides only texts of digits and the separators space, `-`, `.`, `(`, `)`, `/`
    /// with at most a leading `+`, in regions whose metadata it holds (``PhoneRegion``), and only where
    /// libphonenumber's steps need no pattern: anything else (letters, extensions, dialling prefixes, carrier codes,
    /// a national number starting with its calling code but short enough to be either) is `.undecided`.
    ///
    /// The steps follow libphonenumber's `ParseHelper`: the calling code after `+` (or a national number's own,
    /// when without it the number is too long), then the trunk prefix (kept when what remains is not of a possible
    /// length), then the length check of `IsPossibleNumberWithReason`.
    public static func fast(
        _ text: UnsafeBufferPointer<UInt8>, region: PhoneRegion?, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> FastOutcome {
        guard text.count <= 250 else { return .undecided }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
            var count = 0
            var plus = false
            var started = false
            for byte in text {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard count < 20 else { return .undecided }
                    digits[count] = byte
                    count += 1
                    started = true
                case UInt8(ascii: "+"):
                    guard !started else { return .undecided }
                    plus = true
                    started = true
                case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"),
                    UInt8(ascii: "/"):
                    continue
                default:
                    return .undecided
                }
            }
            guard count >= 3 else { return .undecided }
            let all = UnsafeBufferPointer(rebasing: digits[0..<count])
            if plus { return international(all, into: output) }
            guard let region else { return .notPossible }  // a national number with no region is no number
            guard let facts = region.fast, let main = PhoneRegion.fastCallingCodes[region.callingCode],
                let mainFacts = main.fast
            else { return .undecided }
            for prefix in facts.nationalDefer where startsWith(all, prefix) { return .undecided }
            if startsWith(all, region.callingCode) {
                // libphonenumber takes the calling code off when the whole is too long for the region; otherwise
                // it compares the two against the region's number pattern, which only it has.
                guard lengthCheck(count, facts) == .tooLong else { return .undecided }
                let rest = UnsafeBufferPointer(rebasing: all[region.callingCode.utf8.count...])
                if let trunk = mainFacts.trunk, rest.first == trunk { return .undecided }
                return finish(rest, callingCode: main.callingCode, own: mainFacts, verdict: mainFacts, into: output)
            }
            return finish(all, callingCode: main.callingCode, own: facts, verdict: mainFacts, into: output)
        }
    }

    /// A number written with `+`: its calling code, then the rest as for a national number of the code's region.
    private static func international(
        _ digits: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>
    )
        -> FastOutcome
    {
        guard digits[0] != UInt8(ascii: "0") else { return .undecided }
        var value = 0
        for length in 1...3 where length < digits.count {
            value = value * 10 + Int(digits[length - 1] &- 48)
            // Calling codes are prefix-free: the first that is one is the one.
            guard let region = codeRegion(value, length) else { continue }
            guard let facts = region.fast else { return .undecided }
            let rest = UnsafeBufferPointer(rebasing: digits[length...])
            return finish(rest, callingCode: region.callingCode, own: facts, verdict: facts, into: output)
        }
        return .undecided
    }

    /// The main region of a calling code of `length` digits with the value `value`, when the fast path knows it.
    @inline(__always)
    private static func codeRegion(_ value: Int, _ length: Int) -> PhoneRegion? {
        let index = length == 1 ? value : length == 2 ? 10 + value : 110 + value
        return callingCodeTable[index]
    }

    /// ``PhoneRegion/fastCallingCodes`` by the code's value and length, read without hashing a String.
    private static let callingCodeTable: [PhoneRegion?] = {
        var table = [PhoneRegion?](repeating: nil, count: 1110)
        for (code, region) in PhoneRegion.fastCallingCodes {
            let value = Int(code)!
            table[code.count == 1 ? value : code.count == 2 ? 10 + value : 110 + value] = region
        }
        return table
    }()

    /// The national significant number's last steps: carrier codes left to libphonenumber, the trunk prefix, the
    /// length check, and the E.164 text.
    private static func finish(
        _ number: UnsafeBufferPointer<UInt8>, callingCode: String, own: PhoneRegion.FastFacts,
        verdict: PhoneRegion.FastFacts, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> FastOutcome {
        for prefix in own.numberDefer where startsWith(number, prefix) { return .undecided }
        var number = number
        if let trunk = own.trunk, number.first == trunk {
            let candidate = UnsafeBufferPointer(rebasing: number[1...])
            if candidate.first == UInt8(ascii: "0") { return .undecided }
            // The prefix stays when what is left could not be a whole number of the region.
            let check = lengthCheck(candidate.count, own)
            if check == .possible || check == .tooLong { number = candidate }
        }
        guard number.count >= 2, number.count <= 17, lengthCheck(number.count, verdict) == .possible else {
            return .notPossible
        }
        output[0] = UInt8(ascii: "+")
        var length = 1
        for byte in callingCode.utf8 {
            output[length] = byte
            length += 1
        }
        for byte in number {
            output[length] = byte
            length += 1
        }
        return .number(length)
    }

    enum LengthCheck {
        case possible
        case localOnly
        case tooShort
        case tooLong
        case invalidLength
    }

    /// libphonenumber's `TestNumberLength` for the region's general description.
    @inline(__always)
    static func lengthCheck(_ length: Int, _ facts: PhoneRegion.FastFacts) -> LengthCheck {
        guard length < 32 else { return .tooLong }
        let bit: UInt32 = 1 << UInt32(length)
        if facts.localOnly & bit != 0 { return .localOnly }
        let shortest = facts.possible.trailingZeroBitCount
        let longest = 31 - facts.possible.leadingZeroBitCount
        if length < shortest { return .tooShort }
        if length > longest { return .tooLong }
        return facts.possible & bit != 0 ? .possible : .invalidLength
    }

    @inline(__always)
    private static func startsWith(_ digits: UnsafeBufferPointer<UInt8>, _ prefix: String) -> Bool {
        var index = 0
        for byte in prefix.utf8 {
            guard index < digits.count, digits[index] == byte else { return false }
            index += 1
        }
        return true
    }
}
