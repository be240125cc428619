import Hummingbird
import JSONText

/// An error answered in Intercom's shape: `{"type":"error.list","request_id":…,"errors":[{code,message,field?}]}`.
struct IntercomAPIError: Error, HTTPResponseError, Sendable, Equatable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var field: String?
    /// Extra headers (for example rate-limit headers on a 429).
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    static let unauthorized = IntercomAPIError(.unauthorized, "unauthorized", "Access Token Invalid")
    static let contactNotFound = IntercomAPIError(.notFound, "not_found", "Contact Not Found")
    static let notAcceptable = IntercomAPIError(
        .notAcceptable, "media_type_not_acceptable", "The Accept header should send a media type of application/json")
    static let routeNotFound = IntercomAPIError(.notFound, "not_found", "Resource Not Found")

    static func invalid(_ message: String, field: String? = nil) -> IntercomAPIError {
        IntercomAPIError(.badRequest, "parameter_invalid", message, field: field)
    }

    /// The `error.list` body.
    func body(requestID: String) -> JSONValue {
        var error: JSONObject = ["code": .string(code), "message": .string(message)]
        if let field { error["field"] = .string(field) }
        return .object([
            "type": .string("error.list"), "request_id": .string(requestID), "errors": .array([.object(error)]),
        ])
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse()
    }

    /// The error as a response, also outside of Hummingbird's error path (so that middleware can add headers to it).
    func makeResponse() -> Response {
        var response = json(body(requestID: RequestIDs.next()), status: status)
        for field in headers {
            response.headers[field.name] = field.value
        }
        return response
    }
}
