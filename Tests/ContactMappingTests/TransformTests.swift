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

    @Test(
        arguments: [
            ("M/d/yyyy h:mm a", "3/4/2024 3:05 PM", 1_709_564_700),
            ("M/d/yyyy h:mm a", "3/4/2024 12:05 am", 1_709_510_700),
            ("MM/dd/yyyy hh:mm:ss a", "03/04/2024 12:00:00 PM", 1_709_553_600),
            ("dd/MM/yyyy h:mm a", "04/03/2024 11:59 pm", 1_709_596_740),
        ] as [(String, String, Int)])
    func twelveHourClocksWithAMAndPM(format: String, text: String, expected: Int) {
        #expect(parse(format, text) == expected)
    }

    @Test func twelveHourClocksRefuseWhatNoClockShows() {
        #expect(parse("M/d/yyyy h:mm a", "3/4/2024 13:05 PM") == nil)
        #expect(parse("M/d/yyyy h:mm a", "3/4/2024 0:05 AM") == nil)
        #expect(parse("M/d/yyyy h:mm a", "3/4/2024 3:05 XM") == nil)
        #expect(parse("M/d/yyyy h:mm a", "3/4/2024 3:05") == nil)
        #expect(DateFormat("M/d/yyyy h:mm") == nil)  // a 12-hour clock without AM/PM
        #expect(DateFormat("M/d/yyyy HH:mm a") == nil)
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
            ("(415) 555-0123", "US", "+14155550123"),
            ("1-415-555-0123", "US", "+14155550123"),
            ("020 7946 0001", "GB", "+442079460001"),
            ("0044 20 7946 0001", "GB", "+442079460001"),
            ("+33 1 55 55 01 07", "GB", "+33155550107"),
            ("06 12 34 56 78", "FR", "+33612345678"),
            // Issue #21's three: the trunk (0) goes, and the mapping's region decides national numbers.
            ("+49 (0)30 5320199", "US", "+49305320199"),
            ("030 512301-99", "DE", "+493051230199"),
            ("06 18 82 92 28", "FR", "+33618829228"),
        ] as [(String, String?, String)])
    func phonesBecomeE164(text: String, region: String?, expected: String) {
        #expect(PhoneNumbers.parse(text, region: region.flatMap(PhoneRegion.init))?.e164 == expected)
    }

    @Test(arguments: ["555-0100", "+12", "call me", "", "0044 20 7946 0001", "+1 415 555 01"])
    func badPhonesAreRefused(text: String) {
        #expect(PhoneNumbers.parse(text, region: nil) == nil)
    }

    @Test(
        arguments: [
            ("295-589-1584 ext. 362", "+12955891584", "362"), ("(415) 555-0123 x48", "+14155550123", "48"),
            ("+1 212 555 0199 #7", "+12125550199", "7"),
        ])
    func extensionsAreSplitOff(text: String, e164: String, digits: String) throws {
        let parsed = try #require(PhoneNumbers.parse(text, region: PhoneRegion("US")))
        #expect(parsed.e164 == e164)
        #expect(parsed.extension == digits)
    }

    @Test func regionsAreNamedByCodeOrNameInSeveralLanguages() {
        for (text, code) in [
            ("DE", "DE"), ("de", "DE"), ("Germany", "DE"), ("Deutschland", "DE"), ("Allemagne", "DE"),
            ("Alemanha", "DE"), ("France", "FR"), ("Frankreich", "FR"), ("España", "ES"), ("Espagne", "ES"),
            ("United States", "US"), ("USA", "US"), ("Vereinigte Staaten", "US"), ("UK", "GB"),
            ("United Kingdom", "GB"), ("Royaume-Uni", "GB"), ("Österreich", "AT"), ("Brasil", "BR"), ("deu", "DE"),
        ] {
            #expect(PhoneRegion.named(text)?.code == code, "\(text)")
        }
        for text in ["Atlantis", "", "XX", "123"] { #expect(PhoneRegion.named(text) == nil, "\(text)") }
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
        let alphabet: [UInt8] =
            Array("ab.@@..;,+-_Z9abcdefgh".utf8) + [
                0x20, 0x09, 0x7F, 0xC3, 0xA9, 0x2F, 0x3A, 0x2E, 0x2D, 0x3F, 0x41, 0x00,
            ]
        var generator = SystemRandomNumberGenerator()
        var plausible = 0
        for round in 0..<20_000 {
            // Up to 30 bytes: the check passes eight at a time, so runs of every length around a word's matter.
            var bytes = (0..<Int.random(in: 0...30, using: &generator)).map { _ in
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

enum PhoneValidityTests {
    /// The phone rule as libphonenumber, the authority, states it: the reference model's phones.
    static func plainly(_ text: String, _ region: String?) -> String? {
        let verdict = PhoneNumbers.authority(text, region: region)
        return verdict.isPossible ? verdict.e164 : nil
    }
}
