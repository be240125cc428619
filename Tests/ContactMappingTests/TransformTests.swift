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
        // Excel's serial dates, as an xlsx stores a date cell.
        ("excel", "45352", 1_709_251_200),
        ("excel", "45352.5", 1_709_294_400),
        ("excel", "45352.39583333333333", 1_709_285_400),
        ("excel", "61", -2_203_891_200),
        ("excel", "25569", 0),
    ])
    func datesParseToEpochSeconds(format: String, text: String, expected: Int) {
        #expect(parse(format, text) == expected)
    }

    @Test(arguments: [
        ("MM/dd/yyyy", "31/31/2020"), ("MM/dd/yyyy", "02/30/2024"), ("dd.MM.yyyy", "29.02.2023"),
        ("iso8601", "2024-13-01"), ("iso8601", "yesterday"), ("iso8601", "2024-03-01T25:00:00Z"), ("epoch", "12a"),
        ("MM/dd/yyyy", "03/01/24"), ("iso8601", "2024-03-01T09:30:00Zjunk"),
        ("excel", "60"), ("excel", "45352."), ("excel", "45352.5x"), ("excel", "-1"), ("excel", "4.5E4"),
        ("excel", "29584660"), ("excel", ""),
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
            #expect(verdict == PlainRules.isPlausibleEmail(bytes), "\(bytes)")
            #expect(EmailAddresses.isPlausible(bytes: bytes.lazy.map { $0 }) == verdict)
            if verdict { plausible += 1 }
        }
        #expect(plausible > 100)
    }
}

struct PhoneValidityTests {
    /// The phone rules written plainly, on Strings: the oracle for the one byte implementation.
    static func plainly(_ text: String, _ code: String?) -> String? {
        var digits = ""
        var international = false
        for character in text {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else if character == "+" && digits.isEmpty && !international {
                international = true
            } else if !" -.()/\t".contains(character) {
                return nil
            }
        }
        if !international && digits.hasPrefix("00") && digits.count > 2 {
            international = true
            digits.removeFirst(2)
        }
        var prefix = ""
        if !international {
            guard let code else { return nil }
            if code == "1" && digits.count == 11 && digits.hasPrefix("1") {
                digits.removeFirst()
            } else if digits.hasPrefix("0") && code != "39" {
                digits.removeFirst()
            }
            prefix = code
        }
        let number = prefix + digits
        guard (8...15).contains(number.count), !number.hasPrefix("0") else { return nil }
        return "+" + number
    }

    @Test func e164AgreesWithTheRulesWrittenPlainly() {
        let pieces = ["+", "0", "00", "1", "4", "(", ")", " ", "-", "5", "55", "0123", "x", "9", "44", ".", "\t", "é"]
        var random = SystemRandomNumberGenerator()
        var valid = 0
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
            for code in [nil, "1", "44", "39", "33", "353"] as [String?] {
                let made = PhoneNumbers.e164(text, defaultCallingCode: code)
                #expect(made == Self.plainly(text, code), "'\(text)' \(code ?? "-")")
                if made != nil { valid += 1 }
            }
        }
        #expect(valid > 1_000)
    }
}
