import HTTPTypes
import IntercomSandbox
import JSONText
import Testing

struct ListAndSearchTests {
    @Test func pagingThroughEveryContactWhileContactsAreCreatedHasNoGapOrRepeat() async throws {
        try await withSandbox { api in
            var expected: [String] = []
            for index in 0..<1050 {
                expected.append(try await api.createContact(["email": .string("p\(index)@example.com")]))
            }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let path = "/contacts?per_page=150" + (cursor.map { "&starting_after=\($0)" } ?? "")
                let page = try await api.get(path)
                #expect(page.status == .ok)
                guard case .array(let data)? = page.json["data"] else { Issue.record("no data"); return }
                seen += data.compactMap { $0["id"]?.stringValue }
                pages += 1
                cursor = page.json["pages"]?["next"]?["starting_after"]?.stringValue
                // New contacts arrive during the export; they come after everything already listed.
                if pages <= 3 {
                    expected.append(try await api.createContact(["email": .string("late\(pages)@example.com")]))
                }
            } while cursor != nil && pages < 100
            #expect(seen == expected)
            #expect(Set(seen).count == seen.count)
        }
    }

    @Test func lastPageHasNoNextAndBadCursorsAreRejected() async throws {
        try await withSandbox { api in
            for index in 0..<3 { _ = try await api.createContact(["external_id": .string("x\(index)")]) }
            let page = try await api.get("/contacts?per_page=3")
            #expect(page.json["total_count"] == .number("3"))
            #expect(page.json["pages"]?["next"] == nil)
            #expect(page.json["pages"]?["total_pages"] == .number("1"))
            let bad = try await api.get("/contacts?starting_after=None")
            #expect(bad.status == .badRequest)
            #expect(bad.errorMessage?.hasPrefix("Invalid starting_after param") == true)
            #expect(try await api.get("/contacts?per_page=151").status == .badRequest)
            let defaults = try await api.get("/contacts")
            #expect(defaults.json["pages"]?["per_page"] == .number("10"))
        }
    }

    func ids(_ response: SandboxResponse) -> [String] {
        guard case .array(let data)? = response.json["data"] else { return [] }
        return data.compactMap { $0["id"]?.stringValue }
    }

    func query(_ field: String, _ op: String, _ value: JSONValue) -> JSONValue {
        .object(["field": .string(field), "operator": .string(op), "value": value])
    }

    @Test func searchOperatorsGroupsAndLimits() async throws {
        try await withSandbox { api in
            let ann = try await api.createContact([
                "email": .string("ann@alpha.com"), "name": .string("Ann Smith"), "external_id": .string("1"),
            ])
            let bob = try await api.createContact([
                "email": .string("bob@beta.com"), "name": .string("Bob Stone"), "external_id": .string("2"),
            ])
            let cy = try await api.createContact(["role": .string("lead"), "name": .string("Cy")])

            func search(_ query: JSONValue, sort: JSONValue? = nil) async throws -> SandboxResponse {
                var body: JSONObject = ["query": query]
                if let sort { body["sort"] = sort }
                return try await api.post("/contacts/search", .object(body))
            }
            #expect(ids(try await search(query("email", "=", .string("ANN@alpha.com")))) == [ann])
            #expect(
                ids(try await search(query("external_id", "IN", .array([.string("1"), .string("2")])))) == [ann, bob])
            #expect(ids(try await search(query("external_id", "NIN", .array([.string("1")])))) == [bob, cy])
            #expect(ids(try await search(query("name", "~", .string("Sto")))) == [bob])
            #expect(ids(try await search(query("name", "^", .string("Ann")))) == [ann])
            #expect(ids(try await search(query("email", "$", .string("beta.com")))) == [bob])
            #expect(ids(try await search(query("role", "=", .string("lead")))) == [cy])
            let group: JSONValue = .object([
                "operator": .string("AND"),
                "value": .array([
                    query("role", "=", .string("user")),
                    .object([
                        "operator": .string("OR"),
                        "value": .array([query("name", "~", .string("Ann")), query("external_id", "=", .string("2"))]),
                    ]),
                ]),
            ])
            let grouped = try await search(group)
            #expect(ids(grouped) == [ann, bob])
            #expect(grouped.json["total_count"] == .number("2"))

            let sorted = try await search(
                query("role", "=", .string("user")),
                sort: .object(["field": .string("name"), "order": .string("descending")]))
            #expect(ids(sorted) == [bob, ann])

            let badOrder = try await search(
                query("role", "=", .string("user")),
                sort: .object(["field": .string("name"), "order": .string("desc")]))
            #expect(badOrder.status == .badRequest)
            #expect(badOrder.errorCode == "invalid_sort_order")
            #expect(badOrder.errorMessage == "Invalid sort order 'desc'. Must be one of: ascending, descending")

            let tooDeep: JSONValue = .object([
                "operator": .string("AND"),
                "value": .array([
                    .object([
                        "operator": .string("OR"),
                        "value": .array([
                            .object(["operator": .string("AND"), "value": .array([query("name", "=", .string("x"))])])
                        ]),
                    ])
                ]),
            ])
            #expect(try await search(tooDeep).status == .badRequest)
            let tooMany: JSONValue = .object([
                "operator": .string("OR"),
                "value": .array((0..<16).map { query("external_id", "=", .string("\($0)")) }),
            ])
            #expect(try await search(tooMany).status == .badRequest)
            let fifteen: JSONValue = .object([
                "operator": .string("OR"),
                "value": .array((0..<15).map { query("external_id", "=", .string("\($0)")) }),
            ])
            #expect(try await search(fifteen).status == .ok)
            #expect(try await search(query("nonsense", "=", .string("x"))).status == .badRequest)
            #expect(try await search(query("name", ">", .string("x"))).status == .badRequest)
            #expect(try await search(query("created_at", ">=", .number("1"))).status == .badRequest)
            #expect(try await search(query("external_id", "IN", .string("1"))).status == .badRequest)
        }
    }

    @Test func datesMatchByDayAsIntercomDoes() async throws {
        let clock = ManualSandboxClock(1_800_057_599)  // 23:59:59 UTC
        try await withSandbox(clock: clock) { api in
            let late = try await api.createContact(["email": .string("late@x.com")])
            clock.advance(by: 1)  // 00:00:00 the next day
            let early = try await api.createContact(["email": .string("early@x.com")])
            func search(_ op: String, _ value: Int) async throws -> [String] {
                ids(
                    try await api.post(
                        "/contacts/search", .object(["query": query("created_at", op, .number(String(value)))])))
            }
            let firstDay = 1_800_057_599 - 12 * 3600
            #expect(try await search("=", firstDay) == [late])
            #expect(try await search("=", firstDay + 86_400) == [early])
            #expect(try await search(">", firstDay) == [early])  // starts at the next day
            #expect(try await search("<", firstDay + 86_400) == [late])  // before the start of that day
        }
    }

    @Test func searchPaginationGoesInTheBody() async throws {
        try await withSandbox { api in
            var all: [String] = []
            for index in 0..<7 { all.append(try await api.createContact(["email": .string("s\(index)@x.com")])) }
            var seen: [String] = []
            var body: JSONObject = [
                "query": query("role", "=", .string("user")), "pagination": .object(["per_page": .number("3")]),
                "sort": .object(["field": .string("created_at"), "order": .string("ascending")]),
            ]
            for _ in 0..<5 {
                let page = try await api.post("/contacts/search", .object(body))
                #expect(page.json["total_count"] == .number("7"))
                seen += ids(page)
                guard let next = page.json["pages"]?["next"]?["starting_after"] else { break }
                body["pagination"] = .object(["per_page": .number("3"), "starting_after": next])
            }
            #expect(seen == all)
        }
    }

    @Test func searchSeesChangesOnlyAfterTheLag() async throws {
        let clock = ManualSandboxClock()
        try await withSandbox(SandboxConfiguration(rateLimitPerMinute: 0, searchLagSeconds: 5), clock: clock) { api in
            let id = try await api.createContact(["email": .string("lag@x.com"), "name": .string("Before")])
            let byEmail = query("email", "=", .string("lag@x.com"))
            #expect(ids(try await api.post("/contacts/search", .object(["query": byEmail]))) == [])
            #expect(try await api.get("/contacts/\(id)").status == .ok)
            // The race other integrations hit: search says "missing", create says "conflict".
            #expect(try await api.post("/contacts", .object(["email": .string("lag@x.com")])).status == .conflict)
            clock.advance(by: 5)
            #expect(ids(try await api.post("/contacts/search", .object(["query": byEmail]))) == [id])

            _ = try await api.put("/contacts/\(id)", .object(["name": .string("After")]))
            let byNewName = query("name", "=", .string("After"))
            #expect(ids(try await api.post("/contacts/search", .object(["query": byNewName]))) == [])
            clock.advance(by: 4.9)
            #expect(ids(try await api.post("/contacts/search", .object(["query": byNewName]))) == [])
            clock.advance(by: 0.1)
            #expect(ids(try await api.post("/contacts/search", .object(["query": byNewName]))) == [id])
        }
    }
}
