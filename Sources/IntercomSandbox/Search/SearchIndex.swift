/// What search sees: snapshots of contacts as of `searchLag` ago, with hash indexes for exact lookups.
struct SearchIndex: Sendable {
    /// Snapshots by sequence - 1, where ``visible`` says so (otherwise never visible, deleted or archived). Not an
    /// array of optionals: a scan lends each contact to the query, where unwrapping one copied it.
    private var snapshots: [Contact] = []
    private var visible: [Bool] = []
    private var sequenceByID: [String: Int] = [:]
    private var byEmail: [String: Set<Int>] = [:]
    private var byExternalID: [String: Set<Int>] = [:]
    /// Every contact search has seen, by `created_at` then sequence (`created_at` never changes): pages of a search
    /// sorted by it continue from the cursor instead of scanning the workspace. Deleted ones stay, and are skipped.
    private var byCreated: [(createdAt: Int, sequence: Int)] = []

    /// What stands where no contact is visible.
    private static let placeholder = Contact(id: "", sequence: 0, role: "user", createdAt: 0, updatedAt: 0)

    /// Makes `contact` (or its absence) what search sees for `id`.
    mutating func update(id: String, to contact: Contact?) {
        if let sequence = sequenceByID[id], visible[sequence - 1] {
            let old = snapshots[sequence - 1]
            if let email = old.email?.lowercased() { byEmail[email]?.remove(sequence) }
            if let externalID = old.externalID { byExternalID[externalID]?.remove(sequence) }
            visible[sequence - 1] = false
            snapshots[sequence - 1] = Self.placeholder
        }
        guard let contact, !contact.archived else { return }
        if sequenceByID[id] == nil { insertCreated(contact) }
        sequenceByID[id] = contact.sequence
        while snapshots.count < contact.sequence {
            snapshots.append(Self.placeholder)
            visible.append(false)
        }
        snapshots[contact.sequence - 1] = contact
        visible[contact.sequence - 1] = true
        if let email = contact.email?.lowercased() { byEmail[email, default: []].insert(contact.sequence) }
        if let externalID = contact.externalID { byExternalID[externalID, default: []].insert(contact.sequence) }
    }

    /// One page of the request's results, in one pass over the candidates: every match is counted, and only the
    /// page's contacts are kept in order (a sorted table of the best `perPage` so far), so a page costs a scan and not
    /// a sort of the whole workspace (a million contacts took half a second a page).
    func run(_ request: SearchRequest) -> SearchResult {
        if request.sortField?.name == "created_at", let cursor = request.cursor, let total = cursor.total {
            return continueByCreated(request, after: cursor, total: total)
        }
        let field = request.sortField
        let ascending = request.ascending
        let perPage = request.perPage
        let cursorKey = request.cursor.map { ($0.sortValue, $0.sequence) }
        func before(_ lhs: (SearchValue?, Int), _ rhs: (SearchValue?, Int)) -> Bool {
            field == nil ? lhs.1 < rhs.1 : SearchIndex.precedes(lhs, rhs, ascending: ascending)
        }
        var total = 0
        var remaining = 0
        var best: [(key: (SearchValue?, Int), contact: Contact)] = []
        best.reserveCapacity(perPage + 1)
        // Called for a contact that matches, where it lies: only one that enters the page is copied (copying every
        // match, a retain and a release of each of its fields, was most of an incremental export's search).
        func consider(_ contact: UnsafePointer<Contact>) {
            total += 1
            let key = (field?.value(of: contact), contact.pointee.sequence)
            if let cursorKey, !before(cursorKey, key) { return }
            remaining += 1
            if best.count == perPage, let last = best.last, !before(key, last.key) { return }
            var low = 0
            var high = best.count
            while low < high {
                let middle = (low + high) / 2
                if before(key, best[middle].key) { high = middle } else { low = middle + 1 }
            }
            best.insert((key, contact.pointee), at: low)
            if best.count > perPage { best.removeLast() }
        }
        let query = QueryMatcher(request.query)
        // Through a pointer, whose subscript lends the contact where it lies (a buffer's copies it: a retain and a
        // release of each of its fields for every contact tested, most of a search's time).
        snapshots.withUnsafeBufferPointer { buffer in
            guard let contacts = buffer.baseAddress else { return }
            if let sequences = candidates(request.query) {
                for sequence in sequences.sorted() where visible[sequence - 1] && query.matches(contacts + sequence - 1)
                {
                    consider(contacts + sequence - 1)
                }
            } else if let bounds = Self.createdBounds(request.query) {
                // A created_at range (a partitioned export's): only the contacts created near it are tested.
                var index = firstCreated { $0.createdAt < bounds.lowerBound }
                while index < byCreated.count && byCreated[index].createdAt <= bounds.upperBound {
                    let position = byCreated[index].sequence - 1
                    if visible[position] && query.matches(contacts + position) { consider(contacts + position) }
                    index += 1
                }
            } else {
                for position in buffer.indices where visible[position] && query.matches(contacts + position) {
                    consider(contacts + position)
                }
            }
        }
        let page = best.map(\.contact)
        let pageNumber = request.cursor?.page ?? 1
        var next: SearchCursor?
        if let last = page.last, remaining > page.count {
            next = SearchCursor(
                sortValue: request.sortField?.value(of: last), sequence: last.sequence, page: pageNumber + 1,
                total: total)
        }
        return SearchResult(contacts: page, total: total, page: pageNumber, perPage: perPage, next: next)
    }

