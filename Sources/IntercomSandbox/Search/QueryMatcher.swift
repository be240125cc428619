/// A query as a tree of objects, which a scan tests every contact against.
///
/// Not the ``SearchQuery`` enum itself: taking a case's payload out of it (a group's array, a filter) retained and
/// released it for every contact tested, about half of a scan's time; here the tree is read through `let`s of objects
/// that the scan keeps alive.
final class QueryMatcher: Sendable {
    private let filter: SearchFilter?
    private let isAnd: Bool
    private let children: [QueryMatcher]

    init(_ query: SearchQuery) {
        switch query {
        case .filter(let filter):
            self.filter = filter
            isAnd = true
            children = []
        case .group(let isAnd, let queries):
            filter = nil
            self.isAnd = isAnd
            children = queries.map(QueryMatcher.init)
        }
    }

    /// Whether the contact at `contact` matches, read where it lies.
    func matches(_ contact: UnsafePointer<Contact>) -> Bool {
        if let filter { return filter.matches(contact) }
        return children.withUnsafeBufferPointer { children in
            for child in children where child.matches(contact) != isAnd { return !isAnd }
            return isAnd
        }
    }
}
