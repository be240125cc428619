import Foundation
import SandboxTestSupport
import Testing

/// More of the corpus: the other Mailchimp files, Salesforce in English, Zendesk as CSV, and HubSpot and Salesforce
/// exports in French, Spanish and Portuguese, each with its real column names, encodings, date and phone formats.
extension RealShapedExportsTests {
    /// A number's digits grouped as people write them (`0612000123`, [2, 2, 2, 2, 2] → `06 12 00 01 23`).
    static func grouped(_ digits: String, _ sizes: [Int], separator: String = " ") -> String {
        var groups: [String] = []
        var rest = Substring(digits)
        for size in sizes {
            groups.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        if !rest.isEmpty { groups.append(String(rest)) }
        return groups.joined(separator: separator)
    }

    static func cp1252(_ text: String) -> [UInt8] {
        Array(try! #require(text.data(using: .windowsCP1252, allowLossyConversion: false)))
    }

    /// Mailchimp's subscribed members: phones of several countries with the `CC` column telling which, opt-in times,
    /// locations, and the merge fields' columns; nobody is unsubscribed.
    static func mailchimpSubscribed() -> Export {
        var people = people(600, seed: 7, domain: "list.example")
        var rows = [
            [
                "Email Address", "First Name", "Last Name", "Phone Number", "MEMBER_RATING", "OPTIN_TIME",
                "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LATITUDE", "LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE",
                "CC", "REGION", "LAST_CHANGED", "LEID", "EUID", "NOTES", "TAGS",
            ]
        ]
        for (index, person) in people.enumerated() {
            let local = String(format: "%04d", index)
            // (country code, how the member typed it, E.164, time zone, GMT offset)
            let phones = [
                (
                    "US", "(646) 3\(String(format: "%02d", index % 90 + 10))-\(String(format: "%04d", 1_000 + index))",
                    "+16463\(String(format: "%02d", index % 90 + 10))\(String(format: "%04d", 1_000 + index))",
                    "America/New_York", "-5"
                ),
                ("FR", "06 12 00 \(grouped(local, [2, 2]))", "+3361200" + local, "Europe/Paris", "1"),
                ("DE", "0170 123\(local)", "+49170123" + local, "Europe/Berlin", "1"),
                ("GB", "07700 90\(local)", "+4477009" + "0" + local, "Europe/London", "0"),
            ]
            let (country, typed, e164, zone, offset) = phones[index % phones.count]
            people[index].phone = e164
            let optIn = index % 10 == 0 ? "" : date(person.signedUp!, "yyyy-MM-dd HH:mm:ss")
            if optIn.isEmpty { people[index].signedUp = nil }
            rows.append([
                person.email, person.first, person.last, typed, String(index % 5 + 1), optIn,
                "203.0.113.\(index % 250)", optIn, "203.0.113.\(index % 250)",
                index % 3 == 0 ? "" : "48.85\(index % 10)", index % 3 == 0 ? "" : "2.35\(index % 10)", offset,
                offset, zone, country, "", date(1_720_000_000 + index * 60, "yyyy-MM-dd HH:mm:ss"),
                String(100_000 + index), String(format: "%010x", index * 7_919), "",
                index % 2 == 0 ? "\"Customers\",\"Newsletter\"" : "\"Newsletter\"",
            ])
        }
        return Export(name: "subscribed_members_export_4d5e6f.csv", bytes: Array(csv(rows).utf8), people: people)
    }

    /// Mailchimp's cleaned members (addresses that bounced): every one of them must land unsubscribed.
    static func mailchimpCleaned() -> Export {
        var people = people(500, seed: 8, domain: "bounced.example")
        var rows = [
            [
                "Email Address", "First Name", "Last Name", "MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME",
                "CONFIRM_IP", "LATITUDE", "LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE", "CC", "REGION", "CLEAN_TIME",
                "CLEAN_CAMPAIGN_TITLE", "CLEAN_CAMPAIGN_ID", "LEID", "EUID", "NOTES", "TAGS",
            ]
        ]
        for (index, person) in people.enumerated() {
            people[index].unsubscribed = true
            rows.append([
                person.email, person.first, person.last, "1", date(person.signedUp!, "yyyy-MM-dd HH:mm:ss"), "", "",
                "", "", "", "", "", "", "", "", date(1_725_000_000 + index * 3_600, "yyyy-MM-dd HH:mm:ss"),
                "Autumn Sale", String(format: "%010x", 4_242 + index % 3), String(200_000 + index),
                String(format: "%010x", index * 104_729), "", "",
            ])
        }
        return Export(name: "cleaned_members_export_4d5e6f.csv", bytes: Array(csv(rows).utf8), people: people)
    }

    /// A Salesforce contacts report in English: Latin-1, `M/d/yyyy` dates, 18-character contact ids, a work phone
    /// or a mobile (the first filled counts), US and UK numbers with the mailing country, and the report's footer.
    static func salesforceEnglish() -> Export {
        var people = people(600, seed: 9, domain: "salesforce-en.example")
        var rows = [
            [
                "Contact ID", "First Name", "Last Name", "Title", "Account Name", "Mailing Zip/Postal Code",
                "Mailing Country", "Phone", "Mobile", "Email", "Contact Owner", "Created Date", "Lead Source",
            ]
        ]
        for (index, person) in people.enumerated() {
            let uk = index % 3 == 0
            let digits = String(format: "%04d", index)
            let typed = uk ? "020 7946 \(digits)" : "(312) \(String(format: "%03d", 200 + index % 700))-\(digits)"
            people[index].phone =
                uk ? "+44207946\(digits)" : "+1312\(String(format: "%03d", 200 + index % 700))\(digits)"
            let mobileOnly = index % 4 == 1
            rows.append([
                "0035g00000" + String(format: "%08X", 0xA0_0000 + index), person.first, person.last,
                ["VP Sales", "Buyer", "CTO"][index % 3], "Account \(index % 40)",
                uk ? "EC1A \(index % 9)BB" : String(format: "%05d", index * 53 % 99_999),
                uk ? "United Kingdom" : "United States", mobileOnly ? "" : typed, mobileOnly ? typed : "",
                person.email, "Jane Smith", date(person.signedUp!, "M/d/yyyy"), ["Web", "Trade Show", ""][index % 3],
            ])
        }
        var text = csv(rows)
        text += "\r\n\"Confidential Information - Do Not Distribute\"\r\n"
        text += "\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\r\n"
        let bytes = Array(try! #require(text.data(using: .isoLatin1, allowLossyConversion: false)))
        return Export(name: "report1700000000000.csv", bytes: bytes, people: people)
    }

    /// Zendesk users as CSV, as its bulk user format and the apps that export it write them: `user_fields.*`
    /// columns, `role` holding Zendesk's own roles, an empty `external_id`, ISO dates, US numbers.
    static func zendeskCSV() -> Export {
        var people = people(500, seed: 10, domain: "zendesk-csv.example")
        var rows = [
            [
                "id", "name", "email", "phone", "role", "external_id", "created_at", "updated_at", "last_login_at",
                "time_zone", "locale", "organization_id", "tags", "verified", "user_fields.plan",
                "user_fields.account_tier",
            ]
        ]
        for (index, person) in people.enumerated() {
            let local = String(format: "%03d%04d", 200 + index % 700, 3_000 + index)
            people[index].phone = index % 6 == 0 ? nil : "+1617" + local
            let phone =
                index % 6 == 0
                ? "" : index % 2 == 0 ? "+1 617 \(grouped(local, [3]))" : "617-\(grouped(local, [3], separator: "-"))"
            rows.append([
                String(380_000_000 + index), person.first + " " + person.last, person.email, phone, "end-user", "",
                date(person.signedUp! + 5_400, "yyyy-MM-dd'T'HH:mm:ss'Z'"),
                date(person.signedUp! + 86_400 * 3, "yyyy-MM-dd'T'HH:mm:ss'Z'"),
                index % 4 == 0 ? "" : date(person.signedUp! + 86_400 * 9, "yyyy-MM-dd'T'HH:mm:ss'Z'"),
                "Eastern Time (US & Canada)", "en-US", index % 5 == 0 ? "" : String(9_000 + index % 12),
                index % 2 == 0 ? "vip enterprise" : "", index % 3 == 0 ? "false" : "true",
                ["gold", "silver", ""][index % 3], String(index % 4 + 1),
            ])
        }
        return Export(name: "zendesk-users.csv", bytes: Array(csv(rows).utf8), people: people)
    }

    /// HubSpot in French, saved by Excel in France: Windows-1252, `;`, `dd/MM/yyyy HH:mm`, French numbers with and
    /// without `+33`, lifecycle stages by their French labels.
    static func hubspotFrench() -> Export {
        var people = people(600, seed: 11, domain: "exemple.fr")
        var rows = [
            [
                "ID de fiche d'informations", "Prénom", "Nom", "E-mail", "Numéro de téléphone", "Phase du cycle de vie",
                "Date de création", "Propriétaire du contact", "Code postal", "Pays/Région",
            ]
        ]
        let stages = ["Client", "Lead", "Abonné", "Opportunité", "Client", "Évangéliste"]
        for (index, person) in people.enumerated() {
            let stage = stages[index % stages.count]
            people[index].role = stage == "Client" || stage == "Évangéliste" ? "user" : "lead"
            let national = "06" + String(format: "%08d", 12_000_000 + index)
            people[index].phone = "+33" + national.dropFirst()
            let phone =
                index % 7 == 0
                ? ""
                : index % 3 == 0
                    ? "+33 " + grouped(String(national.dropFirst()), [1, 2, 2, 2, 2])
                    : grouped(national, [2, 2, 2, 2, 2])
            if phone.isEmpty { people[index].phone = nil }
            rows.append([
                String(51_000 + index), person.first, person.last, person.email, phone, stage,
                date(person.signedUp! + 3_600 * (index % 20), "dd/MM/yyyy HH:mm"), "Élise Moreau",
                String(format: "%05d", 1_000 + index * 7), "France",
            ])
        }
        return Export(name: "hubspot-contacts-fr.csv", bytes: cp1252(csv(rows, delimiter: ";")), people: people)
    }

    /// Salesforce in Spanish: UTF-8 with a byte order mark, `dd/MM/yyyy`, Spanish mobiles and landlines in the
    /// phone and mobile columns, the mailing country, and no footer.
    static func salesforceSpanish() -> Export {
        var people = people(500, seed: 12, domain: "ejemplo.es")
        var rows = [
            [
                "Id. de contacto", "Nombre", "Apellidos", "Correo electrónico", "Teléfono", "Móvil",
                "Fecha de creación", "Propietario del contacto", "Código postal de correo", "País de correo",
            ]
        ]
        for (index, person) in people.enumerated() {
            let mobile = "6" + String(format: "%08d", 12_000_000 + index)
            let landline = "91" + String(format: "%07d", 2_000_000 + index)
            let useMobile = index % 2 == 0
            people[index].phone = "+34" + (useMobile ? mobile : landline)
            rows.append([
                "0031t00000" + String(format: "%08X", 0xB0_0000 + index), person.first, person.last, person.email,
                useMobile ? "" : grouped(landline, [2, 3, 2, 2]),
                useMobile ? (index % 4 == 0 ? "+34 " : "") + grouped(mobile, [3, 2, 2, 2]) : "",
                date(person.signedUp!, "dd/MM/yyyy"), "Lucía Fernández", String(format: "%05d", 28_000 + index),
                "España",
            ])
        }
        return Export(
            name: "informe-contactos.csv", bytes: [0xEF, 0xBB, 0xBF] + Array(csv(rows).utf8), people: people)
    }

    /// HubSpot in Brazilian Portuguese: `;`, `dd/MM/yyyy HH:mm`, `(11) 91234-5678` mobiles, CEPs with their dash,
    /// lifecycle stages by their Portuguese labels.
    static func hubspotPortuguese() -> Export {
        var people = people(500, seed: 13, domain: "exemplo.com.br")
        var rows = [
            [
                "ID do registro", "Nome", "Sobrenome", "E-mail", "Número de telefone", "Fase do ciclo de vida",
                "Data de criação", "Proprietário do contato", "CEP",
            ]
        ]
        let stages = ["Cliente", "Lead", "Assinante", "Oportunidade"]
        for (index, person) in people.enumerated() {
            let stage = stages[index % stages.count]
            people[index].role = stage == "Cliente" ? "user" : "lead"
            let subscriber = "9" + String(format: "%08d", 12_000_000 + index)
            people[index].phone = "+5511" + subscriber
            let phone =
                index % 2 == 0
                ? "(11) " + grouped(subscriber, [5], separator: "-")
                : "+55 11 " + grouped(subscriber, [5], separator: "-")
            rows.append([
                String(88_000 + index), person.first, person.last, person.email, phone, stage,
                date(person.signedUp! + 60 * (index % 900), "dd/MM/yyyy HH:mm"), "João Silva",
                String(format: "%05d-%03d", 1_000 + index, index % 1_000),
            ])
        }
        return Export(name: "contatos-hubspot.csv", bytes: Array(csv(rows, delimiter: ";").utf8), people: people)
    }
}
