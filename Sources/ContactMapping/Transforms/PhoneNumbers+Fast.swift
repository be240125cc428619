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
        fast(text, facts: region?.fast, hasRegion: region != nil, into: output)
    }

    /// ``fast(_:region:into:)`` on the region's plain facts (`hasRegion` with no facts: a region the fast path
    /// leaves to libphonenumber).
    @inline(__always)
    static func fast(
        _ text: UnsafeBufferPointer<UInt8>, facts: PhoneRegion.FastFacts?, hasRegion: Bool,
        into output: UnsafeMutableBufferPointer<UInt8>
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
            guard hasRegion else { return .notPossible }  // a national number with no region is no number
            guard let facts else { return .undecided }
            if facts.nationalDefer.matches(leading(all), digitCount: count) { return .undecided }
            let codeLength = facts.callingCodeLength
            if count > codeLength && value(all, codeLength) == facts.callingCode {
                // libphonenumber takes the calling code off when the whole is too long for the region; otherwise
                // it compares the two against the region's number pattern, which only it has.
                guard lengthCheck(count, facts.possible, facts.localOnly) == .tooLong else { return .undecided }
                let rest = UnsafeBufferPointer(rebasing: all[codeLength...])
                if facts.trunk != 0 && rest.first == facts.trunk { return .undecided }
                var main = facts
                main.possible = facts.verdictPossible
                main.localOnly = facts.verdictLocalOnly
                return finish(rest, main, into: output)
            }
            return finish(all, facts, into: output)
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
            let index = length == 1 ? value : length == 2 ? 10 + value : 110 + value
            guard let facts = callingCodeTable[index] else { continue }
            return finish(UnsafeBufferPointer(rebasing: digits[length...]), facts, into: output)
        }
        return .undecided
    }

    /// The facts of the main region of each calling code the fast path knows, by the code's value and length (one
    /// digit: 0–9, two: 10 + value, three: 110 + value), read without hashing a String.
    private static let callingCodeTable: [PhoneRegion.FastFacts?] = {
        var table = [PhoneRegion.FastFacts?](repeating: nil, count: 1110)
        for (code, region) in PhoneRegion.fastCallingCodes {
            let value = Int(code)!
            table[code.count == 1 ? value : code.count == 2 ? 10 + value : 110 + value] = region.fast
        }
        return table
    }()

    /// The values of the first 1, 2, 3 and 4 digits (index 0 unused).
    @inline(__always)
    private static func leading(_ digits: UnsafeBufferPointer<UInt8>) -> (UInt32, UInt32, UInt32, UInt32, UInt32) {
        (0, value(digits, 1), value(digits, 2), value(digits, 3), value(digits, 4))
    }

    /// The value of the first `count` digits (as many as there are).
    @inline(__always)
    private static func value(_ digits: UnsafeBufferPointer<UInt8>, _ count: Int) -> UInt32 {
        var result: UInt32 = 0
        for index in 0..<min(count, digits.count) { result = result * 10 + UInt32(digits[index] &- 48) }
        return result
    }

    /// The national significant number's last steps: carrier codes left to libphonenumber, the trunk prefix, the
    /// length check, and the E.164 text.
    @inline(__always)
    private static func finish(
        _ number: UnsafeBufferPointer<UInt8>, _ facts: PhoneRegion.FastFacts,
        into output: UnsafeMutableBufferPointer<UInt8>
    ) -> FastOutcome {
        if facts.numberDefer.count > 0, facts.numberDefer.matches(leading(number), digitCount: number.count) {
            return .undecided
        }
        var number = number
        if facts.trunk != 0, number.first == facts.trunk {
            let candidate = UnsafeBufferPointer(rebasing: number[1...])
            if candidate.first == UInt8(ascii: "0") { return .undecided }
            // The prefix stays when what is left could not be a whole number of the region.
            let check = lengthCheck(candidate.count, facts.possible, facts.localOnly)
            if check == .possible || check == .tooLong { number = candidate }
        }
        guard number.count >= 2, number.count <= 17,
            lengthCheck(number.count, facts.verdictPossible, facts.verdictLocalOnly) == .possible
        else {
            return .notPossible
        }
        output[0] = UInt8(ascii: "+")
        // The calling code's digits, most significant first.
        var code = facts.callingCode
        var position = facts.callingCodeLength
        while position > 0 {
            output[position] = UInt8(truncatingIfNeeded: code % 10) + 48
            code /= 10
            position -= 1
        }
        var length = 1 + facts.callingCodeLength
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
    static func lengthCheck(_ length: Int, _ possible: UInt32, _ localOnly: UInt32) -> LengthCheck {
        guard length < 32 else { return .tooLong }
        let bit: UInt32 = 1 << UInt32(length)
        if localOnly & bit != 0 { return .localOnly }
        let shortest = possible.trailingZeroBitCount
        let longest = 31 - possible.leadingZeroBitCount
        if length < shortest { return .tooShort }
        if length > longest { return .tooLong }
        return possible & bit != 0 ? .possible : .invalidLength
    }
}
