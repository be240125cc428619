import Foundation
import Testing

/// `import --results PATH` (issue #19): a line for every row, with what became of it, read back as a person auditing
/// a migration would: every row's line once, the ids the workspace really has, the fields each update changed.
struct ImportResultsTests {
    let environment = ["INTERCOM_ACCESS_TOKEN": "sandbox-token"]
    let rough = ImportRoughEdgesTests()

    /// The CSV results as rows of named cells.
    func csvRows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(header == ["line", "key", "id", "action", "fields", "reason"])
        return lines.dropFirst().map { line in
            // The test's values hold no comma or quote but in `reason`, the last column.
            let cells = line.split(separator: ",", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }

    /// The id the sandbox has for `email`.
    func idInWorkspace(_ email: String, _ base: String) throws -> String? {
        let found = try CommandRunner.run(
            ["contacts", "list", "--email", email, "--base-url", base], environment: environment)
        guard let range = found.stdout.range(of: #""id":"([^"]+)""#, options: .regularExpression) else { return nil }
        return String(found.stdout[range].dropFirst(6).dropLast())
    }

    @Test func everyRowHasALineWithWhatBecameOfIt() throws {
        try rough.withSandboxProcess { base in
            let (input, mapping, directory) = try rough.files(bad: 2)
            let results = directory + "/results.csv"
            let arguments = [
                "import", input, "--mapping", mapping, "--base-url", base, "--results", results, "--create-attributes",
            ]
            let first = try CommandRunner.run(arguments, environment: environment)
            #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
            let rows = try csvRows(results)
            #expect(rows.map { Int($0["line"]!)! }.sorted() == Array(2...9))
            let created = rows.filter { $0["action"] == "created" }
            #expect(created.count == 6)
            for row in created {
                #expect(row["id"] == (try idInWorkspace(row["key"]!, base)), "\(row)")
                #expect(row["fields"] == "role;email;name;custom_attributes.plan", "\(row)")
            }
            let rejected = rows.filter { $0["action"] == "rejected" }
            #expect(rejected.count == 2)
            #expect(rejected.allSatisfy { $0["reason"]!.contains("not a valid email") && $0["id"] == "" })

            // The next night: one name changed, as NDJSON.
            var text = try String(contentsOfFile: input, encoding: .utf8)
            text = text.replacingOccurrences(of: "p3@example.com,P 3,", with: "p3@example.com,Pat Three,")
            try Data(text.utf8).write(to: URL(fileURLWithPath: input))
            let ndjson = directory + "/results.ndjson"
            let again = try CommandRunner.run(
                ["import", input, "--mapping", mapping, "--base-url", base, "--results", ndjson],
                environment: environment)
            #expect(again.status == 1, "\(again.stdout)\(again.stderr)")
            let objects = try String(contentsOfFile: ndjson, encoding: .utf8).split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
            #expect(objects.count == 8)
            let updated = objects.filter { $0["action"] as? String == "updated" }
            #expect(updated.count == 1)
            #expect(updated.first?["key"] as? String == "p3@example.com")
            #expect(updated.first?["fields"] as? [String] == ["name"])
            #expect(updated.first?["id"] as? String == (try idInWorkspace("p3@example.com", base)))
            let unchanged = objects.filter { $0["action"] as? String == "unchanged" }
            #expect(unchanged.count == 5 && unchanged.allSatisfy { ($0["id"] as? String)?.isEmpty == false })
        }
    }

    @Test func aDryRunSaysWhatWouldHappenAndAStateSaysWhatItSkipped() throws {
        try rough.withSandboxProcess { base in
            let (input, mapping, directory) = try rough.files(bad: 0)
            let results = directory + "/results.csv"
            let state = directory + "/state.sqlite"
            let dry = try CommandRunner.run(
                [
                    "import", input, "--mapping", mapping, "--base-url", base, "--results", results, "--dry-run",
                    "--create-attributes",
                ],
                environment: environment)
            #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
            #expect(try csvRows(results).map { $0["action"] } == Array(repeating: "would_create", count: 6))
            let arguments = [
                "import", input, "--mapping", mapping, "--base-url", base, "--results", results, "--state", state,
                "--create-attributes",
            ]
            let first = try CommandRunner.run(arguments, environment: environment)
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            let second = try CommandRunner.run(arguments, environment: environment)
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            let rows = try csvRows(results)
            #expect(rows.count == 6)
            for row in rows {
                #expect(row["action"] == "unchanged" && row["reason"] == "unchanged since the last run (--state)")
                #expect(row["id"] == (try idInWorkspace(row["key"]!, base)), "\(row)")
            }
        }
    }
}
