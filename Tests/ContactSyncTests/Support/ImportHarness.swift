import AsyncHTTPClient
import ContactIO
import ContactMapping
import ContactSync
import Foundation
import IntercomAPI
import NIOCore

/// The mapping most import tests use: users matched by email, a name, and one custom attribute.
let planMapping = """
    role: user
    match: email
    fields:
      email: {column: email, transforms: [trim, lower]}
      name: {column: name}
    custom_attributes:
      plan: {column: plan, type: string}
    """

/// One CSV row of the tests' files.
struct TestRow: Equatable {
    var email: String
    var name: String
    var plan: String
}

/// Writes `rows` as a CSV file with the header `email,name,plan` and returns its path.
func writeCSV(_ rows: [TestRow]) throws -> String {
    var text = "email,name,plan\n"
    for row in rows { text += "\(row.email),\(row.name),\(row.plan)\n" }
    return try temporaryPath(named: "contacts.csv", contents: text)
}

/// A path in a fresh temporary directory, holding `contents` when given.
func temporaryPath(named name: String, contents: String? = nil) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent(name).path
    if let contents { try Data(contents.utf8).write(to: URL(fileURLWithPath: path)) }
    return path
}

/// Runs an import of the file at `path` as the command does (``ImportSession``) and returns its summary.
func runImport(
    _ path: String, mapping: String = planMapping, client: IntercomClient, options: ImportOptions = ImportOptions(),
    failures: String? = nil, control: ImportControl = ImportControl(), state: String? = nil
) async throws -> ImportSummary {
    let mappingFile = try MappingFile.parse(mapping, path: "test.mapping.yml")
    let opened = try InputOpener.open(path)
    let header = opened.reader.columns
    let reports = try ImportReports(rejects: nil, failures: failures, results: nil, header: header)
    let mapper = try ContactMapper(mapping: mappingFile, header: header)
    let session = try ImportSession(statePath: state)
    defer { session.end() }
    let summary = await session.run(
        opened, mapper: mapper, client: client, options: options, reports: reports, control: control,
        reopen: { try InputOpener.open(path) })
    try reports.finish()
    return summary
}

/// Every contact of the workspace, paging through `GET /contacts`.
func allContacts(_ client: IntercomClient) async throws -> [IntercomContact] {
    var contacts: [IntercomContact] = []
    var cursor: String?
    repeat {
        let page = try await client.listContacts(perPage: 150, startingAfter: cursor)
        contacts += page.contacts
        cursor = page.nextCursor
    } while cursor != nil
    return contacts
}

/// What the workspace should hold after importing `rows`: the last row of each email, by email.
func expectedWorkspace(_ rows: [TestRow]) -> [String: TestRow] {
    var last: [String: TestRow] = [:]
    for row in rows { last[row.email.lowercased()] = row }
    return last
}

/// The workspace as rows, by email (duplicates would show up as a count mismatch).
func workspaceRows(_ contacts: [IntercomContact]) -> [String: TestRow] {
    var rows: [String: TestRow] = [:]
    for contact in contacts {
        let email = contact.email ?? ""
        rows[email] = TestRow(
            email: email, name: contact.name ?? "", plan: contact.customAttributes["plan"]?.stringValue ?? "")
    }
    return rows
}

/// Spends the token's current rate-limit window behind the client's back, so that the client's next calls meet 429s.
func exhaustRateLimit(port: Int, calls: Int) async throws {
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    for _ in 0..<calls {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/me")
        request.headers.add(name: "Authorization", value: "Bearer sandbox-token")
        request.headers.add(name: "Accept", value: "application/json")
        // A request the sandbox's injected faults drop still spends its place in the window.
        if let response = try? await http.execute(request, timeout: .seconds(10)) {
            _ = try? await response.body.collect(upTo: 1 << 20)
        }
    }
    try await http.shutdown()
}