    private mutating func insertCreated(_ contact: Contact) {
        let entry = (createdAt: contact.createdAt, sequence: contact.sequence)
        if let last = byCreated.last, (last.createdAt, last.sequence) > (entry.createdAt, entry.sequence) {
            byCreated.insert(
                entry, at: firstCreated { ($0.createdAt, $0.sequence) < (entry.createdAt, entry.sequence) })
        } else {
            byCreated.append(entry)
        }
    }

    /// The index of the first entry of `byCreated` for which `isBefore` is false (it holds for a leading run of the
    /// sorted entries, as each caller's comparison with its probe does).
    private func firstCreated(where isBefore: ((createdAt: Int, sequence: Int)) -> Bool) -> Int {
        var low = 0
        var high = byCreated.count
        while low < high {
            let middle = (low + high) / 2
            if isBefore(byCreated[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// A later page of a search sorted by `created_at`: walks the `created_at` order from the cursor, testing each
    /// contact, until the page is full. Its total is the first page's.
    private func continueByCreated(_ request: SearchRequest, after cursor: SearchCursor, total: Int) -> SearchResult {
        // The cursor's value is the created_at of the last contact shown, so it is a whole number in range.
        guard case .number(let value)? = cursor.sortValue, let createdAt = Int(exactly: value) else {
            return SearchResult(contacts: [], total: total, page: cursor.page, perPage: request.perPage, next: nil)
        }
        let key = (createdAt, cursor.sequence)
        // The first entry after the cursor (ascending), or the last one before it (descending).
        let low = firstCreated { ($0.createdAt, $0.sequence) <= key }
        var index = request.ascending ? low : low - 1
        if !request.ascending, index >= 0, (byCreated[index].createdAt, byCreated[index].sequence) == key { index -= 1 }
        var page: [Contact] = []
        var more = false
        let query = QueryMatcher(request.query)
        snapshots.withUnsafeBufferPointer { buffer in
            guard let contacts = buffer.baseAddress else { return }
            while index >= 0 && index < byCreated.count {
                let position = byCreated[index].sequence - 1
                if visible[position], query.matches(contacts + position) {
                    if page.count == request.perPage {
                        more = true
                        break
                    }
                    page.append(contacts[position])
                }
                index += request.ascending ? 1 : -1
            }
        }
        var next: SearchCursor?
        if more, let last = page.last {
            next = SearchCursor(
                sortValue: .number(Double(last.createdAt)), sequence: last.sequence, page: cursor.page + 1, total: total
            )
        }
        return SearchResult(contacts: page, total: total, page: cursor.page, perPage: request.perPage, next: next)
    }

    /// Times outside which no contact can match the query's `created_at` filters; nil when they do not bound it.
    ///
    /// Wider than the filters by two days on each side: date filters match whole days in the workspace's time zone,
    /// and the exact test still runs on every contact inside.
    static func createdBounds(_ query: SearchQuery) -> ClosedRange<Int>? {
        let margin = 2 * 86_400
        switch query {
        case .filter(let filter):
            guard filter.field.name == "created_at", case .number(let number)?? = filter.values.first,
                number.magnitude < 1e15
            else { return nil }
            let value = Int(number)
            switch filter.op {
            case .equal: return (value - margin)...(value + margin)
            case .greater, .greaterOrEqual: return (value - margin)...Int.max
            case .less, .lessOrEqual: return Int.min...(value + margin)
            default: return nil
            }
        case .group(true, let children):
            let bounds = children.compactMap(createdBounds)
            guard let low = bounds.map(\.lowerBound).max(), let high = bounds.map(\.upperBound).min() else {
                return nil
            }
            return low <= high ? low...high : low...low
        case .group(false, let children):
            var low = Int.max
            var high = Int.min
            for child in children {
                guard let bounds = createdBounds(child) else { return nil }
                low = min(low, bounds.lowerBound)
                high = max(high, bounds.upperBound)
            }
            return low <= high ? low...high : nil
        }
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

    /// A total order: nil, then flags, numbers and texts (one field holds one kind, but the order must not depend on
    /// it); numbers are never NaN (``SearchValue`` refuses it), so `<` orders them all, infinities included.
    private static func compare(_ lhs: SearchValue?, _ rhs: SearchValue?) -> Int {
        switch (lhs, rhs) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (.number(let a)?, .number(let b)?): return a < b ? -1 : (a > b ? 1 : 0)
        case (.text(let a)?, .text(let b)?): return a < b ? -1 : (a > b ? 1 : 0)
        case (.flag(let a)?, .flag(let b)?): return a == b ? 0 : (!a ? -1 : 1)
        case (let a?, let b?): return a.kindRank < b.kindRank ? -1 : 1
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
