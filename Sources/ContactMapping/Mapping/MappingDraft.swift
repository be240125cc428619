import ContactIO
import Foundation
import JSONText

/// Writes a starter mapping for an export: recognises the usual column names of HubSpot, Salesforce, Zendesk,
/// Mailchimp and Intercom's own export, guesses date formats and custom-attribute types from sample rows, and
/// comments on what it could not place.
public enum MappingDraft {
    /// Normalised column names (lower case, letters and digits only) for each contact field.
    /// English, German, French, Spanish and Portuguese names, and Pipedrive's `Person - …` columns.
    static let synonyms: [(field: String, names: [String])] = [
        (
            "email",
            [
                "email", "emailaddress", "mail", "primaryemail", "workemail", "contactemail", "personemailwork",
                "personemail", "personemailhome", "personemailother", "secondaryemail", "otheremail", "email2",
                "emailadresse", "mailadresse", "courriel", "adresseemail", "correoelectronico",
                "correo", "enderecodeemail",
            ]
        ),
        (
            "external_id",
            [
                "externalid", "userid", "recordid", "contactid", "customerid", "crmid", "leadid", "personid",
                "kundennummer", "kontaktid", "datensatzid", "idcontact", "iducontact", "idcliente", "idcontacto",
                "iddecontacto", "iddefichedinformations", "idderegistro", "iddoregistro", "iddocontato",
            ]
        ),
        (
            "phone",
            [
                "phone", "phonenumber", "mobile", "mobilephone", "mobilenumber", "telephone", "tel", "cellphone",
                "personphonework", "personphonemobile", "personphone", "personphonehome", "personphoneother", "telefon",
                "telefonnummer", "mobiltelefon",
                "handy", "mobil", "numerodetelephone", "telephonemobile", "portable", "telefono", "numerodetelefono",
                "movil", "telefonomovil", "celular", "telefone", "numerodetelefone",
            ]
        ),
        (
            "avatar",
            ["avatar", "avatarurl", "photourl", "pictureurl", "profilepicture", "imageurl", "photocontenturl"]
        ),
        (
            "signed_up_at",
            [
                "signedupat", "signupdate", "signedup", "createdate", "createddate", "createdat",
                "datecreated", "optintime", "registrationdate", "joindate", "personaddtime", "erstelltam",
                "erstellungsdatum", "anmeldedatum", "datedecreation", "fechadecreacion", "datadecriacao",
                "erstelldatum",
                "angelegtam", "creationdate", "datecreation", "personpersoncreated", "personcreated",
            ]
        ),
        ("last_seen_at", ["lastseenat", "lastseen", "lastactivitydate", "lastlogin", "lastloginat", "lastvisit"]),
        (
            "owner_id",
            [
                "ownerid", "owner", "contactowner", "accountowner", "personowner", "besitzer", "kontaktinhaber",
                "inhaber", "proprietaire", "proprietaireducontact", "propietario", "propietariodelcontacto",
                "proprietario", "proprietariodocontato",
            ]
        ),
        (
            "unsubscribed_from_emails",
            [
                "unsubscribedfromemails", "unsubscribed", "emailoptout", "optedout",
                "hasoptedoutofemail", "donotemail",
            ]
        ),
        (
            "name",
            [
                "name", "fullname", "contactname", "displayname", "personname", "nomcomplet", "nombrecompleto",
                "nomecompleto",
            ]
        ),
    ]
    static let firstNames = [
        "firstname", "first", "givenname", "fname", "personfirstname", "vorname", "prenom", "nombre", "primeironome",
        "nome",
    ]
    static let lastNames = [
        "lastname", "last", "surname", "familyname", "lname", "personlastname", "nachname", "familienname", "nom",
        "apellido", "apellidos", "sobrenome", "ultimonome",
    ]
    /// Lifecycle columns (HubSpot, Salesforce, Pipedrive), for the role through a map.
    static let lifecycleColumns = [
        "lifecyclestage", "lifecycle", "leadstatus", "persontype", "lebenszyklusphase", "phaseducycledevie",
        "etapadelciclodevida", "fasedelciclodevida", "fasedociclodevida", "etapadociclodevida",
    ]
    /// Lifecycle stages of contacts who are customers (users in Intercom), normalised.
    static let customerStages: Set<String> = [
        "customer", "evangelist", "kunde", "client", "cliente", "user", "evangeliste", "evangelista",
    ]

    /// Whether a column's values are roles (user or lead), as Intercom's own export writes them in `Type`.
    static func isRoleColumn(_ values: [String]) -> Bool {
        !values.isEmpty && values.allSatisfy { ["user", "lead"].contains($0.lowercased()) }
    }

