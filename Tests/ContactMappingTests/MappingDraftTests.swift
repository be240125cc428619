import ContactIO
import Foundation
import JSONText
import Testing

@testable import ContactMapping

struct MappingDraftTests {
    func draft(_ file: String) throws -> (String, MappingFile, OpenedInput) {
        let path = ValidationRunTests.samples.appendingPathComponent(file).path
        let (header, rows) = try MappingDraft.sample(try InputOpener.open(path).reader, limit: 1000)
        let yaml = MappingDraft.make(header: header, samples: rows, source: file)
        return (yaml, try MappingFile.parse(yaml, path: "draft.yml"), try InputOpener.open(path))
    }

    @Test(
        arguments: [
            ("hubspot-contacts.csv", ["email": "Email", "external_id": "Record ID", "owner_id": "Contact owner"], 5),
            (
                "salesforce-contacts.csv",
                ["email": "Email", "external_id": "Contact ID", "signed_up_at": "Created Date"], 4
            ),
            ("mailchimp-members.csv.gz", ["email": "Email Address", "signed_up_at": "OPTIN_TIME"], 4),
            ("contacts.ndjson", ["email": "email", "external_id": "user_id", "signed_up_at": "signed_up_at"], 3),
        ] as [(String, [String: String], Int)])
    func draftsRecogniseTheUsualColumnsAndValidateTheirFile(file: String, expected: [String: String], valid: Int) throws
    {
        let (yaml, mapping, input) = try draft(file)
        for (field, column) in expected {
            let rule = try #require(
                mapping.rules.first { $0.name == field && !$0.isCustomAttribute }, "\(field) in\n\(yaml)")
            #expect(rule.source == .column(column), "\(yaml)")
        }
        #expect(mapping.rules.contains { $0.name == "name" }, "\(yaml)")
        let summary = try ValidationRun.run(input, mapping: mapping, rejects: nil, maxErrors: nil)
        #expect(summary.valid == valid, "\(yaml)\n\(summary.firstRejects)")
    }

    @Test func typesAndDatesAreGuessedFromTheSample() {
        let yaml = MappingDraft.make(
            header: ["E-mail", "Seats", "Score", "Active", "Renewal", "Last Login", "Blank", "id"],
            samples: [
                ["a@x.com", "3", "1.5", "yes", "31/12/2024", "1700000000", "", "c1"],
                ["b@x.com", "10", "2", "no", "01/02/2025", "1700000500", "", "c2"],
            ],
            source: "x.csv")
        #expect(yaml.contains("email: {column: E-mail, transforms: [trim, lower]}"))
        // Optional values are left out with a warning when bad (invalid: skip), not the row with them.
        #expect(yaml.contains("seats: {column: Seats, type: integer, invalid: skip}"))
        #expect(yaml.contains("score: {column: Score, type: float, invalid: skip}"))
        #expect(yaml.contains("active: {column: Active, type: boolean, invalid: skip}"))
        #expect(yaml.contains("renewal: {column: Renewal, type: date, date: [dd/MM/yyyy], invalid: skip}"))
        #expect(yaml.contains("last_seen_at: {column: Last Login, date: [epoch], invalid: skip}"))
        #expect(yaml.contains("# 'Blank' was empty in the sample"))
        // Another system's record id is the external id (Intercom's own ids are not: see the Zendesk test).
        #expect(yaml.contains("external_id: id   # the export's own record id"))
    }

    /// The phones' region comes from the file: its national numbers, read under the regions it points to (emails'
    /// country domains, international numbers, a country column); ambiguous dates follow it.
    @Test(
        arguments: [
            (["030 512301-99", "089 1234567", "+49 40 1234567", "0171 2345678"], "de", "DE"),
            (["06 18 82 92 28", "01 42 68 53 00", "+33 1 42 68 53 00", "07 12 34 56 78"], "fr", "FR"),
            (["(415) 555-0123", "212-555-0199", "+1 646 555 0100", "617.555.0142"], "com", "US"),
            (["020 7946 0001", "07700 900123", "+44 161 496 0000", "0113 496 0000"], "co.uk", "GB"),
        ] as [([String], String, String)])
    func thePhonesRegionIsTheFilesOwn(phones: [String], domain: String, region: String) {
        let rows = phones.enumerated().map { ["p\($0.offset)@example.\(domain)", $0.element, "03/04/2024"] }
        let yaml = MappingDraft.make(header: ["Email", "Phone", "Created Date"], samples: rows, source: "x.csv")
        #expect(yaml.contains("phone: {column: Phone, country: \(region), invalid: skip}"), "\(yaml)")
        let dayFirst = region != "US"
        #expect(yaml.contains("date: [\(dayFirst ? "dd/MM/yyyy" : "MM/dd/yyyy")]"), "\(yaml)")
        #expect(yaml.contains("reads day-first and month-first alike"), "\(yaml)")
    }

    @Test func aCountryColumnGivesEachRowsRegion() {
        let rows = [["a@x.com", "030 1234567", "Germany"], ["b@x.com", "06 18 82 92 28", "France"]]
        let yaml = MappingDraft.make(header: ["Email", "Phone", "Country"], samples: rows, source: "x.csv")
        #expect(yaml.contains("country_column: Country"), "\(yaml)")
        let mapping = try? MappingFile.parse(yaml, path: "draft.yml")
        #expect(mapping?.rules.first { $0.name == "phone" }?.regionColumn == "Country")
    }

    /// The order of dates is decided from the whole column: one value past the sample that can only be day-first
    /// settles it, and the comment on ambiguity goes.
    @Test func dayFirstIsDecidedFromTheWholeColumn() throws {
        var csv = "Email,Created Date\n"
        for index in 0..<1_500 { csv += "p\(index)@example.com,\(index == 1_400 ? "13/04/2024" : "03/04/2024")\n" }
        let input = try InputOpener.open(source: MemoryByteSource(csv), name: "dates.csv")
        let sample = try MappingDraft.sample(input.reader, limit: 1_000, readToEnd: true)
        #expect(sample.rows.count == 1_000 && sample.rowsRead == 1_500)
        #expect(sample.dateOrders["Created Date"] == MappingDraft.DateOrder(dayFirst: 1, monthFirst: 0))
        let yaml = MappingDraft.make(
            header: sample.header, samples: sample.rows, source: "dates.csv", dateOrders: sample.dateOrders)
        #expect(yaml.contains("signed_up_at: {column: Created Date, date: [dd/MM/yyyy], invalid: skip}"), "\(yaml)")
        let unsettled = MappingDraft.make(header: sample.header, samples: sample.rows, source: "dates.csv")
        #expect(unsettled.contains("date: [MM/dd/yyyy]") && unsettled.contains("day-first and month-first alike"))
    }

    /// German, French, Spanish and Portuguese headers, and Pipedrive's, are recognised (issue #22, a first slice).
    @Test(
        arguments: [
            (["E-Mail", "Vorname", "Nachname", "Telefon", "Erstellt am"], "E-Mail", "Telefon", "Vorname"),
            (["Courriel", "Prénom", "Nom", "Téléphone", "Date de création"], "Courriel", "Téléphone", "Prénom"),
            (
                ["Correo electrónico", "Nombre", "Apellido", "Teléfono", "Fecha de creación"], "Correo electrónico",
                "Teléfono", "Nombre"
            ),
            (
                [
                    "Person - Email - Work", "Person - First name", "Person - Last name", "Person - Phone - Work",
                    "Person - Add time",
                ], "Person - Email - Work", "Person - Phone - Work", "Person - First name"
            ),
        ] as [([String], String, String, String)])
    func headersInTheUsualLanguagesAreRecognised(header: [String], email: String, phone: String, first: String) {
        let row = ["ann@example.com", "Ann", "Smith", "+49 30 1234567", "2024-03-01"]
        let yaml = MappingDraft.make(header: header, samples: [row], source: "x.csv")
        #expect(yaml.contains("email: {column: \(MappingDraft.quote(email)), transforms: [trim, lower]}"), "\(yaml)")
        #expect(yaml.contains("phone: {column: \(MappingDraft.quote(phone)), country:"), "\(yaml)")
        #expect(yaml.contains("name: {concat: [\(MappingDraft.quote(first)), "), "\(yaml)")
        #expect(yaml.contains("signed_up_at: {column: "), "\(yaml)")
    }

    /// Attribute names keep the letters of accented headers (`Pays/Région` is `pays_region`, not `pays_r_gion`).
    @Test func attributeNamesFoldAccents() {
        #expect(MappingDraft.attributeName("Propriétaire du contact") == "proprietaire_du_contact")
        #expect(MappingDraft.attributeName("Pays/Région") == "pays_region")
        #expect(MappingDraft.attributeName("Straße (Büro)") == "strasse_buro")
        #expect(MappingDraft.attributeName("Código postal") == "codigo_postal")
        #expect(MappingDraft.attributeName("Ünïcødé!") == "unicode")
    }

    /// Id and reference-number columns stay strings though their sample is numbers; an amount does not.
    @Test func idColumnsStayStrings() {
        for name in ["organization_id", "LEID", "Order Number", "Kundennummer", "externalId", "Kunden-Nr", "Ref"] {
            #expect(MappingDraft.isIDLike(name), "\(name)")
        }
        for name in ["Amount Paid", "Idle minutes", "Rapid", "Member Rating", "Invoices"] {
            #expect(!MappingDraft.isIDLike(name), "\(name)")
        }
        let yaml = MappingDraft.make(
            header: ["Email", "organization_id", "Amount Paid"],
            samples: [["a@x.com", "9001", "12.5"], ["b@x.com", "9002", "30"]], source: "x.csv")
        #expect(yaml.contains("organization_id: {column: organization_id, type: string"), "\(yaml)")
        #expect(yaml.contains("amount_paid: {column: Amount Paid, type: float"), "\(yaml)")
    }

    /// Postal codes and numbers with a leading zero stay strings; owner names never go into owner_id.
    @Test func codesStayStringsAndOwnerNamesAreNotAdminIDs() throws {
        let yaml = MappingDraft.make(
            header: ["Email", "Zip", "Account Number", "Contact Owner"],
            samples: [["a@x.com", "10115", "00042", "Jane Smith"], ["b@x.com", "01067", "00043", "Raj Patel"]],
            source: "x.csv")
        #expect(yaml.contains("zip: {column: Zip, type: string"), "\(yaml)")
        #expect(yaml.contains("account_number: {column: Account Number, type: string"), "\(yaml)")
        #expect(!yaml.contains("  owner_id:"), "\(yaml)")
        #expect(yaml.contains("contact_owner: {column: Contact Owner, type: string"), "\(yaml)")
        #expect(yaml.contains("holds owner names, not Intercom admin ids"), "\(yaml)")
        _ = try MappingFile.parse(yaml, path: "draft.yml")
        let ids = MappingDraft.make(
            header: ["Email", "Owner ID"], samples: [["a@x.com", "512"], ["b@x.com", "513"]], source: "x.csv")
        #expect(ids.contains("owner_id: {column: Owner ID, invalid: skip}"), "\(ids)")
    }

    /// The role from a lifecycle column through a map, or from Intercom's own `Type`; Mailchimp's unsubscribed and
    /// cleaned exports unsubscribe every row (issue #22).
    @Test func rolesAndUnsubscribesComeFromTheFile() throws {
        let hubspot = MappingDraft.make(
            header: ["Email", "Lifecycle Stage"],
            samples: [["a@x.com", "customer"], ["b@x.com", "lead"], ["c@x.com", "subscriber"]], source: "h.csv")
        #expect(
            hubspot.contains(
                "role: {column: Lifecycle Stage, map: {customer: user, lead: lead, subscriber: lead}, default: lead}"),
            "\(hubspot)")
        let intercom = MappingDraft.make(
            header: ["Email", "Type"], samples: [["a@x.com", "user"], ["b@x.com", "Lead"]], source: "i.csv")
        #expect(intercom.contains("role: {column: Type, default: user}"), "\(intercom)")
        let mailchimp = MappingDraft.make(
            header: ["Email Address", "UNSUB_TIME", "UNSUB_CAMPAIGN_TITLE"],
            samples: [["a@x.com", "2024-03-01 10:00:00", "Spring"]], source: "unsubscribed.csv")
        #expect(mailchimp.contains("unsubscribed_from_emails: {constant: \"true\"}"), "\(mailchimp)")
        for yaml in [hubspot, intercom, mailchimp] { _ = try MappingFile.parse(yaml, path: "draft.yml") }
    }

    /// Repeated header names are told apart (`Email (2)`), so that `init` writes a mapping that binds, and a mapping
    /// can read the second column of a name (issue #22).
    @Test func repeatedHeaderNamesAreToldApart() throws {
        #expect(
            HeaderNames.distinct(["Email", "Name", "Email", "Email", "Email (2)"]) == [
                "Email", "Name", "Email (3)", "Email (4)", "Email (2)",
            ])
        #expect(HeaderNames.distinct(["A", "B", "A"]) == ["A", "B", "A (2)"])
        let csv = "Email,Phone,Email,Notes,Notes\nann@x.com,+14155550123,ann.work@x.com,first,second\n"
        let input = try InputOpener.open(source: MemoryByteSource(csv), name: "dup.csv")
        let sample = try MappingDraft.sample(input.reader, limit: 10, readToEnd: true)
        #expect(sample.header == ["Email", "Phone", "Email (2)", "Notes", "Notes (2)"])
        let yaml = MappingDraft.make(header: sample.header, samples: sample.rows, source: "dup.csv")
        let mapping = try MappingFile.parse(yaml, path: "draft.yml")
        let reread = try InputOpener.open(source: MemoryByteSource(csv), name: "dup.csv")
        let mapper = try ContactMapper(mapping: mapping, header: reread.reader.columns)
        _ = try reread.reader.next()
        guard case .contact(let contact) = mapper.map(reread.reader.current) else {
            Issue.record("the draft does not map its own file: \(yaml)")
            return
        }
        #expect(contact.payload["email"] == .string("ann@x.com"), "\(yaml)")
        let second = try MappingFile.parse(
            "role: user\nmatch: email\nfields:\n  email: Email (2)\ncustom_attributes:\n"
                + "  later: {column: Notes (2), type: string}\n",
            path: "m.yml")
        let bound = try ContactMapper(mapping: second, header: reread.reader.columns)
        guard case .contact(let work) = bound.map(reread.reader.current) else {
            Issue.record("the second columns do not map")
            return
        }
        #expect(work.payload["email"] == .string("ann.work@x.com"))
        #expect(work.payload["custom_attributes"]?["later"] == .string("second"))
    }

    /// Several email or phone columns become `coalesce`: the first one filled (issue #22). Pipedrive's work, home
    /// and other emails; a row with only a home email keeps it.
    @Test func severalEmailColumnsAreCoalesced() throws {
        let csv = """
            Person - Name,Person - Email - Work,Person - Email - Home,Person - Phone - Work,Person - Phone - Mobile
            Ann Lee,ann@work.example,ann@home.example,,+49 151 23456789
            Bob Roe,,bob@home.example,+49 30 5320199,
            Cy Fox,  ,,,

            """
        let input = try InputOpener.open(source: MemoryByteSource(csv), name: "pipedrive.csv")
        let sample = try MappingDraft.sample(input.reader, limit: 10, readToEnd: true)
        let yaml = MappingDraft.make(header: sample.header, samples: sample.rows, source: "pipedrive.csv")
        #expect(
            yaml.contains(
                "email: {coalesce: [Person - Email - Work, Person - Email - Home], transforms: [trim, lower]}"),
            "\(yaml)")
        #expect(
            yaml.contains("phone: {coalesce: [Person - Phone - Work, Person - Phone - Mobile], country: DE"), "\(yaml)")
        let mapping = try MappingFile.parse(yaml, path: "draft.yml")
        let reread = try InputOpener.open(source: MemoryByteSource(csv), name: "pipedrive.csv")
        let mapper = try ContactMapper(mapping: mapping, header: reread.reader.columns)
        var emails: [String?] = []
        var phones: [JSONValue?] = []
        while let result = try reread.reader.next() {
            guard case .record = result else { continue }
            switch mapper.map(reread.reader.current) {
            case .contact(let contact):
                emails.append(contact.matchKey)
                phones.append(contact.payload["phone"])
            case .rejected: emails.append(nil)
            }
        }
        #expect(emails == ["ann@work.example", "bob@home.example", nil])
        #expect(phones == [.string("+4915123456789"), .string("+49305320199")])
    }

    /// Zendesk's JSON users: nested objects are sampled by dotted path, so that `photo.content_url` is the avatar and
    /// `user_fields.plan` the custom attribute `plan`; the user's own `id` is the external id when `external_id` is
    /// empty throughout (issue #22). Intercom's own ids are never taken for one.
    @Test func zendeskUsersMapTheirNestedFieldsAndTheirID() throws {
        let lines = [
            #"{"id":35436,"name":"Johnny Customer","email":"johnny@example.com","created_at":"2019-07-20T22:55:29Z","#
                + #""photo":{"id":928374,"content_url":"https://acme.zendesk.com/photos/pic.png"},"external_id":null,"#
                + #""user_fields":{"plan":"gold","renewal_date":"2025-01-31"}}"#,
            #"{"id":35437,"name":"Mette Hansen","email":"mette@example.dk","created_at":"2020-01-02T09:00:00Z","#
                + #""photo":null,"external_id":null,"user_fields":{"plan":null,"renewal_date":null}}"#,
        ]
        let text = lines.joined(separator: "\n") + "\n"
        let sample = try MappingDraft.sample(
            try InputOpener.open(source: MemoryByteSource(text), name: "users.ndjson").reader, limit: 10,
            readToEnd: true)
        #expect(!sample.header.contains("photo") && sample.header.contains("photo.content_url"))
        let yaml = MappingDraft.make(header: sample.header, samples: sample.rows, source: "users.ndjson")
        #expect(yaml.contains("avatar: {column: photo.content_url, invalid: skip}"), "\(yaml)")
        #expect(yaml.contains("external_id: id   # the export's own record id"), "\(yaml)")
        #expect(yaml.contains("plan: {column: user_fields.plan, type: string, invalid: skip}"), "\(yaml)")
        let input = try InputOpener.open(source: MemoryByteSource(text), name: "users.ndjson")
        let mapper = try ContactMapper(mapping: try MappingFile.parse(yaml, path: "draft.yml"), header: nil)
        _ = try input.reader.next()
        guard case .contact(let johnny) = mapper.map(input.reader.current) else {
            Issue.record("the draft rejects its own file: \(yaml)")
            return
        }
        #expect(johnny.payload["avatar"] == .string("https://acme.zendesk.com/photos/pic.png"))
        #expect(johnny.payload["external_id"] == .string("35436"))
        #expect(johnny.payload["custom_attributes"]?["plan"] == .string("gold"))
        // Intercom's own export: its ids are Intercom's, not an external id.
        let intercom = MappingDraft.make(
            header: ["id", "email", "external_id"],
            samples: [["65f1c0ffee0ddba11ad0babe", "a@x.com", ""], ["65f1c0ffee0ddba11ad0bab2", "b@x.com", ""]],
            source: "export.csv")
        // They find the contacts: an export imported back matches by them (leads without an email included).
        #expect(!intercom.contains("external_id: id") && intercom.contains("match: id "), "\(intercom)")
        #expect(intercom.contains("  id: id   # Intercom's ids: finds the contacts, never sent"), "\(intercom)")
    }

    /// A column named like a field whose values mostly fail that field's check (an "Email" column of yes/no
    /// opt-ins, a "Photo URL" of file names) is not mapped to it: it would reject or warn on most rows (issue #22).
    @Test func aColumnFailingItsFieldsCheckIsNotThatField() throws {
        let yaml = MappingDraft.make(
            header: ["Contact Email", "Email", "Photo URL", "Avatar"],
            samples: [
                ["ann@x.com", "yes", "ann.jpg", "https://img.example/ann.png"],
                ["bob@x.com", "no", "bob.jpg", "https://img.example/bob.png"],
                ["cy@x.com", "yes", "https://img.example/cy.png", ""],
            ],
            source: "x.csv")
        #expect(yaml.contains("email: {column: Contact Email, transforms: [trim, lower]}"), "\(yaml)")
        #expect(yaml.contains("avatar: {column: Avatar, invalid: skip}"), "\(yaml)")
        #expect(
            yaml.contains(
                "# 'Email' looks like email by its name, but 3 of its 3 sample values are not email addresses "
                    + "(e.g. 'yes'): kept as a custom attribute."), "\(yaml)")
        #expect(yaml.contains("'Photo URL' looks like avatar by its name, but 2 of its 3 sample values"), "\(yaml)")
        // Kept as attributes under names a mapping takes (not a standard field's).
        #expect(yaml.contains("email_column: {column: Email, type: "), "\(yaml)")
        _ = try MappingFile.parse(yaml, path: "draft.yml")
    }

    /// Types come from every row, not only the sampled ones: a later value that does not fit widens the type, with
    /// the reason in a comment, so that the attribute does not refuse part of the file (issue #22).
    @Test func typesFitEveryRowNotOnlyTheSample() throws {
        var csv = "Email,Seats,Score,Active,Quantity,Count\n"
        for index in 0..<1_200 {
            let seats = index == 1_100 ? "n/a" : String(index % 40)
            let score = index == 1_150 ? "2.5" : String(index % 7)
            let active = index == 1_199 ? "maybe" : ["yes", "no"][index % 2]
            let number = index == 1_050 ? "0123" : String(1_000 + index)
            csv += "p\(index)@x.com,\(seats),\(score),\(active),\(number),\(index)\n"
        }
        let sample = try MappingDraft.sample(
            try InputOpener.open(source: MemoryByteSource(csv), name: "x.csv").reader, limit: 1_000, readToEnd: true)
        #expect(sample.rows.count == 1_000 && sample.evidence["Seats"]?.notInteger == "n/a")
        let yaml = MappingDraft.make(
            header: sample.header, samples: sample.rows, source: "x.csv", evidence: sample.evidence)
        #expect(
            yaml.contains(
                "seats: {column: Seats, type: string, invalid: skip}   # not integer: 'n/a' is not a number further"),
            "\(yaml)")
        #expect(yaml.contains("score: {column: Score, type: float, invalid: skip}   # not integer: '2.5'"), "\(yaml)")
        #expect(yaml.contains("active: {column: Active, type: string, invalid: skip}   # not boolean: 'maybe'"))
        #expect(
            yaml.contains(
                "quantity: {column: Quantity, type: string, invalid: skip}   # not integer: '0123' has a leading"))
        #expect(yaml.contains("count: {column: Count, type: integer, invalid: skip}\n"), "\(yaml)")
        // And the file validates with it: nothing rejected, no value left out.
        let mapping = try MappingFile.parse(yaml, path: "draft.yml")
        let summary = try ValidationRun.run(
            try InputOpener.open(source: MemoryByteSource(csv), name: "x.csv"), mapping: mapping, rejects: nil,
            maxErrors: nil)
        #expect(summary.rejected == 0 && summary.warnings.rows == 0, "\(summary.warnings.counts) \(yaml)")
    }
}
