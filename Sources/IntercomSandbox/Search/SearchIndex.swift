/// What search sees: snapshots of contacts as of `searchLag` ago, with hash indexes for exact lookups.
struct SearchIndex: Sendable {
    /// Snapshots by sequence - 1 (nil: never visible, deleted or archived).
    private var snapshots: [Contact?] = []
    private var sequenceByID: [String: Int] = [:]
    private var byEmail: [String: Set<Int>] = [:]
    private var byExternalID: [String: Set<Int>] = [:]

    /// Makes `contact` (or its absence) what search sees for `id`.
    mutating func update(id: String, to contact: Contact?) {
        if let sequence = sequenceByID[id], let old = snapshots[sequence - 1] {
            if let email = old.email?.lowercased() { byEmail[email]?.remove(sequence) }
            if let externalID = old.externalID { byExternalID[externalID]?.remove(sequence) }
            snapshots[sequence - 1] = nil
        }
        guard let contact, !contact.archived else { return }
        sequenceByID[id] = contact.sequence
        while snapshots.count < contact.sequence { snapshots.append(nil) }
        snapshots[contact.sequence - 1] = contact
        if let email = contact.email?.lowercased() { byEmail[email, default: []].insert(contact.sequence) }
        if let externalID = contact.externalID { byExternalID[externalID, default: []].insert(contact.sequence) }
    }

    func run(_ request: SearchRequest) -> SearchResult {
        var matches: [Contact] = []
        if let sequences = candidates(request.query) {
            matches = sequences.sorted().compactMap { snapshots[$0 - 1] }.filter { request.query.matches($0) }
        } else {
            matches = snapshots.compactMap { $0 }.filter { request.query.matches($0) }
        }
        if let field = request.sortField {
            let ascending = request.ascending
            matches.sort { lhs, rhs in
                SearchIndex.precedes(
                    (field.value(of: lhs), lhs.sequence), (field.value(of: rhs), rhs.sequence), ascending: ascending)
            }
        }
        let total = matches.count
        var start = 0
        if let cursor = request.cursor {
            let key = (cursor.sortValue, cursor.sequence)
            start =
                matches.firstIndex { contact in
                    let own = (request.sortField?.value(of: contact), contact.sequence)
                    return request.sortField == nil
                        ? contact.sequence > cursor.sequence
                        : SearchIndex.precedes(key, own, ascending: request.ascending)
                } ?? matches.count
        }
        let page = Array(matches[start..<min(matches.count, start + request.perPage)])
        let pageNumber = request.cursor?.page ?? 1
        var next: SearchCursor?
        if let last = page.last, start + page.count < matches.count {
            next = SearchCursor(
                sortValue: request.sortField?.value(of: last), sequence: last.sequence, page: pageNumber + 1)
        }
        return SearchResult(contacts: page, total: total, page: pageNumber, perPage: request.perPage, next: next)
    }

    /// Candidate sequences from the hash indexes when the query pins email, external_id or id; nil means scan.
    private func candidates(_ query: SearchQuery) -> Set<Int>? {
        switch query {
        case .filter(let filter):
            guard filter.op == .equal || filter.op == .isIn,
                ["email", "external_id", "id"].contains(filter.field.name)
            else { return nil }
            var result = Set<Int>()
            for value in filter.values {
                guard case .text(let text)? = value else { continue }
                switch filter.field.name {
                case "email": result.formUnion(byEmail[text.lowercased()] ?? [])
                case "external_id": result.formUnion(byExternalID[text] ?? [])
                default: if let sequence = sequenceByID[text] { result.insert(sequence) }
                }
            }
            return result
        case .group(true, let children):
            let sets = children.compactMap(candidates)
            return sets.min { $0.count < $1.count }
        case .group(false, let children):
            var union = Set<Int>()
            for child in children {
                guard let set = candidates(child) else { return nil }
                union.formUnion(set)
            }
            return union
        }
    }

    /// Order by value (nil first when ascending), then by sequence in the same direction.
    static func precedes(_ lhs: (SearchValue?, Int), _ rhs: (SearchValue?, Int), ascending: Bool) -> Bool {
        let order = compare(lhs.0, rhs.0)
        if order != 0 { return ascending ? order < 0 : order > 0 }
        return ascending ? lhs.1 < rhs.1 : lhs.1 > rhs.1
    }

    private static func compare(_ lhs: SearchValue?, _ rhs: SearchValue?) -> Int {
        switch (lhs, rhs) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (.number(let a)?, .number(let b)?): return a < b ? -1 : (a > b ? 1 : 0)
        case (.text(let a)?, .text(let b)?): return a < b ? -1 : (a > b ? 1 : 0)
        case (.flag(let a)?, .flag(let b)?): return a == b ? 0 : (!a ? -1 : 1)
        default: return 0
        }
    }
}

/// One page of search results.
struct SearchResult: Sendable {
    var contacts: [Contact]
    var total: Int
    var page: Int
    var perPage: Int
    var next: SearchCursor?
}
