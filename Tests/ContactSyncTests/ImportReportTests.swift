import ContactIO
import ContactSync
import Foundation
import IntercomAPI
import JSONText
import SandboxTestSupport
import Testing

struct ImportReportTests {
    @Test func maxErrorsStopsTheRunBeforeItSpendsTheRateLimitOnABrokenFile() async throws {
        var text = "email,name,plan\n"
        for index in 0..<300 { text += (index % 2 == 0 ? "bad-\(index)" : "ok\(index)@example.com") + ",N,p\n" }
        let path = try temporaryPath(named: "broken.csv", contents: text)
        let options = ImportTests.options { $0.maxErrors = .count(10) }
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let summary = try await runImport(path, client: client, options: options)
            #expect(summary.stoppedEarly?.contains("--max-errors") == true)
            #expect(summary.rejected == 11 && summary.read < 300 && summary.reconciles)
        }
    }

    @Test func ndjsonFailuresKeepTheOriginalObjectsWithTheirReason() async throws {
        let text = """
            {"email":"a@example.com","name":"A","plan":"p","extra":{"nested":[1,2]}}
            {"email":"b@example.com","name":"B","plan":"p","score":7}

            """
        let path = try temporaryPath(named: "in.ndjson", contents: text)
        let failures = try temporaryPath(named: "failures.ndjson")
        try await withClient(token: "revoked-token") { client, _ in
            let summary = try await runImport(path, client: client, failures: failures)
            #expect(summary.failed == 2 && summary.reconciles)
        }
        let lines = try String(contentsOfFile: failures, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let objects = try lines.map { try JSONValue.parse(String($0)) }
        #expect(objects.contains { $0["extra"] == .object(["nested": .array([.number("1"), .number("2")])]) })
        #expect(objects.contains { $0["score"] == .number("7") })
        #expect(objects.allSatisfy { $0["_failure"]?.stringValue?.isEmpty == false })
    }
}
