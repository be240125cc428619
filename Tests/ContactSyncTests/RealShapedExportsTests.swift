import ContactIO
import ContactMapping
import ContactSync
import Foundation
import IntercomAPI
import JSONText
import SandboxTestSupport
import Testing

/// Exports shaped like the real ones (issue #22), 500 to 600 rows each, generated from seeded people whose truth is
/// known: `mapping init` on each, then `validate` (almost nothing rejected on clean data), then an import into the
/// sandbox, read back through the API: roles, phones, sign-up days and unsubscribe flags as a person would expect
/// them. (Intercom's own export is `ExportTests`' round trip: exported, `init`ed and imported back, no write call.)
struct RealShapedExportsTests {
    /// One generated person and what Intercom should hold for them.
    struct Person {
        var first: String
        var last: String
        var email: String
        var role: String
        /// The E.164 number, or nil when the export has none.
        var phone: String?
        /// The sign-up day (UTC midnight, seconds), or nil when the export has no date.
        var signedUp: Int?
        var unsubscribed: Bool
    }

    /// An export: its file name, bytes, and the people in it (in file order).
    struct Export {
        var name: String
        var bytes: [UInt8]
        var people: [Person]
    }

    static let firstNames = [
        "Anna", "Jürgen", "Élodie", "Søren", "María José", "Zoë", "Li", "O'Neil", "Günther", "Ana",
    ]
    static let lastNames = ["Müller", "Dubois", "García", "Smith", "Ngô", "Østergaard", "Brown-Lee", "Weiß", "Rossi"]

