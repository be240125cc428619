/// A failed call, typed so that callers can act on it, with a message a person can act on.
public struct IntercomError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Bad local setup: no token, a refused base URL. Nothing was sent.
        case configuration
        /// 401: the token is missing, expired or revoked. Fatal for a whole run.
        case authentication
        /// 403: the plan or the token's scopes do not allow the call.
        case forbidden
        /// 404 (or 410 for a merged contact).
        case notFound
        /// 409: a contact with that email or external id exists.
        case conflict(existingID: String?, archived: Bool)
        /// 400/422: a value was refused.
        case validation(field: String?)
        /// 429 after every allowed retry.
        case rateLimited(resetAt: Int?)
        /// 5xx after every allowed retry.
        case server(status: Int)
        /// Timeout, refused or dropped connection, after every allowed retry.
        case transport
        /// A response that is not what the API documents.
        case invalidResponse
    }

    public var kind: Kind
    /// The HTTP status, when there was a response.
    public var status: Int?
    /// Intercom's error code (`not_found`, `parameter_invalid`, …).
    public var code: String?
    /// Intercom's message, or ours for local problems.
    public var message: String
    public var requestID: String?

    public init(_ kind: Kind, status: Int? = nil, code: String? = nil, message: String, requestID: String? = nil) {
        self.kind = kind
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    /// What happened and what to do about it.
    public var description: String {
        let detail: String
        switch kind {
        case .configuration:
            return message
        case .authentication:
            detail = "authentication failed: the access token is missing, expired or revoked"
        case .forbidden:
            detail = "not allowed: the workspace's plan or the token's permissions do not allow this"
        case .notFound:
            detail = "contact not found in this workspace"
        case .conflict(let id, let archived):
            let which = id.map { " (id=\($0))" } ?? ""
            detail =
                archived
                ? "an archived contact with this email or external ID already exists\(which): unarchive it, then update"
                : "a contact with this email or external ID already exists\(which): use update"
        case .validation(let field):
            if message.contains("requires an email") || message.contains("must have an email or an external_id") {
                detail = "a user contact requires an email or an external ID; supply one, or set role to lead"
            } else {
                detail = "Intercom refused a value" + (field.map { " of '\($0)'" } ?? "")
            }
        case .rateLimited:
            detail = "rate limit still exceeded after every retry; lower the concurrency or try again later"
        case .server(let status):
            detail = "Intercom answered \(status) after every retry; try again later"
        case .transport:
            detail = "could not reach Intercom"
        case .invalidResponse:
            detail = "Intercom's answer could not be read"
        }
        var text = detail
        if kind != .authentication && kind != .notFound || status == nil {
            text += ": \(message)"
        }
        if let requestID { text += " [request \(requestID)]" }
        return text
    }
}
