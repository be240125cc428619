import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IntercomSandbox
import JSONText
import NIOCore

/// A response from the sandbox, with its body parsed as JSON.
struct SandboxResponse {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var json: JSONValue

    subscript(header name: String) -> String? { headers[HTTPField.Name(name)!] }

    /// The first error's code in an `error.list` body.
    var errorCode: String? {
        if case .array(let errors)? = json["errors"] { return errors.first?["code"]?.stringValue }
        return nil
    }

    var errorMessage: String? {
        if case .array(let errors)? = json["errors"] { return errors.first?["message"]?.stringValue }
        return nil
    }
}

/// Sends Intercom-style requests (token, Accept, JSON body) through a live test client.
struct SandboxClient {
    let client: any TestClientProtocol
    var token: String? = "sandbox-token"
    var accept: String? = "application/json"
    var version: String?

    func send(_ method: HTTPRequest.Method, _ path: String, _ body: JSONValue? = nil) async throws -> SandboxResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let accept { headers[.accept] = accept }
        if let version { headers[HTTPField.Name("Intercom-Version")!] = version }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(string: body.jsonText)
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: buffer) { response in
            let bytes = Array(response.body.readableBytesView)
            let json = bytes.isEmpty ? JSONValue.null : try JSONValue.parse(bytes)
            return SandboxResponse(status: response.status, headers: response.headers, json: json)
        }
    }

    func get(_ path: String) async throws -> SandboxResponse { try await send(.get, path) }
    func post(_ path: String, _ body: JSONValue) async throws -> SandboxResponse { try await send(.post, path, body) }
    func put(_ path: String, _ body: JSONValue) async throws -> SandboxResponse { try await send(.put, path, body) }
    func delete(_ path: String) async throws -> SandboxResponse { try await send(.delete, path) }

    /// Creates a contact and returns its id (the test fails if the sandbox refuses).
    func createContact(_ fields: JSONObject) async throws -> String {
        let response = try await post("/contacts", .object(fields))
        guard response.status == .ok, let id = response.json["id"]?.stringValue else {
            throw SandboxTestError(message: "create failed: \(response.status) \(response.json.jsonText)")
        }
        return id
    }
}

struct SandboxTestError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs `body` against a sandbox listening on a free loopback port.
func withSandbox(
    _ configuration: SandboxConfiguration = SandboxConfiguration(port: 0, rateLimitPerMinute: 0),
    clock: SandboxClock = ManualSandboxClock(),
    _ body: @escaping @Sendable (SandboxClient) async throws -> Void
) async throws {
    var configuration = configuration
    configuration.port = 0
    let app = try buildApplication(configuration: configuration, clock: clock)
    try await app.test(.live) { client in
        try await body(SandboxClient(client: client))
    }
}
