import Foundation
import HTTPTypes
import JSONText
import Testing

@testable import IntercomSandbox

/// Paging holds for every value a field can hold, and no cursor, however it is built, crashes, hangs or loops the
/// sandbox. A spec fuzzer never builds a well-formed cursor; this test does, sealed with the server's own secret.
struct CursorPropertyTests {
    static let secret = Array("cursor-property-test-secret-32b!".utf8)

    /// Contacts whose fields hold the extremes: huge and tiny floats, an overflow to infinity, Int64's ends, integers
    /// that are equal as doubles, equal values, empty and non-ASCII text, and unset fields.
    static let people: [JSONObject] = {
        let scores = ["1e300", "-1e300", "1.5", "1.7", "1.9", "1e300", "0", "-0.0", "1e400", "4.9e-324", nil, "1.5"]
        let seats = [
            "9223372036854775807", "-9223372036854775808", "0", "9007199254740993", "9007199254740992", nil, "0", "1",
            "-1", "9223372036854775807", nil, "42",
        ]
        let labels = [
            "", "a", "ä", "Z", "a", nil, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "0", "a", "😀", "", nil,
        ]
        let flags: [Bool?] = [true, false, nil, true, true, false, nil, false, true, nil, false, true]
        let dates = [
            "0", "-1", "253402300799", "9223372036854775807", nil, "0", "1700000000", nil, "-62135596800",
            "1", "2", "0",
        ]
        let signups: [Int?] = [
            0, -1, Int(Int32.max), nil, 1_700_000_000, 1_700_000_000, nil, 5, Int.max, Int.min, 7, 0,
        ]
        return (0..<12).map { index in
            var custom: JSONObject = [:]
            if let value = scores[index] { custom["score"] = .number(value) }
            if let value = seats[index] { custom["seats"] = .number(value) }
            if let value = labels[index] { custom["label"] = .string(value) }
            if let value = flags[index] { custom["vip"] = .bool(value) }
            if let value = dates[index] { custom["renewal"] = .number(value) }
            var person: JSONObject = [
                "email": .string("p\(index)@example.com"), "custom_attributes": .object(custom),
                "unsubscribed_from_emails": .bool(index % 3 == 0),
            ]
            if let signup = signups[index] { person["signed_up_at"] = .number(String(signup)) }
            if index % 4 != 0 { person["name"] = .string(index % 2 == 0 ? "Same" : "Name \(11 - index)") }
            if index % 5 != 0 { person["external_id"] = .string("x\(index % 3)-\(index)") }
            return person
        }
    }()

    static let sortFields = [
        "id", "role", "name", "email", "email_domain", "phone", "external_id", "owner_id", "created_at", "updated_at",
        "signed_up_at", "last_seen_at", "unsubscribed_from_emails", "marked_email_as_spam", "has_hard_bounced",
        "custom_attributes.score", "custom_attributes.seats", "custom_attributes.label", "custom_attributes.vip",
        "custom_attributes.renewal",
    ]

    func setUp(_ api: SandboxClient) async throws -> [String] {
        for (name, type) in [
            ("score", "float"), ("seats", "integer"), ("label", "string"), ("vip", "boolean"),
            ("renewal", "date"),
        ] {
            let made = try await api.post(
                "/data_attributes",
                .object(["name": .string(name), "model": .string("contact"), "data_type": .string(type)]))
            try #require(made.status == .ok, "\(made.json.jsonText)")
        }
        var ids: [String] = []
        for person in Self.people { ids.append(try await api.createContact(person)) }
        return ids
    }

    func search(sort: String, ascending: Bool, perPage: Int, after: String?) -> JSONValue {
        var pagination: JSONObject = ["per_page": .number(String(perPage))]
        if let after { pagination["starting_after"] = .string(after) }
        return .object([
            "query": .object(["field": .string("email"), "operator": .string("~"), "value": .string("@example.com")]),
            "sort": .object(["field": .string(sort), "order": .string(ascending ? "ascending" : "descending")]),
            "pagination": .object(pagination),
        ])
    }

    func ids(_ response: SandboxResponse) -> [String] {
        guard case .array(let data)? = response.json["data"] else { return [] }
        return data.compactMap { $0["id"]?.stringValue }
    }

    @Test func everySortFieldPagesThroughEveryContactOnceInBothOrders() async throws {
        try await withSandbox { api in
            let everyone = Set(try await setUp(api))
            for field in Self.sortFields {
                for ascending in [true, false] {
                    for perPage in [1, 2, 5] {
                        var seen: [String] = []
                        var cursor: String?
                        var pages = 0
                        repeat {
                            let page = try await api.post(
                                "/contacts/search",
                                search(sort: field, ascending: ascending, perPage: perPage, after: cursor))
                            try #require(page.status == .ok, "\(field): \(page.json.jsonText)")
                            #expect(page.json["total_count"] == .number(String(everyone.count)))
                            seen += ids(page)
                            cursor = page.json["pages"]?["next"]?["starting_after"]?.stringValue
                            pages += 1
                        } while cursor != nil && pages <= everyone.count + 1
                        let where_ = "\(field) \(ascending ? "asc" : "desc") per_page \(perPage)"
                        #expect(seen.count == everyone.count, "\(where_): \(seen.count) rows for \(everyone.count)")
                        #expect(Set(seen) == everyone, "\(where_)")
                    }
                }
            }
        }
    }

