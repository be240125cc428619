import CPhoneNumber

/// A region (ISO 3166 alpha-2) as the phone rules use it: its calling code, and for the regions that the fast path
/// decides, what it needs of libphonenumber's metadata.
///
/// The fast path's facts (trunk prefix, possible lengths, the prefixes it leaves to libphonenumber) were read from
/// libphonenumber's metadata (8.12) and are held to it by `PhoneDifferentialTests`: where they drift, that test fails.
public struct PhoneRegion: Sendable, Equatable, Hashable {
    /// The ISO code, upper case (`DE`).
    public let code: String
    /// The country calling code's digits (`49`).
    public let callingCode: String
    /// What the fast path knows of the region; nil when every number of it goes to libphonenumber.
    let fast: FastFacts?

    public static func == (left: PhoneRegion, right: PhoneRegion) -> Bool { left.code == right.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The metadata the fast path reads, for one region: plain values only, so that reading them for every row
    /// costs no reference counting.
    struct FastFacts: Sendable {
        /// The calling code's value and its number of digits (`49`, 2).
        var callingCode: UInt32
        var callingCodeLength: Int
        /// The national (trunk) prefix digit, or 0 for none (libphonenumber strips it only where it is plain).
        var trunk: UInt8
        /// Bit n: a national significant number of n digits is possible here; `localOnly` only for local dialling.
        var possible: UInt32
        var localOnly: UInt32
        /// The same of the calling code's main region, which decides whether a number is possible (Canada's numbers
        /// are judged by the US's lengths).
        var verdictPossible: UInt32
        var verdictLocalOnly: UInt32
        /// Numbers written without `+` that start so go to libphonenumber (international dialling prefixes, carrier
        /// codes): its patterns for them are more than a digit string.
        var nationalDefer: DigitPrefixes
        /// National significant numbers that start so go to libphonenumber (carrier codes it strips).
        var numberDefer: DigitPrefixes
    }

    /// Up to four digit prefixes of up to four digits, packed (length in the high byte, value below).
    struct DigitPrefixes: Sendable {
        var packed: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        var count = 0

        init(_ prefixes: [String]) {
            precondition(prefixes.count <= 4 && prefixes.allSatisfy { (1...4).contains($0.count) })
            var values: [UInt32] = prefixes.map { UInt32($0.count) << 24 | UInt32($0)! }
            values += Array(repeating: 0, count: 4 - values.count)
            packed = (values[0], values[1], values[2], values[3])
            count = prefixes.count
        }

        /// Whether `digits` start with one of the prefixes; `leading[k]` is the value of their first k digits.
        @inline(__always)
        func matches(_ leading: (UInt32, UInt32, UInt32, UInt32, UInt32), digitCount: Int) -> Bool {
            guard count > 0 else { return false }
            func test(_ entry: UInt32) -> Bool {
                let length = Int(entry >> 24)
                guard length > 0, length <= digitCount else { return false }
                let value = entry & 0xFF_FFFF
                switch length {
                case 1: return leading.1 == value
                case 2: return leading.2 == value
                case 3: return leading.3 == value
                default: return leading.4 == value
                }
            }
            return test(packed.0) || test(packed.1) || test(packed.2) || test(packed.3)
        }
    }

    /// A region libphonenumber knows (`de`, `DE`), or nil.
    public init?(_ code: String) {
        let upper = code.uppercased()
        guard upper.utf8.count == 2, upper.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        if let known = Self.fastRegions[upper] {
            self = known
            return
        }
        let calling = cpn_calling_code(upper)
        guard calling > 0 else { return nil }
        self.init(code: upper, callingCode: String(calling), fast: nil)
    }

    private init(code: String, callingCode: String, fast: FastFacts?) {
        self.code = code
        self.callingCode = callingCode
        self.fast = fast
    }

    /// The regions the fast path decides numbers of, and the main region of each of their calling codes.
    static let fastRegions: [String: PhoneRegion] = {
        func lengths(_ values: [Int]) -> UInt32 { values.reduce(0) { $0 | 1 << UInt32($1) } }
        func region(
            _ code: String, _ calling: String, trunk: String?, _ possible: [Int], local: [Int] = [],
            defer nationalDefer: [String] = ["00"], numberDefer: [String] = []
        ) -> (String, PhoneRegion) {
            let facts = FastFacts(
                callingCode: UInt32(calling)!, callingCodeLength: calling.count, trunk: trunk?.utf8.first ?? 0,
                possible: lengths(possible), localOnly: lengths(local), verdictPossible: lengths(possible),
                verdictLocalOnly: lengths(local), nationalDefer: DigitPrefixes(nationalDefer),
                numberDefer: DigitPrefixes(numberDefer))
            return (code, PhoneRegion(code: code, callingCode: calling, fast: facts))
        }
        let all = [
            region("US", "1", trunk: "1", [10], local: [7], defer: ["011"]),
            region("CA", "1", trunk: "1", [7, 10], defer: ["011"]),
            region("GB", "44", trunk: "0", [7, 9, 10], local: [4, 5, 6, 8]),
            region("DE", "49", trunk: "0", Array(4...15), local: [2, 3]),
            region("FR", "33", trunk: "0", [9]),
            region("BE", "32", trunk: "0", [8, 9]),
            region("CH", "41", trunk: "0", [9, 12]),
            region("AT", "43", trunk: "0", Array(4...13), local: [3]),
            region("NL", "31", trunk: "0", Array(5...11)),
            region("SE", "46", trunk: "0", [6, 7, 8, 9, 10, 12]),
            region("IE", "353", trunk: "0", [7, 8, 9, 10], local: [5, 6]),
            region("IN", "91", trunk: "0", Array(8...13), local: [6, 7]),
            region("JP", "81", trunk: "0", Array(8...17), defer: ["00", "010"]),
            region("NZ", "64", trunk: "0", Array(5...10), defer: ["00", "0161"]),
            region("ZA", "27", trunk: "0", Array(5...10)),
            region("AE", "971", trunk: "0", Array(5...12)),
            region("TR", "90", trunk: "0", [7, 10, 12, 13]),
            region("PH", "63", trunk: "0", [6, 8, 9, 10, 11, 12, 13], local: [4, 5, 7]),
            region("RO", "40", trunk: "0", [6, 9]),
            region("IL", "972", trunk: "0", Array(7...12), defer: ["00", "01"]),
            region("NG", "234", trunk: "0", [7, 8, 10, 11, 12, 13, 14], local: [5, 6]),
            region("FI", "358", trunk: "0", Array(5...12), defer: ["00", "99"]),
            region("AU", "61", trunk: "0", [5, 6, 7, 8, 9, 10, 12], defer: ["00", "14", "183"], numberDefer: ["183"]),
            region(
                "CN", "86", trunk: "0", Array(7...12), local: [5, 6], defer: ["00", "11", "12", "179"],
                numberDefer: ["11", "12", "179"]),
            region("ES", "34", trunk: nil, [9]),
            region("DK", "45", trunk: nil, [8]),
            region("NO", "47", trunk: nil, [5, 8]),
            region("PL", "48", trunk: nil, Array(6...10)),
            region("PT", "351", trunk: nil, [9]),
            region("CZ", "420", trunk: nil, Array(9...12)),
            region("GR", "30", trunk: nil, [10, 11, 12]),
            region("SG", "65", trunk: nil, [8, 10, 11], defer: ["0"]),
            region("IT", "39", trunk: nil, Array(6...12)),
            region("HK", "852", trunk: nil, [5, 6, 7, 8, 9, 11]),
        ]
        var table = Dictionary(uniqueKeysWithValues: all)
        // A number is judged by the lengths of its calling code's main region (the US for Canada, +1's first).
        for (code, region) in table where code == "CA" {
            var facts = region.fast!
            facts.verdictPossible = table["US"]!.fast!.possible
            facts.verdictLocalOnly = table["US"]!.fast!.localOnly
            table[code] = PhoneRegion(code: code, callingCode: region.callingCode, fast: facts)
        }
        return table
    }()

    /// The main region of each calling code the fast path knows (`1` is the US: its lengths decide for Canada too).
    static let fastCallingCodes: [String: PhoneRegion] = {
        var result: [String: PhoneRegion] = [:]
        for region in fastRegions.values where region.code != "CA" { result[region.callingCode] = region }
        return result
    }()
}

extension PhoneRegion {
    /// The regions whose numbers the fast path decides (the others go to libphonenumber whole).
    public static var fastRegionCodes: [String] { fastRegions.keys.sorted() }

    /// The region's trunk prefix as the fast path knows it ("0", "1"), nil when it has none or is not a fast region.
    public var fastTrunk: String? {
        guard let trunk = fast?.trunk, trunk != 0 else { return nil }
        return String(UnicodeScalar(trunk))
    }
}

extension PhoneRegion {
    /// The main region of an E.164 number's calling code (`+4930…` → DE), or nil.
    public static func of(e164: String) -> PhoneRegion? {
        let digits = e164.utf8.dropFirst()
        for length in 1...3 where digits.count > length {
            guard let code = Int(String(decoding: digits.prefix(length), as: UTF8.self)) else { return nil }
            var region: (CChar, CChar, CChar) = (0, 0, 0)
            withUnsafeMutableBytes(of: &region) {
                cpn_region_for_calling_code(Int32(code), $0.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            let name = withUnsafeBytes(of: &region) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "ZZ", name.count == 2, let known = PhoneRegion(name) { return known }
        }
        return nil
    }
}
