import Foundation
import HTTPTypes
import Hummingbird
import JSONText
import NIOCore
import Synchronization

/// The endpoints, each a thin translation between HTTP and ``WorkspaceStore``.
struct SandboxRoutes: Sendable {
    let store: WorkspaceStore
    let clock: SandboxClock
    let messageIDs = MessageCounter()

    func register(on router: Router<BasicRequestContext>) {
        router.get("/me") { _, _ in json(self.me) }
        router.get("/admins") { _, _ in
            json(
                .object([
                    "type": .string("admin.list"),
                    "admins": .array(store.settings.admins.map { .object(adminJSON($0)) }),
                ]))
        }
        router.post("/contacts") { request, _ in
            let contact = try store.create(try await body(request))
            return render(contact, request)
        }
        router.get("/contacts") { request, _ in try list(request) }
        router.post("/contacts/search") { request, _ in
            let search = try SearchRequest(
                body: try await body(request), customAttributes: store.customAttributes(), cursors: store.cursors)
            let result = store.search(search)
            return listResponse(
                result.contacts, request, total: result.total, page: result.page, perPage: result.perPage,
                next: result.next?.sealed(by: store.cursors))
        }
        router.get("/contacts/find_by_external_id/:external_id") { request, context in
            let externalID = try parameter("external_id", of: context)
            return render(try store.contact(externalID: externalID), request)
        }
        router.get("/contacts/:id") { request, context in
            render(try store.contact(id: try parameter("id", of: context)), request)
        }
        router.put("/contacts/:id") { request, context in
            let contact = try store.update(id: try parameter("id", of: context), try await body(request))
            return render(contact, request)
        }
        router.delete("/contacts/:id") { _, context in
            json(try store.delete(id: try parameter("id", of: context)).stub("deleted", true))
        }
        router.post("/contacts/:id/archive") { _, context in
            json(try store.setArchived(id: try parameter("id", of: context), true).stub("archived", true))
        }
        router.post("/contacts/:id/unarchive") { _, context in
            json(try store.setArchived(id: try parameter("id", of: context), false).stub("archived", false))
        }
        router.get("/data_attributes") { request, _ in
            var model: DataAttribute.Model?
            if let name = request.uri.queryParameters["model"] {
                guard let known = DataAttribute.Model(rawValue: String(name)) else {
                    throw IntercomAPIError(
                        .unprocessableContent, "parameter_invalid", "The model must be either contact or company")
                }
                model = known
            }
            let attributes = store.dataAttributes(model: model)
            return json(.object(["type": .string("list"), "data": .array(attributes.map(\.json))]))
        }
        router.post("/data_attributes") { request, _ in
            json(try store.createDataAttribute(try await body(request)).json)
        }
        router.post("/messages") { request, _ in
            json(try message(try await body(request)))
        }
        registerTags(on: router)
        registerCompanies(on: router)
    }

    // MARK: Endpoint logic

    private func list(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        var perPage = 10  // What Intercom really answers without per_page (Intercom-OpenAPI PR #639).
        if let text = query["per_page"] {
            guard let value = Int(String(text)), (1...150).contains(value) else {
                throw IntercomAPIError.invalid("per_page must be an integer from 1 to 150", field: "per_page")
            }
            perPage = value
        }
        var cursor: ListCursor?
        if let text = query["starting_after"] {
            guard let parsed = ListCursor(String(text), cursors: store.cursors) else {
                throw IntercomAPIError.invalidCursor
            }
            cursor = parsed
        }
        let page = store.list(perPage: perPage, after: cursor)
        return listResponse(
            page.contacts, request, total: page.total, page: cursor?.page ?? 1, perPage: perPage,
            next: page.next?.sealed(by: store.cursors))
    }

    private func message(_ body: JSONValue) throws -> JSONValue {
        guard case .object = body else { throw IntercomAPIError.invalid("Body is required") }
        let type = body["message_type"]?.stringValue ?? ""
        guard ["inapp", "in_app", "email"].contains(type) else {
            throw IntercomAPIError.invalid("message_type must be one of: in_app, email", field: "message_type")
        }
        guard let text = body["body"]?.stringValue, !text.isEmpty else {
            throw IntercomAPIError.invalid("Body is required", field: "body")
        }
        let subject = body["subject"]?.stringValue
        if type == "email" {
            guard let subject, !subject.isEmpty else {
                throw IntercomAPIError(
                    .unprocessableContent, "parameter_not_found", "No subject supplied for email message")
            }
            guard let template = body["template"]?.stringValue, template == "plain" || template == "personal" else {
                throw IntercomAPIError.invalid("template must be one of: plain, personal", field: "template")
            }
        }
        guard let from = body["from"], from["type"]?.stringValue == "admin",
            let adminID = from["id"]?.int64Value ?? from["id"]?.stringValue.flatMap({ Int64($0) })
        else { throw IntercomAPIError.invalid("from must be an admin: {\"type\":\"admin\",\"id\":…}", field: "from") }
        // Any admin of the workspace (`GET /admins`) may send.
        guard let admin = store.settings.admins.first(where: { $0.id == adminID }) else {
            throw IntercomAPIError(.notFound, "admin_not_found", "Admin not found", field: "from")
        }
        // `to` is one recipient or, as the 2.16 spec allows, an array of them.
        let recipients: [JSONValue]
        switch body["to"] {
        case .array(let items)?: recipients = items
        case let single?: recipients = [single]
        case nil: recipients = []
        }
        guard !recipients.isEmpty else {
            throw IntercomAPIError.invalid("to must be a contact: {\"type\":\"user\",\"id\":…}", field: "to")
        }
        for to in recipients {
            guard let toType = to["type"]?.stringValue, ["user", "lead", "contact"].contains(toType),
                let contactID = to["id"]?.stringValue
            else { throw IntercomAPIError.invalid("to must be a contact: {\"type\":\"user\",\"id\":…}", field: "to") }
            guard (try? store.contact(id: contactID)) != nil else {
                throw IntercomAPIError(.notFound, "not_found", "User Not Found", field: "to")
            }
        }
        let id = messageIDs.next()
        var result: JSONObject = [
            "type": .string("admin_message"), "id": .string(String(id)),
            "created_at": .number(String(Int(clock.now()))),
        ]
        if type == "email", let subject { result["subject"] = .string(subject) }
        result["body"] = .string(text)
        result["message_type"] = .string(type == "in_app" ? "inapp" : type)
        result["conversation_id"] = .string(String(id + 600))
        result["owner"] = .object(adminJSON(admin))
        return .object(result)
    }

