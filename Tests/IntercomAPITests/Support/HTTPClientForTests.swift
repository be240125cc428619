import AsyncHTTPClient
import NIOCore

/// Raw requests with the sandbox token, behind the back of the client under test.
struct HTTPClientForTests {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)

    func get(_ url: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer sandbox-token")
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
    }
}