    /// Columns whose numbers are codes, not quantities: kept as strings, so that `01067` keeps its zero.
    static let codeColumns = ["zip", "postal", "postcode", "plz", "postleitzahl", "codepostal", "cep", "phone", "tel"]
    /// Last words of id and reference-number column names (`organization_id`, `Order Number`, `Kunden-Nr`).
    static let idWords: Set<String> = ["id", "ids", "number", "nummer", "numero", "nr", "no", "ref", "code", "uuid"]

    /// Whether a column name says it holds ids or reference numbers: its last word (`organization_id`, `Order No`,
    /// `externalId`) is one of ``idWords``, or it is one upper-case word ending in `ID` (Mailchimp's `LEID`), or a
    /// German compound ending in `nummer` (`Kundennummer`). `Amount Paid` is not.
    static func isIDLike(_ name: String) -> Bool {
        var words: [String] = []
        var word = ""
        var previousLower = false
        for character in name {
            if character.isLetter || character.isNumber {
                // camelCase: a capital after a small letter starts a word.
                if character.isUppercase && previousLower && !word.isEmpty {
                    words.append(word)
                    word = ""
                }
                word.append(character)
                previousLower = character.isLowercase
            } else {
                if !word.isEmpty { words.append(word) }
                word = ""
                previousLower = false
            }
        }
        if !word.isEmpty { words.append(word) }
        guard let last = words.last else { return false }
        let lowered = last.lowercased()
        return idWords.contains(lowered) || (last == last.uppercased() && last.count > 2 && last.hasSuffix("ID"))
            || lowered.hasSuffix("nummer")
    }
    /// Columns that name each row's country, for the phone's `country_column`.
    static let countryColumns = [
        "country", "countrycode", "countryname", "mailingcountry", "billingcountry", "locationcountry",
        "addresscountry", "land", "pays", "pais", "paisregiao", "paysregion", "paisregion", "paisdecorreo",
        "paysdepublipostage", "cc",
    ]
    /// Tag columns (normalised names): HubSpot's and Zendesk's `Tags`, Pipedrive's labels, ours, in five languages.
    static let tagColumns: Set<String> = [
        "tags", "tag", "labels", "label", "contacttags", "persontags", "personlabels", "personlabel", "schlagworter",
        "etiketten", "etiquettes", "etiquetas", "marcadores",
    ]
    /// Company name columns: HubSpot's, Salesforce's account, Pipedrive's organization, ours, in five languages.
    static let companyNameColumns: [String] = [
        "companyname", "company", "associatedcompany", "accountname", "organizationname", "organization",
        "organisationname", "organisation", "personorganization", "companies", "firma", "firmenname", "unternehmen",
        "kontoname", "accountnamede", "entreprise", "nomdelentreprise", "societe", "nomducompte", "empresa",
        "nombredelaempresa", "nombredelacuenta", "nomedaempresa", "nomedaconta",
    ]
    /// Company id columns (the company's id in the system the file comes from, or ours).
    static let companyIDColumns: [String] = [
        "companyid", "companyids", "associatedcompanyid", "accountid", "organizationid", "organisationid",
        "personorganizationid", "firmenid", "kontoid", "identreprise", "iddelaempresa", "iddaempresa",
    ]

    /// Intercom's own export columns that are read-only or ours; they are left out with a comment.
    static let ignored = [
        "id", "role", "createdat", "updatedat", "workspaceid", "hashardbounced", "markedemailasspam",
        "locationcountry", "locationregion", "locationcity",
    ]
    /// Where exports nest their custom fields (Zendesk's `user_fields`, Intercom's `custom_attributes`): the
    /// attribute is named after the field alone.
    static let customFieldPrefixes = ["user_fields.", "custom_attributes.", "custom_fields.", "fields."]
    /// Fields whose value a row can do without: a bad one is left out with a warning (`invalid: skip`) rather than
    /// costing the row its email. The match key and the identity are not among them.
    static let optionalFields: Set<String> = [
        "name", "phone", "avatar", "signed_up_at", "last_seen_at", "owner_id", "unsubscribed_from_emails",
    ]

    /// The column names and the first `limit` rows of an input (for NDJSON, keys in order of first appearance).
    public static func sample(_ reader: RecordReader, limit: Int) throws -> (header: [String], rows: [[String]]) {
        let whole = try sample(reader, limit: limit, readToEnd: false)
        return (whole.header, whole.rows)
    }

    /// What `mapping init` reads of a file: the column names, the first rows, and, from every row, which order the
    /// dates of each column are written in.
    public struct Sample: Sendable {
        public var header: [String]
        public var rows: [[String]]
        /// By column name: how its `nn/nn/yyyy` dates show their order.
        public var dateOrders: [String: DateOrder] = [:]
        /// The rows read (all of them with `readToEnd`).
        public var rowsRead = 0
        /// By column name: what every row's value says of the column's type (``TypeEvidence``).
        public var evidence: [String: TypeEvidence] = [:]
    }