    /// An admin as `GET /admins` lists it, and as a message's owner and `GET /me` show it.
    private func adminJSON(_ admin: SandboxAdmin) -> JSONObject {
        [
            "type": .string("admin"), "id": .string(String(admin.id)), "name": .string(admin.name),
            "email": .string(admin.email), "away_mode_enabled": .bool(false),
            "away_mode_reassign": .bool(false), "has_inbox_seat": .bool(true), "team_ids": .array([]),
        ]
    }

    private var me: JSONValue {
        var me = adminJSON(store.settings.admin)
        me["email_verified"] = .bool(true)
        me["avatar"] = .object(["type": .string("avatar"), "image_url": .null])
        me["app"] = .object([
            "type": .string("app"), "id_code": .string(store.settings.workspaceID),
            "name": .string("intercom-etl sandbox"), "created_at": .number("1767225600"),
            "secure": .bool(false), "identity_verification": .bool(false), "timezone": .string("UTC"),
            "region": .string("US"),
        ])
        return .object(me)
    }

    // MARK: Helpers

    /// A path parameter as the client meant it: percent-decoded, so that `a%20b` finds the external id `a b`.
    func parameter(_ name: String, of context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    func body(_ request: Request) async throws -> JSONValue {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw IntercomAPIError(
                .contentTooLarge, "request_too_large", "The request body is larger than \(Self.maxBodyBytes >> 20) MiB")
        }
        let bytes = buffer.readableBytesView
        guard !bytes.isEmpty else { throw IntercomAPIError.invalid("Request body is empty; JSON is required") }
        do {
            return try JSONValue.parse(Array(bytes))
        } catch {
            throw IntercomAPIError.invalid("Request body is not valid JSON: \(error)")
        }
    }

    private func render(_ contact: Contact, _ request: Request) -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2048)
        contact.appendJSON(
            workspaceID: store.settings.workspaceID, ownerAsInteger: Self.ownerAsInteger(request), to: &bytes)
        return jsonResponse(bytes)
    }

    private func listResponse(
        _ contacts: [Contact], _ request: Request, total: Int, page: Int, perPage: Int, next: String?
    ) -> Response {
        var pages: JSONObject = [
            "type": .string("pages"), "page": .number(String(page)), "per_page": .number(String(perPage)),
            "total_pages": .number(String((total + perPage - 1) / perPage)),
        ]
        if let next {
            pages["next"] = .object([
                "page": .number(String(page + 1)), "per_page": .number(String(perPage)),
                "starting_after": .string(next),
            ])
        }
        let ownerAsInteger = Self.ownerAsInteger(request)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + contacts.count * 1600)
        bytes.append(contentsOf: #"{"type":"list","data":["#.utf8)
        for (index, contact) in contacts.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            contact.appendJSON(workspaceID: store.settings.workspaceID, ownerAsInteger: ownerAsInteger, to: &bytes)
        }
        bytes.append(contentsOf: #"],"total_count":"#.utf8)
        bytes.append(contentsOf: String(total).utf8)
        bytes.append(contentsOf: #","pages":"#.utf8)
        JSONValue.object(pages).appendJSON(to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return jsonResponse(bytes)
    }

    /// API versions before 2.16 send `owner_id` as an integer.
    static func ownerAsInteger(_ request: Request) -> Bool {
        guard let version = request.headers[.intercomVersion] else { return false }
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 2 else { return false }
        return parts[0] < 2 || (parts[0] == 2 && parts[1] < 16)
    }

    /// The largest request body the sandbox reads.
    static let maxBodyBytes = 4 << 20
}

/// Renders a JSON value as a 200 response.
func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(2048)
    value.appendJSON(to: &bytes)
    return jsonResponse(bytes, status: status)
}

/// A response whose body is `bytes`, already JSON.
func jsonResponse(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
}

/// Message ids, counting up.
final class MessageCounter: Sendable {
    private let value = Mutex<Int>(0)

    func next() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}
