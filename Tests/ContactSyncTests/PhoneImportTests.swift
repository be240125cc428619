import ContactIO
import ContactMapping
import ContactSync
import Foundation
import IntercomAPI
import SandboxTestSupport
import Testing

/// Issue #21 from the outside: phones imported into the sandbox and read back.
struct PhoneImportTests {
    @Test func theIssuesNumbersLandAsE164WithTheRegionTheMappingNames() async throws {
        let csv = """
            email,phone,country
            berlin@example.de,+49 (0)30 5320199,
            hamburg@example.de,030 512301-99,Deutschland
            paris@example.fr,06 18 82 92 28,France
            denver@example.com,295-589-1584 ext. 362,United States
            lyon@example.fr,04 72 10 30 30 poste 12 et 13,FR
            """
        let path = try temporaryPath(named: "phones.csv", contents: csv + "\n")
        let mapping = """
            match: email
            fields:
              email: email
              phone: {column: phone, country: DE, country_column: country, invalid: skip}
            """
        try await withClient { client, _ in
            let summary = try await runImport(path, mapping: mapping, client: client)
            #expect(summary.created == 5 && summary.rejected == 0 && summary.reconciles)
            var phones: [String: String?] = [:]
            for contact in try await allContacts(client) { phones[contact.email ?? ""] = contact.phone }
            #expect(phones["berlin@example.de"] == "+49305320199")
            #expect(phones["hamburg@example.de"] == "+493051230199")
            #expect(phones["paris@example.fr"] == "+33618829228")
            #expect(phones["denver@example.com"] == "+12955891584")
            // Not a number libphonenumber can read: left out, the contact kept, a warning counted.
            #expect(phones["lyon@example.fr"] == .some(nil))
            #expect(summary.warnings.byReason == ["phone: invalid_phone": 1, "phone: phone_extension_not_sent": 1])
        }
    }

    @Test func anExtensionIsLeftOutAndCountedOrSentToItsAttribute() async throws {
        let csv =
            "email,phone\nann@example.com,295-589-1584 ext. 362\nbob@example.com,(415) 555-0123 x48\n"
            + "cy@example.com,+1 212 555 0199\n"
        let path = try temporaryPath(named: "extensions.csv", contents: csv)
        let dropped = "match: email\nfields:\n  email: email\n  phone: {column: phone, country: US}\n"
        let kept =
            "match: email\nfields:\n  email: email\n  phone: {column: phone, country: US, extension_to: phone_ext}\n"
        try await withClient { client, _ in
            let first = try await runImport(path, mapping: dropped, client: client)
            #expect(first.created == 3 && first.reconciles)
            #expect(first.warnings.byReason == ["phone: phone_extension_not_sent": 2])
            #expect(first.text.contains("2 phone: phone_extension_not_sent"), "\(first.text)")
            var contacts = Dictionary(uniqueKeysWithValues: try await allContacts(client).map { ($0.email!, $0) })
            #expect(contacts["ann@example.com"]?.phone == "+12955891584")
            #expect(contacts["bob@example.com"]?.phone == "+14155550123")
            #expect(contacts["cy@example.com"]?.phone == "+12125550199")

            _ = try await client.createDataAttribute(name: "phone_ext", dataType: "string")
            let second = try await runImport(path, mapping: kept, client: client)
            #expect(second.updated == 2 && second.unchanged == 1 && second.warnings.rows == 0 && second.reconciles)
            contacts = Dictionary(uniqueKeysWithValues: try await allContacts(client).map { ($0.email!, $0) })
            #expect(contacts["ann@example.com"]?.customAttributes["phone_ext"] == .string("362"))
            #expect(contacts["bob@example.com"]?.customAttributes["phone_ext"] == .string("48"))
            #expect(contacts["cy@example.com"]?.customAttributes["phone_ext"] == nil)
        }
    }

    /// A HubSpot-shaped export: a quarter of the phones have extensions, some are broken, some emails are bad. With
    /// `invalid: skip` on the phone, every contact whose email is good is imported, each phone as libphonenumber
    /// reads it or none, and only the bad emails are rejected.
    @Test func withInvalidSkipEveryContactWithAGoodEmailIsImported() async throws {
        var random = SplitMix(seed: 21)
        func below(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }
        let broken = ["n/a", "tbd", "555-0123", "+1 (415) 555-01", "call me", "0", "+44", "12345678901234567890"]
        var csv = "Record ID,First Name,Email,Phone Number\n"
        var cells: [(email: String, phone: String)] = []
        for index in 0..<240 {
            let number = "\(200 + below(700))-\(200 + below(700))-\(1000 + below(9000))"
            let phone: String
            switch below(8) {
            case 0, 1: phone = number + (below(2) == 0 ? " ext. \(below(999))" : " x\(below(99))")
            case 2: phone = broken[below(broken.count)]
            case 3: phone = ""
            case 4: phone = "+1 (\(number.prefix(3))) \(number.dropFirst(4))"
            default: phone = number
            }
            let email = index % 17 == 5 ? "person\(index)@" : "person\(index)@example.com"
            cells.append((email, phone))
            csv += "\(index),Name \(index),\(email),\"\(phone)\"\n"
        }
        let path = try temporaryPath(named: "hubspot.csv", contents: csv)
        let mapping = """
            match: email
            fields:
              email: {column: Email, transforms: [trim, lower]}
              external_id: Record ID
              phone: {column: Phone Number, country: US, invalid: skip}
            """
        let goodEmails = cells.filter { $0.email.hasSuffix("example.com") }
        let badEmails = cells.count - goodEmails.count
        try await withClient { client, _ in
            let summary = try await runImport(path, mapping: mapping, client: client)
            #expect(summary.created == goodEmails.count && summary.rejected == badEmails)
            #expect(summary.rejectedByReason == ["invalid_email": badEmails])
            let contacts = Dictionary(uniqueKeysWithValues: try await allContacts(client).map { ($0.email!, $0) })
            #expect(contacts.count == goodEmails.count)
            var withExtension = 0
            var withoutPhone = 0
            for (email, phone) in goodEmails {
                let authority = PhoneNumbers.authority(phone, region: "US")
                let expected = authority.isPossible ? authority.e164 : nil
                #expect(contacts[email]?.phone == expected, "\(email) '\(phone)'")
                if expected != nil && authority.extensionDigits != nil { withExtension += 1 }
                if expected == nil && !phone.isEmpty { withoutPhone += 1 }
            }
            #expect(withExtension > 30 && withoutPhone > 10)
            #expect(summary.warnings.byReason["phone: phone_extension_not_sent"] == withExtension)
            #expect(summary.warnings.byReason["phone: invalid_phone"] == withoutPhone)
        }
    }
}