    static func people(_ count: Int, seed: UInt64, domain: String) -> [Person] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { index in
            let first = firstNames[Int(random.next() % UInt64(firstNames.count))]
            let last = lastNames[Int(random.next() % UInt64(lastNames.count))]
            let day = 1_672_531_200 + Int(random.next() % 700) * 86_400
            return Person(
                first: first, last: last, email: "p\(index).\(seed)@\(domain)", role: "user", phone: nil,
                signedUp: day, unsubscribed: false)
        }
    }

    static func csv(_ rows: [[String]], delimiter: String = ",") -> String {
        rows.map { row in
            row.map { cell in
                cell.contains(delimiter) || cell.contains("\"") || cell.contains("\n")
                    ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }.joined(separator: delimiter)
        }.joined(separator: "\r\n") + "\r\n"
    }

    static func date(_ seconds: Int, _ format: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// HubSpot's contacts export: lifecycle stages, US national phones (some with extensions), owner names, zip codes
    /// with leading zeros, `yyyy-MM-dd HH:mm` dates.
    static func hubspot() -> Export {
        var people = people(600, seed: 1, domain: "hubspot.example")
        var rows = [
            [
                "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Lifecycle Stage", "Create Date",
                "Contact owner", "Postal Code",
            ]
        ]
        let stages = ["customer", "lead", "subscriber", "opportunity", "customer", "marketingqualifiedlead"]
        for (index, person) in people.enumerated() {
            let stage = stages[index % stages.count]
            people[index].role = stage == "customer" ? "user" : "lead"
            let local = String(format: "%03d-%04d", 200 + index % 700, 1000 + index)
            let phone = index % 9 == 0 ? "" : "(415) \(local)" + (index % 5 == 0 ? " ext. \(index % 90 + 10)" : "")
            people[index].phone = phone.isEmpty ? nil : "+1415" + local.replacingOccurrences(of: "-", with: "")
            rows.append([
                String(700_000 + index), person.first, person.last, person.email, phone, stage,
                date(person.signedUp! + 3_600 * (index % 20), "yyyy-MM-dd HH:mm"),
                ["Jane Smith", "Max Mustermann"][index % 2],
                String(format: "%05d", index * 37 % 99_999),
            ])
        }
        return Export(name: "hubspot-contacts.csv", bytes: Array(csv(rows).utf8), people: people)
    }

    /// HubSpot's export opened and saved again by Excel (US): Windows-1252, dates as `M/d/yyyy H:mm`, record ids and
    /// zip codes as plain numbers (a zip's leading zero already lost, as Excel does), lifecycle stages, US phones.
    static func hubspotAfterExcel() -> Export {
        var people = people(500, seed: 6, domain: "excel.example")
        var rows = [
            ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Lifecycle Stage", "Create Date", "Zip"]
        ]
        for (index, person) in people.enumerated() {
            let stage = ["customer", "lead", "subscriber"][index % 3]
            people[index].role = stage == "customer" ? "user" : "lead"
            let local = String(format: "%03d-%04d", 200 + index % 700, 2000 + index)
            people[index].phone = "+1212" + local.replacingOccurrences(of: "-", with: "")
            rows.append([
                String(900_000 + index), person.first, person.last, person.email, "(212) \(local)", stage,
                date(person.signedUp! + 60 * (index % 600), "M/d/yyyy H:mm"), String(index * 37 % 99_999),
            ])
        }
        let text = csv(rows)
        let bytes = Array(try! #require(text.data(using: .windowsCP1252, allowLossyConversion: false)))
        return Export(name: "hubspot-crm-exports-all-contacts-excel.csv", bytes: bytes, people: people)
    }

    /// A German Salesforce report: Windows-1252, `;`, German headers, `dd.MM.yyyy`, German phones with the trunk
    /// `(0)`, and the report's footer.
    static func salesforceGerman() -> Export {
        var people = people(500, seed: 2, domain: "salesforce.example")
        var rows = [["Vorname", "Nachname", "E-Mail", "Telefon", "Erstelldatum", "Kontaktinhaber", "PLZ"]]
        for (index, person) in people.enumerated() {
            let number = String(5_320_000 + index)
            let phone = index % 3 == 0 ? "+49 (0)30 \(number)" : index % 3 == 1 ? "030 \(number)" : "030-\(number)"
            people[index].phone = "+4930" + number
            rows.append([
                person.first, person.last, person.email, phone, date(person.signedUp!, "dd.MM.yyyy"), "Max Mustermann",
                String(format: "%05d", 1_000 + index),
            ])
        }
        var text = csv(rows, delimiter: ";")
        text += "\"\"\r\n\"\"\r\n\"Vertrauliche Informationen - Nicht weitergeben\"\r\n"
        text += "\"Copyright (c) 2000-2024 salesforce.com, inc. Alle Rechte vorbehalten.\"\r\n"
        let bytes = Array(try! #require(text.data(using: .windowsCP1252, allowLossyConversion: false)))
        return Export(name: "Kontakte-Bericht.csv", bytes: bytes, people: people)
    }

    /// Mailchimp's unsubscribed members: every one of them must stay unsubscribed.
    static func mailchimpUnsubscribed() -> Export {
        var people = people(500, seed: 3, domain: "mailchimp.example")
        var rows = [
            [
                "Email Address", "First Name", "Last Name", "MEMBER_RATING", "OPTIN_TIME", "UNSUB_TIME",
                "UNSUB_CAMPAIGN_TITLE",
                "LEID", "EUID",
            ]
        ]
        for (index, person) in people.enumerated() {
            people[index].unsubscribed = true
            people[index].signedUp = nil
            rows.append([
                person.email, person.first, person.last, String(index % 5 + 1),
                date(person.signedUp ?? 1_700_000_000, "yyyy-MM-dd HH:mm:ss"), "2024-05-01 10:00:00", "Spring News",
                String(90_000 + index), String(format: "%010x", index * 7_919),
            ])
        }
        return Export(name: "unsubscribed_members_export_1a2b3c.csv", bytes: Array(csv(rows).utf8), people: people)
    }

    /// Pipedrive's people: `Person - …` columns, several emails and phones of which the first filled counts.
    static func pipedrive() -> Export {
        var people = people(500, seed: 4, domain: "pipedrive.example")
        var rows = [
            [
                "Person - Name", "Person - Email - Work", "Person - Email - Home", "Person - Phone - Work",
                "Person - Phone - Mobile", "Person - Organization", "Person - Person created",
            ]
        ]
        for (index, person) in people.enumerated() {
            let work = index % 4 == 0 ? "" : person.email
            let home = index % 4 == 0 ? person.email : "home\(index)@private.example"
            let phone = "+44 20 7946 \(String(format: "%04d", index))"
            people[index].phone = "+44207946" + String(format: "%04d", index)
            rows.append([
                person.first + " " + person.last, work, home, index % 2 == 0 ? phone : "", index % 2 == 0 ? "" : phone,
                "Org \(index % 17)", date(person.signedUp!, "yyyy-MM-dd HH:mm:ss"),
            ])
        }
        return Export(name: "people-export.csv", bytes: Array(csv(rows).utf8), people: people)
    }

    /// Zendesk's users as JSON lines: nested `photo` and `user_fields`, `external_id: null`, its own numeric ids,
    /// ISO dates, and Danish numbers with and without their `+45`.
    static func zendesk() -> Export {
        var people = people(500, seed: 5, domain: "zendesk.example")
        var lines: [String] = []
        for (index, person) in people.enumerated() {
            let number = String(33_120_000 + index)
            people[index].phone = index % 4 == 0 ? nil : "+45" + number
            let phone: JSONValue = index % 4 == 0 ? .null : .string(index % 2 == 0 ? "+45 \(number)" : number)
            let record: JSONObject = [
                "id": .number(String(360_000_000 + index)),
                "url": .string("https://acme.zendesk.com/api/v2/users/\(index).json"),
                "name": .string(person.first + " " + person.last), "email": .string(person.email),
                "created_at": .string(date(person.signedUp! + 7_200, "yyyy-MM-dd'T'HH:mm:ss'Z'")),
                "phone": phone, "role": .string("end-user"), "external_id": .null, "verified": .bool(index % 3 != 0),
                "photo": index % 5 == 0
                    ? .null
                    : .object([
                        "id": .number("\(index)"),
                        "content_url": .string("https://acme.zendesk.com/photos/\(index).png"),
                    ]),
                "tags": .array([.string("vip")]),
                "user_fields": .object(["plan": index % 2 == 0 ? .string("gold") : .null]),
                "time_zone": .string("Copenhagen"),
            ]
            lines.append(JSONValue.object(record).jsonText)
        }
        return Export(name: "users.ndjson", bytes: Array((lines.joined(separator: "\n") + "\n").utf8), people: people)
    }

    /// Every kind of export in the corpus, by the name a test reports it under.
    static let kinds = [
        "HubSpot", "HubSpot after Excel", "HubSpot (French, Excel)", "HubSpot (Portuguese)",
        "Salesforce (English report)", "Salesforce (German report)", "Salesforce (Spanish)", "Mailchimp (subscribed)",
        "Mailchimp (unsubscribed)", "Mailchimp (cleaned)", "Zendesk (JSON)", "Zendesk (CSV)", "Pipedrive",
    ]

    static func export(_ kind: String) -> Export? {
        switch kind {
        case "HubSpot": hubspot()
        case "HubSpot after Excel": hubspotAfterExcel()
        case "HubSpot (French, Excel)": hubspotFrench()
        case "HubSpot (Portuguese)": hubspotPortuguese()
        case "Salesforce (English report)": salesforceEnglish()
        case "Salesforce (German report)": salesforceGerman()
        case "Salesforce (Spanish)": salesforceSpanish()
        case "Mailchimp (subscribed)": mailchimpSubscribed()
        case "Mailchimp (unsubscribed)": mailchimpUnsubscribed()
        case "Mailchimp (cleaned)": mailchimpCleaned()
        case "Zendesk (JSON)": zendesk()
        case "Zendesk (CSV)": zendeskCSV()
        case "Pipedrive": pipedrive()
        default: nil
        }
    }

    @Test(arguments: kinds)
    func initThenValidateThenImportLandsWhatAPersonExpects(kind: String) async throws {
        let export = try #require(Self.export(kind))
        let path = try temporaryPath(named: export.name)
        try Data(export.bytes).write(to: URL(fileURLWithPath: path))
        let sample = try MappingDraft.sample(try InputOpener.open(path).reader, limit: 1_000, readToEnd: true)
        let yaml = MappingDraft.make(
            header: sample.header, samples: sample.rows, source: export.name, dateOrders: sample.dateOrders)
        let mapping = try MappingFile.parse(yaml, path: "draft.yml")
        // Clean data: at most 1 % rejected (here: none).
        let checked = try ValidationRun.run(try InputOpener.open(path), mapping: mapping, rejects: nil, maxErrors: nil)
        #expect(checked.read == export.people.count, "\(yaml)")
        #expect(checked.rejected <= export.people.count / 100, "\(checked.rejectedByReason) \(yaml)")
        try await withClient { client, _ in
            let opened = try InputOpener.open(path)
            let mapper = try ContactMapper(mapping: mapping, header: opened.reader.columns)
            let session = try ImportSession(statePath: nil)
            defer { session.end() }
            _ = try await session.prepare(
                mapper: mapper, client: client, createAttributes: true, dryRun: false, full: false)
            let reports = try ImportReports(rejects: nil, failures: nil, results: nil, header: opened.reader.columns)
            let summary = await session.run(
                opened, mapper: mapper, client: client, options: ImportOptions(), reports: reports,
                control: ImportControl(), reopen: { try InputOpener.open(path) })
            #expect(summary.created == export.people.count && summary.failed == 0, "\(summary.text)")
            let stored = Dictionary(
                try await allContacts(client).map { ($0.email ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            var wrong: [String] = []
            for person in export.people {
                guard let contact = stored[person.email] else {
                    wrong.append("\(person.email): missing")
                    continue
                }
                if contact.role != person.role { wrong.append("\(person.email): role \(contact.role)") }
                if let phone = person.phone, contact.phone != phone {
                    wrong.append("\(person.email): phone \(contact.phone ?? "none"), not \(phone)")
                }
                if let day = person.signedUp, contact.signedUpAt.map({ $0 / 86_400 }) != day / 86_400 {
                    wrong.append("\(person.email): signed up \(contact.signedUpAt ?? 0), not on the day of \(day)")
                }
                if contact.unsubscribedFromEmails != person.unsubscribed {
                    wrong.append("\(person.email): unsubscribed \(contact.unsubscribedFromEmails)")
                }
            }
            #expect(wrong.isEmpty, "\(wrong.prefix(8))\n\(yaml)")
        }
    }
}
