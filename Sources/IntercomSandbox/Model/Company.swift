import JSONText

/// A company as the sandbox stores it: what `POST /companies` writes, plus what Intercom maintains.
struct Company: Sendable, Equatable {
    /// Intercom's id (24 hex digits).
    var id: String
    /// The id the client gave (`company_id`): the key of `POST /companies`' upsert, never changed.
    var companyID: String
    var name: String?
    var plan: String?
    var size: Int?
    var website: String?
    var industry: String?
    var monthlySpend = 0
    var remoteCreatedAt: Int?
    var createdAt: Int
    var updatedAt: Int
    var lastRequestAt: Int?
    var customAttributes = JSONObject()
    var tagIDs: [String] = []
    /// Contacts attached to it.
    var userCount = 0
}
