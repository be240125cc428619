import IntercomAPI
import IntercomSandbox
import JSONText
import SandboxTestSupport
import Testing

/// Searches sorted by `created_at` continue from the cursor through the sandbox's `created_at` order; the pages must
/// hold exactly what one sorted list holds, in both directions, with equal timestamps and contacts created out of
/// order.
struct SearchPagingTests {
    @Test func pagesSortedByCreatedAtEqualTheWholeSortedListBothWays() async throws {
        let clock = ManualSandboxClock()
        try await withClient(clock: clock) { client, _ in
            var created: [(at: Int, order: Int, id: String, user: Bool)] = []
            var random = SystemRandomNumberGenerator()
            for order in 0..<90 {
                let at = 1_767_225_600 + Int.random(in: 0..<30, using: &random) * 3_600  // many equal timestamps
                clock.set(Double(at))
                let user = order % 4 != 0
                let contact = try await client.createContact([
                    "role": .string(user ? "user" : "lead"), "email": .string("c\(order)@example.com"),
                ])
                created.append((at, order, contact.id, user))
            }
            let users = created.filter(\.user).sorted { ($0.at, $0.order) < ($1.at, $1.order) }.map(\.id)
            let query: JSONValue = .object([
                "field": .string("role"), "operator": .string("="), "value": .string("user"),
            ])
            for ascending in [true, false] {
                var ids: [String] = []
                var cursor: String?
                var totals: Set<Int> = []
                repeat {
                    let page = try await client.searchContacts(
                        query: query, perPage: 7, startingAfter: cursor, sort: ("created_at", ascending))
                    ids += page.contacts.map(\.id)
                    totals.insert(page.totalCount ?? -1)
                    cursor = page.nextCursor
                } while cursor != nil
                #expect(ids == (ascending ? users : users.reversed()), "ascending: \(ascending)")
                #expect(totals == [users.count])
            }
        }
    }

    /// A search bounded by `created_at` tests only the contacts created near the bounds; it must find what a scan of
    /// the whole workspace finds (the same query, OR'ed with a filter that matches nothing and bounds nothing).
    @Test func createdAtRangesFindWhatAScanFinds() async throws {
        let clock = ManualSandboxClock()
        try await withClient(clock: clock) { client, _ in
            let midnight = 1_767_225_600
            for day in 0..<10 {
                for offset in [-1, 0, 1, 50_000] {
                    clock.set(Double(midnight + day * 86_400 + offset))
                    _ = try await client.createContact(["email": .string("r\(day)-\(offset)@example.com")])
                }
            }
            func filter(_ op: String, _ time: Int) -> JSONValue {
                .object(["field": .string("created_at"), "operator": .string(op), "value": .number(String(time))])
            }
            func group(_ op: String, _ items: [JSONValue]) -> JSONValue {
                .object(["operator": .string(op), "value": .array(items)])
            }
            func ids(_ query: JSONValue) async throws -> [String] {
                var ids: [String] = []
                var cursor: String?
                repeat {
                    let page = try await client.searchContacts(
                        query: query, perPage: 9, startingAfter: cursor, sort: ("created_at", true))
                    ids += page.contacts.map(\.id)
                    cursor = page.nextCursor
                } while cursor != nil
                return ids
            }
            let nothing: JSONValue = .object([
                "field": .string("email"), "operator": .string("~"), "value": .string("no-such-text"),
            ])
            var checked = 0
            for day in [-3, 0, 1, 4, 9, 12] {
                for shift in [-1, 0, 1, 43_200] {
                    let time = midnight + day * 86_400 + shift
                    let queries = [
                        filter("=", time), filter(">", time), filter("<", time),
                        group("OR", [filter("=", time), filter(">", time)]),
                        group("AND", [filter(">", time), filter("<", time + 3 * 86_400)]),
                    ]
                    for query in queries {
                        let bounded = try await ids(query)
                        #expect(bounded == (try await ids(group("OR", [query, nothing]))), "\(query.jsonText)")
                        if !bounded.isEmpty { checked += 1 }
                    }
                }
            }
            #expect(checked > 40)
        }
    }
}
