/// The region of a file's national phone numbers, for `mapping init`: chosen among the regions the file points to
/// (its country column, the calling codes of its international numbers, its emails' country domains) as the one
/// under which most of its national numbers are valid, libphonenumber deciding.
struct PhoneGuess {
    /// Regions the file points to, with how often.
    private(set) var evidence: [String: Int] = [:]
    /// After ``region(numbers:)``: how many national numbers were tried, and how many were valid in the choice.
    private(set) var national = 0
    private(set) var valid = 0

    /// The most numbers scored per candidate region (libphonenumber costs tens of µs a number).
    static let scored = 500

    init(countries: [String], emails: [String]) {
        for country in countries {
            if let region = PhoneRegion.named(country) { evidence[region.code, default: 0] += 1 }
        }
        for email in emails {
            guard let dot = email.lastIndex(of: "."), email.contains("@") else { continue }
            let domain = email[email.index(after: dot)...].uppercased()
            let code = domain == "UK" ? "GB" : domain
            if code.count == 2, PhoneRegion(code) != nil { evidence[code, default: 0] += 1 }
        }
    }

    /// The region for the numbers in `numbers` written without their calling code.
    mutating func region(numbers: [String]) -> PhoneRegion {
        var nationals: [String] = []
        for number in numbers {
            let trimmed = number.trimmingSpaces()
            if trimmed.hasPrefix("+") {
                if let e164 = PhoneNumbers.authority(trimmed, region: nil).e164,
                    let region = PhoneRegion.of(e164: e164)
                {
                    evidence[region.code, default: 0] += 1
                }
            } else if nationals.count < Self.scored {
                nationals.append(trimmed)
            }
        }
        national = nationals.count
        let candidates = Set(evidence.keys).union(["US"]).sorted()
        var best = (region: "US", valid: -1, evidence: -1)
        for code in candidates {
            let valid = nationals.filter { PhoneNumbers.authority($0, region: code).isValid }.count
            let score = (code, valid, evidence[code] ?? 0)
            if (score.1, score.2) > (best.valid, best.evidence) { best = score }
        }
        valid = max(0, best.valid)
        return PhoneRegion(best.region) ?? PhoneRegion("US")!
    }

    /// The comment beside the rule: why this region.
    func note(_ region: PhoneRegion) -> String {
        guard national > 0 else {
            return "every number has its +calling code; country: \(region.code) is for any that does not"
        }
        let others = evidence.filter { $0.key != region.code }.sorted { $0.value > $1.value }.prefix(3)
            .map(\.key).joined(separator: ", ")
        return "numbers without +: read as \(region.code) (\(valid) of the \(national) sampled are valid there"
            + (others.isEmpty ? ")" : "; the file also points to \(others))")
            + "; or give country_column: COLUMN for a country per row"
    }
}
