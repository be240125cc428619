/// A tag of the workspace: names are unique in any case, ids are Intercom's numeric strings.
struct Tag: Sendable, Equatable {
    var id: String
    var name: String
}

/// A tag on a contact, with when it was applied (the contact's tag list shows it).
struct AppliedTag: Sendable, Equatable {
    var id: String
    var appliedAt: Int
}