    /// What the values of a column, in every row, say of its type: a guess from the first rows is corrected by a
    /// later value that does not fit it (`n/a` in a column of numbers), so that `init` does not write a type that
    /// refuses part of the file.
    public struct TypeEvidence: Sendable, Equatable {
        public var values = 0
        /// The first value that is not a whole number, not a number, not a yes/no value; and a whole number written
        /// with a leading zero (a code).
        public var notInteger: String?
        public var notFloat: String?
        public var notBoolean: String?
        public var leadingZero: String?

        public init() {}

        mutating func note(_ value: String) {
            values += 1
            if notInteger == nil && Int64(value) == nil { notInteger = value }
            if notFloat == nil && Double(value) == nil { notFloat = value }
            if notBoolean == nil && !["true", "false", "yes", "no"].contains(value.lowercased()) {
                notBoolean = value
            }
            if leadingZero == nil && value.count > 1 && value.hasPrefix("0") && value.allSatisfy(\.isNumber) {
                leadingZero = value
            }
        }

        /// `type` (from the sample), made wide enough for every value, and why it was widened.
        func refine(_ type: (String, [String]?)) -> (type: (String, [String]?), why: String?) {
            switch type.0 {
            case "integer" where leadingZero != nil:
                return (("string", nil), "'\(leadingZero!)' has a leading zero")
            case "integer" where notInteger != nil:
                if notFloat == nil { return (("float", nil), "'\(notInteger!)' is not a whole number") }
                return (("string", nil), "'\(notFloat!)' is not a number")
            case "float" where notFloat != nil:
                return (("string", nil), "'\(notFloat!)' is not a number")
            case "boolean" where notBoolean != nil:
                return (("string", nil), "'\(notBoolean!)' is not yes/no or true/false")
            case "date" where type.1 == ["epoch"] && notInteger != nil:
                return (("string", nil), "'\(notInteger!)' is not a timestamp")
            default:
                return (type, nil)
            }
        }
    }

    /// How a column's `nn/nn/yyyy` (or `.`, `-`) dates show their order: a first number over 12 is a day (day-first),
    /// a second one over 12 is a day (month-first). One such value in a million settles the column.
    public struct DateOrder: Sendable, Equatable {
        public var dayFirst = 0
        public var monthFirst = 0

        public init(dayFirst: Int = 0, monthFirst: Int = 0) {
            self.dayFirst = dayFirst
            self.monthFirst = monthFirst
        }

        mutating func note(_ value: String) {
            var numbers: [Int] = []
            var current = 0
            var digits = 0
            for byte in value.utf8.prefix(10) {
                if byte &- 48 < 10 {
                    current = current * 10 + Int(byte - 48)
                    digits += 1
                } else if (byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-"))
                    && (1...2).contains(digits) && numbers.count < 2
                {
                    numbers.append(current)
                    current = 0
                    digits = 0
                } else {
                    break
                }
            }
            guard numbers.count == 2, digits == 4 else { return }
            if numbers[0] > 12 && (1...12).contains(numbers[1]) { dayFirst += 1 }
            if numbers[1] > 12 && (1...12).contains(numbers[0]) { monthFirst += 1 }
        }

        /// Whether the column is day-first, month-first, or nil when its values do not tell (or tell both).
        var isDayFirst: Bool? {
            if dayFirst > 0 && monthFirst == 0 { return true }
            if monthFirst > 0 && dayFirst == 0 { return false }
            return nil
        }
    }

    /// ``sample(_:limit:)``, reading on to the end when `readToEnd` for the date order of every column.
    public static func sample(_ reader: RecordReader, limit: Int, readToEnd: Bool) throws -> Sample {
        // Repeated CSV names are told apart as a mapping names them (`Email (2)`).
        var keys = HeaderNames.distinct(reader.columns ?? [])
        let keyed = reader.columns == nil
        var rows: [[String]] = []
        var orders: [String: DateOrder] = [:]
        var evidence: [String: TypeEvidence] = [:]
        var read = 0
        while rows.count < limit || readToEnd, let result = try reader.next() {
            guard case .record = result else { continue }
            read += 1
            let record = reader.current.makeRecord()
            for (position, field) in record.fields.enumerated()
            where field.text.utf8.count >= 8 && field.text.utf8.first! &- 48 < 10 {
                orders[keyed || position >= keys.count ? field.key : keys[position], default: DateOrder()].note(
                    field.text)
            }
            // Every row's values, for the types (a later `n/a` in a column of numbers).
            let cells =
                keyed
                ? flattened(record)
                : record.fields.indices.map { position in
                    (position < keys.count ? keys[position] : record.fields[position].key, record.fields[position].text)
                }
            for (key, text) in cells {
                let value = text.trimmingSpaces()
                if !value.isEmpty { evidence[key, default: TypeEvidence()].note(value) }
            }
            guard rows.count < limit else { continue }
            if keyed {
                for (key, _) in cells where !keys.contains(key) { keys.append(key) }
                let byKey = Dictionary(cells, uniquingKeysWith: { _, last in last })
                rows.append(keys.map { byKey[$0] ?? "" })
            } else {
                rows.append(record.values)
            }
        }
        // Rows read before a later key appeared are shorter: pad them.
        var padded = rows.map { $0 + Array(repeating: "", count: max(0, keys.count - $0.count)) }
        // An object's key that is null where it is not an object (`"photo": null`) is its members' business.
        let parents = keys.indices.filter { index in
            keys.contains { $0.hasPrefix(keys[index] + ".") } && padded.allSatisfy { $0[index].isEmpty }
        }
        for index in parents.reversed() {
            keys.remove(at: index)
            for row in padded.indices { padded[row].remove(at: index) }
        }
        return Sample(header: keys, rows: padded, dateOrders: orders, rowsRead: read, evidence: evidence)
    }

