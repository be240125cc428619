import ContactMapping
import Testing

struct TransformTests {
    func parse(_ format: String, _ text: String) -> Int? {
        var text = text
        return text.withUTF8 { DateFormat(format)!.parse($0) }
    }

    @Test(arguments: [
        ("iso8601", "2024-03-01", 1_709_251_200),
        ("iso8601", "2024-03-01T09:30:00Z", 1_709_285_400),
        ("iso8601", "2024-03-01 09:30:00+02:00", 1_709_278_200),
        ("iso8601", "2024-03-01T09:30:00.123Z", 1_709_285_400),
        ("epoch", "1709251200", 1_709_251_200),
        ("epoch", "1709251200000", 1_709_251_200),
        ("MM/dd/yyyy", "03/01/2024", 1_709_251_200),
        ("MM/dd/yyyy", "3/1/2024", 1_709_251_200),
        ("dd/MM/yyyy", "01/03/2024", 1_709_251_200),
        ("dd.MM.yyyy HH:mm", "29.02.2024 12:00", 1_709_208_000),
        ("yyyy-MM-dd HH:mm:ss", "1970-01-01 00:00:01", 1),
    ])
    func datesParseToEpochSeconds(format: String, text: String, expected: Int) {
        #expect(parse(format, text) == expected)
    }

    @Test(arguments: [
        ("MM/dd/yyyy", "31/31/2020"), ("MM/dd/yyyy", "02/30/2024"), ("dd.MM.yyyy", "29.02.2023"),
        ("iso8601", "2024-13-01"), ("iso8601", "yesterday"), ("iso8601", "2024-03-01T25:00:00Z"), ("epoch", "12a"),
        ("MM/dd/yyyy", "03/01/24"), ("iso8601", "2024-03-01T09:30:00Zjunk"),
    ])
    func invalidDatesAreRefused(format: String, text: String) {
        #expect(parse(format, text) == nil)
    }

    @Test func unknownFormatTokensAreRefused() {
        #expect(DateFormat("MMM d, yyyy") == nil)
        #expect(DateFormat("yy-MM-dd") == nil)
        #expect(DateFormat("HH:mm") == nil)
        #expect(DateFormat("iso8601") == .iso8601)
    }

    @Test(
        arguments: [
            ("+1 (415) 555-0123", nil, "+14155550123"),
            ("(415) 555-0123", "1", "+14155550123"),
            ("1-415-555-0123", "1", "+14155550123"),
            ("020 7946 0001", "44", "+442079460001"),
            ("0044 20 7946 0001", nil, "+442079460001"),
            ("+33 1 55 55 01 07", "44", "+33155550107"),
            ("06 12 34 56 78", "33", "+33612345678"),
        ] as [(String, String?, String)])
    func phonesBecomeE164(text: String, callingCode: String?, expected: String) {
        #expect(PhoneNumbers.e164(text, defaultCallingCode: callingCode) == expected)
    }

    @Test(arguments: ["555-0100", "+1 415 555 0123 ext 4", "+12", "call me", ""])
    func badPhonesAreRefused(text: String) {
        #expect(PhoneNumbers.e164(text, defaultCallingCode: nil) == nil)
    }

    @Test func booleansAndEmails() {
        for yes in ["true", "Yes", "Y", "1", "on", "TRUE", "x"] { #expect(Booleans.parse(yes) == true) }
        for no in ["false", "No", "n", "0", "off"] { #expect(Booleans.parse(no) == false) }
        #expect(Booleans.parse("maybe") == nil)
        for good in ["a@b.co", "ann.smith+tag@mail.example.com"] { #expect(EmailAddresses.isPlausible(good)) }
        for bad in ["bob@", "no-at-sign", "a@b", "a b@c.com", "a@b..com", "@x.com", "a@.com", "a@b.c,d@e.f"] {
            #expect(!EmailAddresses.isPlausible(bad), "\(bad)")
        }
    }

    /// The email check (one pass, with a fast path for common bytes) must agree with its rules written plainly.
    @Test func theEmailCheckAgreesWithItsRulesWrittenPlainly() {
        func plainly(_ bytes: [UInt8]) -> Bool {
            let forbidden = Set(Array(",;".utf8) + [0x7F] + Array(0...0x20))
            let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
            guard bytes.count <= 254, !bytes.contains(where: forbidden.contains), parts.count == 2, !parts[0].isEmpty,
                !String(decoding: bytes, as: UTF8.self).contains("..")
            else { return false }
            let domain = Array(parts[1])
            guard domain.first != UInt8(ascii: "."), let lastDot = domain.lastIndex(of: UInt8(ascii: ".")) else {
                return false
            }
            return lastDot < domain.count - 1
        }
        let alphabet: [UInt8] = Array("ab.@@..;,+-_Z9".utf8) + [0x20, 0x09, 0x7F, 0xC3, 0xA9, 0x2F, 0x3A]
        var generator = SystemRandomNumberGenerator()
        var plausible = 0
        for round in 0..<20_000 {
            var bytes = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }
            if round % 2 == 0 { bytes = Array("user".utf8) + bytes + Array(".com".utf8) }
            if round % 1000 == 0 {
                bytes = Array(repeating: UInt8(ascii: "a"), count: 250 + round % 7) + Array("@b.co".utf8)
            }
            let verdict = bytes.withUnsafeBufferPointer { EmailAddresses.isPlausible(bytes: $0) }
            #expect(verdict == plainly(bytes), "\(bytes)")
            #expect(EmailAddresses.isPlausible(bytes: bytes.lazy.map { $0 }) == verdict)
            if verdict { plausible += 1 }
        }
        #expect(plausible > 100)
    }
}

struct PhoneValidityTests {
    /// `isValid` (validation's fast path) must agree with building the E.164 form, on every kind of input.
    @Test func isValidAgreesWithE164() {
        let pieces = ["+", "0", "00", "1", "4", "(", ")", " ", "-", "5", "55", "0123", "x", "9", "44", "."]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...9, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
            for code in [nil, "1", "44", "39", "33"] as [String?] {
                var bytes = text
                let fast = bytes.withUTF8 { PhoneNumbers.isValid($0, defaultCallingCode: code) }
                #expect(fast == (PhoneNumbers.e164(text, defaultCallingCode: code) != nil), "'\(text)' \(code ?? "-")")
            }
        }
    }
}
