import ContactIO
import IntercomAPI
import IntercomSandbox
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
}
