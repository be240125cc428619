import ContactMapping
import SandboxTestSupport
import Testing

/// The phone fast path against libphonenumber, the authority (issue #21): on seeded generated numbers of many
/// regions and shapes, wherever the fast path decides, its E.164 text and its verdict are libphonenumber's.
struct PhoneDifferentialTests {
    static let seed: UInt64 = 21_2026
    static let count = 120_000
    /// The fast path's regions, and regions it leaves to libphonenumber (carrier codes, two-digit trunk prefixes).
    static let regions =
        PhoneRegion.fastRegionCodes + ["BR", "MX", "AR", "RU", "KR", "CO", "HU", "CL", "KE", "EG", "MY", "UA"]

    /// One generated text: a number of `region` written as people write them, or broken on purpose.
    static func text(_ random: inout SplitMix, region: String) -> String {
        func below(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(below(10))) }) }
        let callingCode = PhoneRegion(region)!.callingCode
        var number = PhoneNumbers.exampleNumber(region: region, mobile: below(2) == 0) ?? digits(9)
        // Other numbers of the same shape: the last digits changed, sometimes the length or the first digits.
        let keep = max(1, number.count - 1 - below(5))
        number = String(number.prefix(keep)) + digits(number.count - keep)
        switch below(10) {
        case 0: number += digits(1 + below(3))
        case 1: number = String(number.dropLast(1 + below(min(4, number.count - 1))))
        case 2: number = digits(1 + below(3)) + number.dropFirst(min(number.count - 1, below(3)))
        case 3: number = digits(2 + below(15))
        default: break
        }
        let trunk = PhoneRegion(region)!.fastTrunk ?? (below(2) == 0 ? "0" : "")
        var whole: String
        switch below(12) {
        case 0, 1, 2: whole = "+" + callingCode + number
        case 3: whole = "+" + callingCode + " (0)" + number
        case 4, 5, 6: whole = trunk + number
        case 7: whole = number
        case 8: whole = "00" + callingCode + number
        case 9: whole = "011" + callingCode + number
        case 10: whole = callingCode + number
        default: whole = "0" + trunk + number
        }
        // Separators between digits, as people group them.
        let separators = [" ", "-", ".", "/", "(", ")", " - ", "  "]
        var spaced = ""
        for character in whole {
            spaced.append(character)
            if character.isNumber && below(4) == 0 { spaced += separators[below(below(3) == 0 ? separators.count : 2)] }
        }
        if below(10) == 0 { spaced = "(" + spaced }
        switch below(25) {
        case 0: spaced += " ext. " + digits(1 + below(4))
        case 1: spaced += " x" + digits(1 + below(4))
        case 2: spaced += "#" + digits(2)
        case 3: spaced = "tel: " + spaced
        case 4: spaced += ";ext=" + digits(3)
        case 5: spaced = spaced.replacingOccurrences(of: "1", with: "l")
        case 6: spaced = "\t" + spaced
        case 7: spaced = "++" + spaced
        case 8: spaced += "+"
        default: break
        }
        return spaced
    }

    @Test func theFastPathAgreesWithLibphonenumberWheneverItDecides() {
        var random = SplitMix(seed: Self.seed)
        var decided = 0
        var possible = 0
        var mismatches: [String] = []
        var decidedByRegion: [String: Int] = [:]
        let output = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: PhoneNumbers.outputCapacity)
        defer { output.deallocate() }
        for index in 0..<Self.count {
            let region = Self.regions[Int(random.next() % UInt64(Self.regions.count))]
            let text = Self.text(&random, region: region)
            // The default region is the number's own mostly, another one or none sometimes.
            let roll = random.next() % 10
            let defaultRegion =
                roll == 0 ? nil : roll == 1 ? Self.regions[Int(random.next() % UInt64(Self.regions.count))] : region
            let authority = PhoneNumbers.authority(text, region: defaultRegion)
            var copy = text
            let fast = copy.withUTF8 {
                PhoneNumbers.fast($0, region: defaultRegion.flatMap(PhoneRegion.init), into: output)
            }
            let expected = authority.isPossible ? authority.e164 : nil
            switch fast {
            case .undecided:
                continue
            case .number(let length):
                let made = String(decoding: UnsafeBufferPointer(rebasing: output[0..<length]), as: UTF8.self)
                if made != expected || authority.extensionDigits != nil {
                    mismatches.append(
                        "#\(index) '\(text)' in \(defaultRegion ?? "-"): fast \(made), libphonenumber \(expected ?? "not possible")"
                    )
                }
                possible += 1
            case .notPossible:
                if expected != nil {
                    mismatches.append(
                        "#\(index) '\(text)' in \(defaultRegion ?? "-"): fast not possible, libphonenumber \(expected!)"
                    )
                }
            }
            decided += 1
            decidedByRegion[region, default: 0] += 1
        }
        #expect(
            mismatches.isEmpty,
            "\(mismatches.count) mismatches, seed \(Self.seed):\n\(mismatches.prefix(40).joined(separator: "\n"))")
        // The comparison means something only if the fast path decides much, and of many regions.
        // (Texts with letters, extensions or dialling prefixes, a third of them here, go to libphonenumber.)
        #expect(decided > Self.count / 3, "decided \(decided) of \(Self.count)")
        #expect(possible > Self.count / 5, "possible \(possible)")
        #expect(decidedByRegion.filter { $0.value > 500 }.count >= 20, "\(decidedByRegion)")
    }

    /// `parse` (fast path, else libphonenumber) is libphonenumber's answer on every text, decided or not.
    @Test func parseIsLibphonenumbersAnswer() {
        var random = SplitMix(seed: Self.seed &+ 1)
        for _ in 0..<5_000 {
            let region = Self.regions[Int(random.next() % UInt64(Self.regions.count))]
            let text = Self.text(&random, region: region)
            let authority = PhoneNumbers.authority(text, region: region)
            let parsed = PhoneNumbers.parse(text, region: PhoneRegion(region))
            #expect(parsed?.e164 == (authority.isPossible ? authority.e164 : nil), "'\(text)' in \(region)")
            if authority.isPossible { #expect(parsed?.extension == authority.extensionDigits, "'\(text)'") }
        }
    }
}
