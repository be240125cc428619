import JSONText

/// A contact as the sandbox stores it: the writable fields of Intercom's contact plus what Intercom maintains.
struct Contact: Sendable, Equatable {
    var id: String
    /// Insertion order: the stable order of `GET /contacts` and the tie-break of every sort.
    var sequence: Int
    var role: String
    var externalID: String?
    var email: String?
    var phone: String?
    var name: String?
    var avatar: String?
    var ownerID: Int?
    var unsubscribedFromEmails = false
    var hasHardBounced = false
    var markedEmailAsSpam = false
    var createdAt: Int
    var updatedAt: Int
    var signedUpAt: Int?
    var lastSeenAt: Int?
    var customAttributes = JSONObject()
    var archived = false
    /// Its tags, in the order they were applied.
    var tags: [AppliedTag] = []
    /// The Intercom ids of its companies, in the order they were attached.
    var companyIDs: [String] = []

    /// The part of the email after the `@`, as Intercom derives `email_domain`.
    var emailDomain: String? {
        guard let email, let at = email.lastIndex(of: "@") else { return nil }
        return String(email[email.index(after: at)...])
    }
}
