import ContactIO
import ContactMapping
import IntercomAPI
import JSONText

/// Finds the contacts of up to 15 match keys with one `POST /contacts/search` (`IN` on the key's field).
struct ContactLookup: Sendable {
    let client: IntercomClient
    let match: MappingFile.MatchKey

    /// The best contact for each key that has one.
    /// - Parameter roles: each key's row role, to choose among several matches (leads may share an email).
    func find(_ keys: [String], roles: [String: String]) async throws(IntercomError) -> [String: IntercomContact] {
        let field = match.rawValue
        let query: JSONValue =
            keys.count == 1
            ? .object(["field": .string(field), "operator": .string("="), "value": .string(keys[0])])
            : .object(["field": .string(field), "operator": .string("IN"), "value": .array(keys.map(JSONValue.string))])
        var candidates: [String: [IntercomContact]] = [:]
        var cursor: String?
        repeat {
            let page = try await client.searchContacts(query: query, perPage: 150, startingAfter: cursor)
            for contact in page.contacts {
                if let key = key(of: contact), roles[key] != nil {
                    candidates[key, default: []].append(contact)
                }
            }
            cursor = page.nextCursor
        } while cursor != nil
        return candidates.compactMapValues { contacts in
            // The one with the row's role, then the oldest.
            let role = roles[key(of: contacts[0]) ?? ""]
            return contacts.min { a, b in
                let aRole = a.role == role
                let bRole = b.role == role
                return aRole != bRole ? aRole : a.createdAt < b.createdAt
            }
        }
    }

    func key(of contact: IntercomContact) -> String? {
        switch match {
        case .email: contact.email?.lowercased()
        case .externalID: contact.externalID
        case .id: contact.id
        }
    }
}