    /// Payload values that a cursor could hold: the extremes of every kind, and kinds that do not belong.
    static let extremes: [JSONValue] = [
        .number("9223372036854775807"), .number("-9223372036854775808"), .number("-1"), .number("0"), .number("1"),
        .number("2"), .number("9007199254740993"), .number("1e300"), .number("-1e300"), .number("1.5"),
        .number("99999999999999999999999"), .null, .bool(true), .string(""), .string("1"), .array([]),
        .object(["f64": .string(String(Double.nan.bitPattern))]),
        .object(["f64": .string(String(Double.infinity.bitPattern))]),
        .object(["f64": .string(String((-Double.infinity).bitPattern))]),
        .object(["f64": .string(String(Double.greatestFiniteMagnitude.bitPattern))]),
        .object(["f64": .string(String(1.5.bitPattern))]), .object(["f64": .string("x")]),
    ]

    /// A structurally valid cursor payload: a list one (two numbers) or a search one (sort value, sequence, page and
    /// maybe a total), with values drawn from the extremes.
    static func payload(_ random: inout SplitMix64, list: Bool) -> JSONValue {
        func pick() -> JSONValue { extremes[Int(random.next() % UInt64(extremes.count))] }
        func smallOrExtreme() -> JSONValue { random.next() % 2 == 0 ? .number(String(random.next() % 14)) : pick() }
        if list { return .array([smallOrExtreme(), smallOrExtreme()]) }
        var parts = [pick(), smallOrExtreme(), smallOrExtreme()]
        if random.next() % 2 == 0 { parts.append(smallOrExtreme()) }
        return .array(parts)
    }

    @Test func noCursorCrashesHangsOrLoopsTheSandbox() async throws {
        let configuration = SandboxConfiguration(port: 0, rateLimitPerMinute: 0, cursorSecret: Self.secret)
        try await withSandbox(configuration) { api in
            let everyone = try await setUp(api)
            let sealer = CursorSealer(secret: Self.secret)
            let stranger = CursorSealer(secret: Array("another-workspace-secret-32bytes".utf8))
            var random = SplitMix64(seed: 16)
            var accepted = 0
            for round in 0..<240 {
                let list = round % 3 == 0
                let payload = Self.payload(&random, list: list)
                let field = Self.sortFields[Int(random.next() % UInt64(Self.sortFields.count))]
                let ascending = random.next() % 2 == 0
                func request(_ cursor: String) async throws -> SandboxResponse {
                    if list {
                        let escaped = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor
                        return try await api.get("/contacts?per_page=2&starting_after=\(escaped)")
                    }
                    return try await api.post(
                        "/contacts/search", search(sort: field, ascending: ascending, perPage: 2, after: cursor))
                }
                // Unsealed, or sealed by another workspace: Intercom's 400, whatever the payload.
                for foreign in [Data(payload.jsonText.utf8).base64EncodedString(), stranger.seal(payload)] {
                    let refused = try await request(foreign)
                    #expect(refused.status == .badRequest, "\(payload.jsonText): \(refused.json.jsonText)")
                    #expect(refused.errorMessage?.hasPrefix("Invalid starting_after param") == true)
                }
                // Sealed with the server's secret: a clean 4xx, or pages that move forward and end.
                var cursor: String? = sealer.seal(payload)
                var seen: [String] = []
                var pages = 0
                while let current = cursor, pages <= everyone.count + 1 {
                    let page = try await request(current)
                    if page.status != .ok {
                        #expect((400..<500).contains(page.status.code), "\(payload.jsonText): \(page.status)")
                        #expect(page.json["type"] == .string("error.list"))
                        cursor = nil
                        break
                    }
                    accepted += pages == 0 ? 1 : 0
                    seen += ids(page)
                    cursor = page.json["pages"]?["next"]?["starting_after"]?.stringValue
                    pages += 1
                }
                #expect(cursor == nil, "\(payload.jsonText) \(field): paging did not end")
                #expect(Set(seen).count == seen.count, "\(payload.jsonText) \(field): a contact came twice")
                #expect(seen.count <= everyone.count)
            }
            // Both outcomes occurred, so the test reached the paging code and not only the refusals.
            #expect(accepted > 20)
            #expect(try await api.get("/me").status == .ok)
        }
    }
}