    /// An NDJSON record's cells by key, a nested object's members by dotted path (`photo.content_url`,
    /// `user_fields.plan`: how a mapping reaches them) in place of the object itself; a string decoded, anything
    /// else as its JSON text.
    static func flattened(_ record: Record) -> [(String, String)] {
        var cells: [(String, String)] = []
        for field in record.fields {
            guard field.kind == .object else {
                cells.append((field.key, field.kind == .null ? "" : field.text))
                continue
            }
            var text = field.text
            text.withUTF8 { bytes in
                RecordBuffer.forEachMember(of: bytes) { name, value, kind in
                    var shown = String(decoding: value, as: UTF8.self)
                    if kind == .string, let decoded = (try? JSONValue.parse(shown))?.stringValue { shown = decoded }
                    cells.append((field.key + "." + name, kind == .null ? "" : shown))
                }
            }
        }
        return cells
    }

    /// The mapping YAML for a file with `header` whose first rows are `samples`.
    /// - Parameter dateOrders: from ``Sample``: the order of each column's dates, from every row of the file.
    /// - Parameter admins: the workspace's admins, when known: owner names (or emails) are mapped to their ids.
    public static func make(
        header: [String], samples: [[String]], source: String, dateOrders: [String: DateOrder] = [:],
        admins: [Admin]? = nil, evidence: [String: TypeEvidence] = [:]
    ) -> String {
        var used = Set<Int>()
        var fields: [(String, String)] = []
        var notes: [String] = []
        func normalised(_ text: String) -> String {
            // Accents folded first: `Téléphone` is `telephone`, not `tlphone`.
            let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
            return String(folded.unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        }
        let keys = header.map(normalised)
        func values(_ column: Int) -> [String] {
            samples.compactMap { column < $0.count ? $0[column].trimmingSpaces() : nil }.filter { !$0.isEmpty }
        }
        // Intercom's own export writes the role and custom attributes as columns of their own.
        // The role: Intercom's own `role` or `Type` (user/lead), or a CRM's lifecycle stage through a map.
        let roleColumn =
            header.firstIndex { normalised($0) == "role" }
            ?? keys.indices.first { ["type", "contacttype"].contains(keys[$0]) && isRoleColumn(values($0)) }
        let lifecycleColumn =
            roleColumn == nil ? keys.indices.first { lifecycleColumns.contains(keys[$0]) } : nil
        let countryColumn = keys.indices.first { countryColumns.contains(keys[$0]) }
        let emailColumn = keys.indices.first { synonyms[0].names.contains(keys[$0]) }
        let phoneGuess = PhoneGuess(
            countries: countryColumn.map(values) ?? [], emails: emailColumn.map(values) ?? [])
        var context = RuleContext(
            countryColumn: countryColumn.map { header[$0] }, phoneGuess: phoneGuess, dateOrders: dateOrders)
        for (field, names) in synonyms {
            // The best-ranked name wins, not the first column: Intercom's own export has both created_at and
            // signed_up_at, and signed_up_at must come from its own column.
            let ranked = names.lazy.compactMap { name in keys.indices.first { !used.contains($0) && keys[$0] == name } }
            // An external id column that is empty throughout (Zendesk's `external_id: null`) gives no id.
            var candidates = Array(ranked).filter { field != "external_id" || !values($0).isEmpty }
            // A column whose values mostly fail the field's own check is not that field: it would reject (or warn
            // on) most rows. It stays a custom attribute, with the reason.
            candidates.removeAll { column in
                guard let failing = failsItsCheck(field, values(column)) else { return false }
                notes.append(
                    "# '\(header[column])' looks like \(field) by its name, but \(failing): kept as a custom attribute."
                )
                return true
            }
            guard let column = candidates.first else { continue }
            if field == "owner_id" && !values(column).allSatisfy({ Int64($0) != nil }), let admins,
                let (map, unknown) = ownerMap(values(column), admins)
            {
                used.insert(column)
                let entries = map.map { "\(quote($0.name)): \(quote($0.id))" }.joined(separator: ", ")
                fields.append(
                    (
                        "owner_id",
                        "{column: \(quote(header[column])), transforms: [trim], map: {\(entries)}, invalid: skip}"
                            + "   # owner names to the workspace's admin ids (GET /admins)"
                    ))
                if !unknown.isEmpty {
                    notes.append(
                        "# Owners with no admin of that name or email: "
                            + unknown.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
                            + (unknown.count > 10 ? " and \(unknown.count - 10) more" : "")
                            + "; their rows are sent without an owner (a warning). Add them to the map.")
                }
                continue
            }
            if field == "owner_id" && !values(column).allSatisfy({ Int64($0) != nil }) {
                // Owner columns of CRM exports hold names ("Jane Smith"); owner_id needs an admin's id. The column
                // stays a custom attribute below, with this note.
                notes.append(
                    "# '\(header[column])' holds owner names, not Intercom admin ids: kept as a custom attribute; "
                        + "map owner_id to admin ids yourself (GET /admins lists them).")
                continue
            }
            used.insert(column)
            context.column = header[column]
            // Several email or phone columns (Pipedrive's work, home and other): the first that is filled.
            let more = field == "email" || field == "phone" ? Array(candidates.dropFirst()) : []
            guard !more.isEmpty else {
                fields.append((field, rule(field, header[column], values(column), &context)))
                continue
            }
            used.formUnion(more)
            let all = [column] + more
            let text = rule(field, header[column], all.flatMap(values), &context)
            let list = all.map { quote(header[$0]) }.joined(separator: ", ")
            fields.append(
                (
                    field,
                    text.replacingOccurrences(of: "{column: \(quote(header[column]))", with: "{coalesce: [\(list)]")
                ))
        }
        // A record id column filled on every row: Intercom's own ids (24 hex digits, its own export) find every
        // contact in the workspace it came from, leads without an email or external id too, so importing it back
        // there changes nothing; another CRM's (Zendesk's `id`) is the external id when no other column gives one,
        // so that importing again finds the same contacts.
        var matchByID = false
        if let id = keys.indices.first(where: { !used.contains($0) && keys[$0] == "id" }),
            values(id).count == samples.count
        {
            if !samples.isEmpty && values(id).allSatisfy(isIntercomID) {
                used.insert(id)
                matchByID = true
                fields.insert(("id", "\(quote(header[id]))   # Intercom's ids: finds the contacts, never sent"), at: 0)
            } else if !fields.contains(where: { $0.0 == "external_id" }), !values(id).contains(where: isIntercomID) {
                used.insert(id)
                fields.append(("external_id", "\(quote(header[id]))   # the export's own record id"))
            }
        }
        if !fields.contains(where: { $0.0 == "name" }),
            let first = keys.indices.first(where: { !used.contains($0) && firstNames.contains(keys[$0]) }),
            let last = keys.indices.first(where: { !used.contains($0) && lastNames.contains(keys[$0]) })
        {
            used.formUnion([first, last])
            fields.append(("name", "{concat: [\(quote(header[first])), \(quote(header[last]))], separator: \" \"}"))
        }
        if let roleColumn { used.insert(roleColumn) }
        if let lifecycleColumn { used.insert(lifecycleColumn) }
        // Tags and the company (issue #25): applied by calls of their own, only where a contact lacks them.
        func unused(_ names: [String]) -> Int? {
            names.lazy.compactMap { name in
                keys.indices.first { !used.contains($0) && keys[$0] == name && !values($0).isEmpty }
            }.first
        }
        func separator(_ columns: [Int]) -> String? {
            let all = columns.flatMap(values)
            return all.contains { $0.contains(";") } ? ";" : nil
        }
        var relationLines: [String] = []
        if let tags = unused(tagColumns.sorted()) {
            used.insert(tags)
            let all = values(tags)
            let split = all.contains { $0.contains(";") } ? ";" : all.contains { $0.contains(",") } ? "," : ";"
            relationLines.append(
                "tags: [{column: \(quote(header[tags])), separator: \(quote(split))}]   # added, never removed "
                    + "(import --sync-tags makes the file the truth for the tags it names)")
        }
        let companyName = unused(companyNameColumns)
        if let companyName { used.insert(companyName) }
        let companyID = companyName == nil ? nil : unused(companyIDColumns)
        if let companyID { used.insert(companyID) }
        if let companyName {
            relationLines.append("company:                    # created once, attached to contacts that lack it")
            if let companyID {
                relationLines.append("  company_id: \(quote(header[companyID]))")
            } else {
                relationLines.append(
                    "  company_id: {from: name, slug: true}   # made from the name: the same name, the same company")
            }
            relationLines.append("  name: \(quote(header[companyName]))")
            if let split = separator([companyName] + (companyID.map { [$0] } ?? [])) {
                relationLines.append("  separator: \(quote(split))   # a cell names several companies")
            }
        }
        var custom: [(String, String)] = []
        for (column, name) in header.enumerated() where !used.contains(column) {
            let key = keys[column]
            if ignored.contains(key) {
                notes.append("# '\(name)' is kept by Intercom itself and is not imported.")
                continue
            }
            let sample = values(column)
            if sample.isEmpty {
                notes.append("# '\(name)' was empty in the sample: map it under custom_attributes if you need it.")
                continue
            }
            var attribute = attributeName(
                customFieldPrefixes.first { name.hasPrefix($0) }.map { String(name.dropFirst($0.count)) } ?? name)
            if attribute.hasPrefix("custom_attributes_") { attribute.removeFirst("custom_attributes_".count) }
            // Not a standard field's name (a mapping refuses it), and not one given already.
            if MappingFile.contactFields[attribute] != nil || attribute == "role" { attribute += "_column" }
            let base = attribute
            var suffix = 2
            while custom.contains(where: { $0.0 == attribute }) {
                attribute = "\(base)_\(suffix)"
                suffix += 1
            }
            var guessed = guessType(sample, dayFirst: dateOrders[name]?.isDayFirst ?? context.dayFirst)
            // Codes and ids are strings even when their sample is numbers: a later one may have a leading zero or a
            // letter, and nobody adds them up.
            if codeColumns.contains(where: { key.contains($0) })
                || (["integer", "float"].contains(guessed.0) && isIDLike(name))
            {
                guessed = ("string", nil)
            }
            let (type, why) = evidence[name]?.refine(guessed) ?? (guessed, nil)
            var text = "{column: \(quote(name)), type: \(type.0)"
            if let formats = type.1 { text += ", date: [\(formats.map(quote).joined(separator: ", "))]" }
            // A bad value of an attribute costs the attribute, not the contact.
            text += ", invalid: skip}"
            if let why { text += "   # not \(guessed.0): \(why) further down the file" }
            custom.append((attribute, text))
        }
        if !fields.contains(where: { $0.0 == "unsubscribed_from_emails" }),
            let marker = keys.first(where: { ["unsubtime", "cleantime"].contains($0) })
        {
            // Mailchimp's unsubscribed and cleaned exports say it by being those files: every row is unsubscribed,
            // and importing them without this would make those people emailable again.
            let kind = marker == "unsubtime" ? "unsubscribed" : "cleaned"
            fields.append(
                ("unsubscribed_from_emails", "{constant: \"true\"}   # Mailchimp's \(kind) export: every row"))
        }
        let mapped = Set(fields.map(\.0))
        let match =
            matchByID
            ? "id" : mapped.contains("email") ? "email" : mapped.contains("external_id") ? "external_id" : "email"
        var lines = [
            "# Starter mapping written by `intercom-etl mapping init \(source)`.",
            "# Check it, then: intercom-etl validate \(source) --mapping THIS_FILE",
        ]
        if let lifecycleColumn {
            // Customers are users; every other stage (subscriber, lead, opportunity, …) a lead.
            let stages = Set(values(lifecycleColumn).map { $0.lowercased() })
            let map = stages.sorted().map {
                "\(quote($0)): \(customerStages.contains(normalised($0)) ? "user" : "lead")"
            }
            lines.append(
                "role: {column: \(quote(header[lifecycleColumn])), map: {\(map.joined(separator: ", "))}, default: lead}"
                    + "   # customers are users, other stages leads; check the map")
        } else if let roleColumn {
            lines.append(
                "role: {column: \(quote(header[roleColumn])), default: user}   # add map: {Customer: user, Lead: lead};"
                    + " values match in any case, and default takes empty cells and values the map does not list")
        } else {
            lines.append(
                "role: user                 # or lead, or {column: NAME, map: {value: user|lead}, default: user}"
                    + " (default: for empty cells and unlisted values)")
        }
        lines.append(
            matchByID
                ? "match: id                  # this export's own ids; into another workspace, match by email or external_id"
                : "match: \(match)               # the key that finds the contact in Intercom: email, external_id or id"
        )
        lines.append(
            "empty: skip                # an empty cell sends nothing; 'clear' would blank the field in Intercom")
        lines.append("fields:")
        if fields.isEmpty { lines.append("  # no column looked like a contact field: map email or external_id here") }
        if !mapped.contains("email") && !mapped.contains("external_id") {
            notes.append("# No email or external ID column was recognised: a user needs one of them.")
        }
        lines += fields.map { "  \($0.0): \($0.1)" }
        if !custom.isEmpty {
            lines.append(
                "custom_attributes:         # each must exist in Intercom (import --create-attributes makes them)")
            lines += custom.map { "  \($0.0): \($0.1)" }
        }
        lines += relationLines
        if !notes.isEmpty {
            lines.append("")
            lines += notes
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the rules of a draft learn from the whole file: the phone's region, and so whether dates are day-first.
    struct RuleContext {
        var countryColumn: String?
        var phoneGuess: PhoneGuess
        var dateOrders: [String: DateOrder]
        /// Whether ambiguous dates (03/04/2024) are read day-first: outside the US, once the phones' region is known.
        var dayFirst = false
        /// The column of the rule being written.
        var column = ""
    }

    private static func rule(_ field: String, _ column: String, _ sample: [String], _ context: inout RuleContext)
        -> String
    {
        let skip = optionalFields.contains(field) ? ", invalid: skip" : ""
        switch field {
        case "email": return "{column: \(quote(column)), transforms: [trim, lower]}"
        case "phone":
            var guess = context.phoneGuess
            let region = guess.region(numbers: sample)
            context.phoneGuess = guess
            context.dayFirst = !["US", "CA", "PH"].contains(region.code)
            var text = "{column: \(quote(column)), country: \(region.code)"
            if let countryColumn = context.countryColumn { text += ", country_column: \(quote(countryColumn))" }
            text += "\(skip)}   # \(guess.note(region))"
            return text
        case "signed_up_at", "last_seen_at":
            // The whole column's dates settle their order where one of them can only be read one way.
            let settled = context.dateOrders[context.column]?.isDayFirst
            let formats = guessDateFormats(sample, dayFirst: settled ?? context.dayFirst)
            let note =
                formats == nil
                ? "   # could not recognise the dates in the sample: check"
                : settled != nil ? "" : ambiguity(sample, formats!, dayFirst: context.dayFirst)
            let list = (formats ?? ["iso8601"]).map(quote).joined(separator: ", ")
            return "{column: \(quote(column)), date: [\(list)]\(skip)}" + note
        case "unsubscribed_from_emails":
            return "{column: \(quote(column))\(skip)}   # yes/no, true/false, 1/0 are understood"
        default:
            return skip.isEmpty ? quote(column) : "{column: \(quote(column))\(skip)}"
        }
    }

    /// A comment when every date of the column reads both day-first and month-first (no day above 12).
    static func ambiguity(_ sample: [String], _ formats: [String], dayFirst: Bool) -> String {
        guard let chosen = formats.first, chosen.hasPrefix("MM/dd") || chosen.hasPrefix("dd/MM") else { return "" }
        let other = chosen.hasPrefix("MM/dd") ? "dd/MM" + chosen.dropFirst(5) : "MM/dd" + chosen.dropFirst(5)
        guard let format = DateFormat(other), sample.allSatisfy({ reads(format, $0) }) else { return "" }
        return "   # every date here reads day-first and month-first alike: \(chosen) chosen"
            + (dayFirst ? " (the phones are not from the US)" : " (US order)") + "; check one you know"
    }

    static func reads(_ format: DateFormat, _ value: String) -> Bool {
        var value = value
        guard let seconds = value.withUTF8({ format.parse($0) }) else { return false }
        // A serial is taken for an Excel date (an xlsx date cell) only between 1970 and 2100.
        return format != .excel || (0...4_102_444_800).contains(seconds)
    }

    /// The date formats that read every sample value, most specific first; nil if none does.
    static func guessDateFormats(_ sample: [String], dayFirst: Bool = false) -> [String]? {
        guard !sample.isEmpty else { return nil }
        var candidates = [
            "iso8601", "excel", "epoch", "MM/dd/yyyy", "dd/MM/yyyy", "yyyy-MM-dd HH:mm:ss", "dd.MM.yyyy",
            "MM/dd/yyyy HH:mm", "dd/MM/yyyy HH:mm", "yyyy/MM/dd", "MM/dd/yyyy h:mm a", "dd/MM/yyyy h:mm a",
            "MM/dd/yyyy h:mm:ss a", "dd/MM/yyyy h:mm:ss a", "dd.MM.yyyy HH:mm", "dd/MM/yyyy HH:mm:ss",
            "MM/dd/yyyy HH:mm:ss",
        ]
        if dayFirst {
            // Day-first where month-first was, for files whose dates may read both ways.
            candidates = candidates.map { name in
                name.hasPrefix("MM/dd")
                    ? "dd/MM" + name.dropFirst(5)
                    : name.hasPrefix("dd/MM") ? "MM/dd" + name.dropFirst(5) : name
            }
        }
        // One format that reads every value settles day-first against month-first (31/12 only reads as dd/MM).
        for name in candidates {
            if let format = DateFormat(name), sample.allSatisfy({ reads(format, $0) }) { return [name] }
        }
        var chosen: [String] = []
        var remaining = sample
        for name in candidates {
            guard let format = DateFormat(name) else { continue }
            let parsed = remaining.filter { reads(format, $0) }
            if !parsed.isEmpty {
                // MM/dd and dd/MM both read 03/04/2024; keep the first that reads what is left.
                chosen.append(name)
                remaining.removeAll { parsed.contains($0) }
            }
            if remaining.isEmpty { return chosen }
        }
        return nil
    }

    /// The custom attribute type for sample values, and the date formats for dates.
    static func guessType(_ sample: [String], dayFirst: Bool = false) -> (String, [String]?) {
        // The per-value checks are ``TypeEvidence``'s, which then checks the guess against every row of the file.
        var evidence = TypeEvidence()
        for value in sample { evidence.note(value) }
        // Digits with a leading zero are a code (a postal code, an id): as a number it would lose the zero.
        if evidence.leadingZero != nil { return ("string", nil) }
        if evidence.notInteger == nil {
            // Ten-digit numbers that all look like recent epoch seconds are dates.
            if sample.allSatisfy({ $0.count == 10 && (Int64($0) ?? 0) > 946_684_800 }) { return ("date", ["epoch"]) }
            return ("integer", nil)
        }
        if evidence.notFloat == nil { return ("float", nil) }
        if evidence.notBoolean == nil { return ("boolean", nil) }
        if let formats = guessDateFormats(sample, dayFirst: dayFirst), !formats.contains("epoch") {
            return ("date", formats)
        }
        return ("string", nil)
    }

    /// Why most sample values of a column fail the check of `field` (an email or an avatar URL, as the rule engine
    /// checks them), or nil when at least half pass (or the field has no such check here).
    static func failsItsCheck(_ field: String, _ sample: [String]) -> String? {
        let check: (String) -> Bool
        let what: String
        switch field {
        case "email":
            check = { EmailAddresses.isPlausible($0.trimmingSpaces().lowercased()) }
            what = "email addresses"
        case "avatar":
            check = { value in
                var text = value.trimmingSpaces()
                return text.withUTF8 { RuleProgram.isURL($0) }
            }
            what = "http(s) URLs"
        default:
            return nil
        }
        guard !sample.isEmpty else { return nil }
        let failing = sample.filter { !check($0) }
        guard failing.count * 2 > sample.count else { return nil }
        return "\(failing.count) of its \(sample.count) sample values are not \(what) (e.g. '\(shorten(failing[0]))')"
    }

    static func shorten(_ text: String) -> String { text.count > 40 ? String(text.prefix(37)) + "…" : text }

    /// An admin of the workspace, as `GET /admins` lists it.
    public struct Admin: Sendable, Equatable {
        public var id: String
        public var name: String
        public var email: String

        public init(id: String, name: String, email: String) {
            self.id = id
            self.name = name
            self.email = email
        }
    }

    /// The owner values of a sample that name an admin (by name in any case, accents or word order, or by email),
    /// with the admin's id, and those that name none; nil when none does.
    static func ownerMap(_ values: [String], _ admins: [Admin]) -> (
        map: [(name: String, id: String)], unknown: [String]
    )? {
        func words(_ text: String) -> [String] {
            text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
                .split { !$0.isLetter && !$0.isNumber }.map(String.init).sorted()
        }
        var map: [(name: String, id: String)] = []
        var unknown: [String] = []
        for value in Set(values.map { $0.trimmingSpaces() }).sorted() where !value.isEmpty {
            let key = words(value)
            if let admin = admins.first(where: { words($0.name) == key || $0.email.lowercased() == value.lowercased() })
            {
                map.append((value, admin.id))
            } else {
                unknown.append(value)
            }
        }
        return map.isEmpty ? nil : (map, unknown)
    }

    /// Whether `text` looks like an id Intercom gave (24 hexadecimal digits), not another system's.
    static func isIntercomID(_ text: String) -> Bool {
        text.utf8.count == 24 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// A custom attribute name Intercom accepts: letters, digits and underscores; accents folded first, so that
    /// `Propriétaire` is `proprietaire`, not `propri_taire`.
    static func attributeName(_ column: String) -> String {
        var name = ""
        var folded = column.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        // Letters that are no accented letter, so that folding leaves them.
        for (letter, plain) in ["ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "þ": "th"] {
            folded = folded.replacingOccurrences(of: letter, with: plain)
        }
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty && !name.hasSuffix("_") {
                name += "_"
            }
        }
        while name.hasSuffix("_") { name.removeLast() }
        return name.isEmpty ? "attribute" : name
    }

    /// A YAML scalar, quoted when it needs to be.
    static func quote(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                    || $0 == " "
                    || $0 == "-" || $0 == "/" || $0 == "."
            } && !text.hasPrefix(" ") && !text.hasSuffix(" ")
            && !["yes", "no", "true", "false", "null", "on", "off", "y", "n"].contains(text.lowercased())
            && Double(text) == nil
        if plain { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }
}
