import Foundation
import Testing

struct ImportCommandTests {
    func startSandbox(_ flags: [String]) throws -> (Process, String) { try CommandRunner.startSandboxURL(flags) }

    func csv(rows: Int) throws -> String {
        var text = "email,name,plan\n"
        for index in 0..<rows { text += "person\(index)@example.com,Person \(index),pro\n" }
        return try temporaryFile(named: "contacts.csv", contents: Data(text.utf8))
    }

    let mapping = """
        role: user
        match: email
        fields:
          email: {column: email, transforms: [trim, lower]}
          name: name
        custom_attributes:
          plan: {column: plan, type: string}
        """

    @Test func importPrintsASummaryThatReconcilesAndWritesItAsJSON() throws {
        let (sandbox, base) = try startSandbox([])
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let input = try csv(rows: 40)
        let mappingPath = try temporaryFile(named: "m.yml", contents: Data(mapping.utf8))
        let summaryPath = (input as NSString).deletingLastPathComponent + "/summary.json"
        let output = try CommandRunner.run(
            [
                "import", input, "--mapping", mappingPath, "--base-url", base, "--create-attributes",
                "--summary-json", summaryPath,
            ], environment: ["INTERCOM_ACCESS_TOKEN": "sandbox-token"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("created:         40"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
        let object = try #require(summary as? [String: Any])
        #expect(object["read"] as? Int == 40 && object["created"] as? Int == 40)
        #expect(object["reconciles"] as? Bool == true)
        #expect(object["created_attributes"] as? [String] == ["plan"])
        #expect(!output.stdout.contains("sandbox-token") && !output.stderr.contains("sandbox-token"))
    }

    @Test func sigintStopsTheImportWritesTheSummaryAndReportsAndExits10() throws {
        let (sandbox, base) = try startSandbox(["--latency", "20"])
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let input = try csv(rows: 20000)
        let directory = (input as NSString).deletingLastPathComponent
        let mappingPath = try temporaryFile(named: "m.yml", contents: Data(mapping.utf8))
        let process = Process()
        process.executableURL = CommandRunner.binary
        process.arguments = [
            "import", input, "--mapping", mappingPath, "--base-url", base, "--create-attributes", "--concurrency",
            "2", "--summary-json", directory + "/summary.json", "--failures", directory + "/failures.csv",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["INTERCOM_ACCESS_TOKEN": "sandbox-token"]) {
            $1
        }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(700_000)  // at 2 × 20 ms per call, a few dozen rows are done and thousands are left
        kill(process.processIdentifier, SIGINT)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 10)
        #expect(stdout.contains("stopped early:   interrupted by SIGINT"))
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/summary.json")))
                as? [String: Any])
        #expect(summary["reconciles"] as? Bool == true)
        let read = try #require(summary["read"] as? Int)
        let created = try #require(summary["created"] as? Int)
        let failed = try #require(summary["failed"] as? Int)
        #expect(created > 0 && read < 20000 && read == created + failed)
        let failures = try String(contentsOfFile: directory + "/failures.csv", encoding: .utf8)
        #expect(failures.split(separator: "\n").count == failed + 1)
    }

    @Test func stateShowAndResetInspectTheStateOfAnImport() throws {
        let (sandbox, base) = try startSandbox([])
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let input = try csv(rows: 30)
        let directory = (input as NSString).deletingLastPathComponent
        let mappingPath = try temporaryFile(named: "m.yml", contents: Data(mapping.utf8))
        let state = directory + "/state.sqlite"
        let environment = ["INTERCOM_ACCESS_TOKEN": "sandbox-token"]
        let arguments = [
            "import", input, "--mapping", mappingPath, "--base-url", base, "--create-attributes", "--state", state,
        ]
        let first = try CommandRunner.run(arguments, environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("30 keys recorded"))
        let again = try CommandRunner.run(arguments, environment: environment)
        #expect(again.stdout.contains("30 unchanged since the last run (no call)"))
        #expect(again.stdout.contains("API calls:       0"))

        let shown = try CommandRunner.run(["state", "show", state, "--key", "person3@example.com", "--key", "no@x.io"])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("keys:        30") && shown.stdout.contains("workspace:   "))
        #expect(shown.stdout.contains("key person3@example.com: id "))
        #expect(shown.stdout.contains("key no@x.io: not in the state"))

        let reset = try CommandRunner.run(["state", "reset", state])
        #expect(reset.status == 0 && reset.stdout.contains("forgot 30 keys"))
        #expect(try CommandRunner.run(["state", "show", state]).stdout.contains("keys:        0"))
        let missing = try CommandRunner.run(["state", "show", directory + "/nope.sqlite"])
        #expect(missing.status == 2 && missing.stderr.contains("no state file at"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/nope.sqlite"))

        let full = try CommandRunner.run(arguments.filter { $0 != "--state" && $0 != state } + ["--full"])
        #expect(full.status == 64 && full.stderr.contains("--full needs --state"))
    }

    @Test func exportWritesTheFileWithABookmarkAndAnIncrementalRunTakesOnlyTheNewContacts() throws {
        let (sandbox, base) = try startSandbox([])
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let input = try csv(rows: 25)
        let directory = (input as NSString).deletingLastPathComponent
        let mappingPath = try temporaryFile(named: "m.yml", contents: Data(mapping.utf8))
        let environment = ["INTERCOM_ACCESS_TOKEN": "sandbox-token"]
        let imported = try CommandRunner.run(
            ["import", input, "--mapping", mappingPath, "--base-url", base, "--create-attributes"],
            environment: environment)
        #expect(imported.status == 0, "\(imported.stderr)")

        let output = directory + "/contacts.csv.gz"
        let bookmark = directory + "/bookmark.txt"
        let summaryPath = directory + "/export.json"
        let first = try CommandRunner.run(
            [
                "export", "-o", output, "--base-url", base, "--bookmark", bookmark, "--concurrency", "3",
                "--summary-json", summaryPath,
            ], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("contacts:        25 (equals total_count)"))
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
                as? [String: Any])
        #expect(summary["contacts"] as? Int == 25 && summary["difference"] as? Int == 0)
        let lines = try CommandRunner.run(["inspect", "--json", output])
        #expect(lines.stdout.contains("\"records\":25") || lines.stdout.contains("\"records\": 25"), "\(lines.stdout)")
        let mark = try String(contentsOfFile: bookmark, encoding: .utf8)
        #expect(mark.hasSuffix("Z\n"))

        // The next run starts from the bookmark: only what changed since (here: nothing new, the 10-minute margin
        // re-exports the recent ones), to stdout as NDJSON with the summary on stderr.
        let second = try CommandRunner.run(
            ["export", "-o", "-", "--format", "ndjson", "--base-url", base, "--bookmark", bookmark],
            environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.split(separator: "\n").count == 25 && second.stderr.contains("contacts:        25"))
        #expect(second.stdout.hasPrefix("{\"type\":\"contact\""))

        let bad = try CommandRunner.run(
            ["export", "-o", output, "--base-url", base, "--fields", "id,nope"], environment: environment)
        #expect(bad.status != 0 && bad.stderr.contains("'nope' is not a column"))
        let both = try CommandRunner.run(
            ["export", "--updated-since", "2026-01-01", "--bookmark", bookmark, "--base-url", base],
            environment: environment)
        #expect(both.status == 64)
    }
}

extension ImportCommandTests {
    /// Owner names become admin ids through the workspace's admins (`GET /admins`, issue #22): by name in any order
    /// or accents, or by email; an unknown owner is left out with a warning, and never sent raw as `owner_id`.
    @Test func ownerNamesBecomeTheWorkspacesAdminIDs() throws {
        let (sandbox, base) = try startSandbox(["--admin", "Kim Lee <kim@sandbox.example>"])
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let environment = ["INTERCOM_ACCESS_TOKEN": "sandbox-token"]
        let input = try temporaryFile(
            named: "owners.csv",
            contents: Data(
                """
                Email,First Name,Last Name,Contact owner
                ann@x.com,Ann,Lee,Kim Lee
                bob@x.com,Bob,Roe,"LEE, kim"
                cy@x.com,Cy,Fox,kim@sandbox.example
                dee@x.com,Dee,Ng,Unknown Person

                """.utf8))
        let mappingPath = (input as NSString).deletingLastPathComponent + "/owners.yml"
        let draft = try CommandRunner.run(
            ["mapping", "init", input, "-o", mappingPath, "--lookup-admins", "--base-url", base],
            environment: environment)
        #expect(draft.status == 0, "\(draft.stderr)")
        let yaml = try String(contentsOfFile: mappingPath, encoding: .utf8)
        #expect(yaml.contains("owner_id: {column: Contact owner, transforms: [trim], map: {"), "\(yaml)")
        #expect(yaml.contains("'Unknown Person'"), "\(yaml)")
        let imported = try CommandRunner.run(
            ["import", input, "--mapping", mappingPath, "--base-url", base], environment: environment)
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stdout.contains("created:         4"), "\(imported.stdout)")
        let admins = try CommandRunner.run(
            ["contacts", "list", "--per-page", "10", "--base-url", base], environment: environment)
        let list = try JSONSerialization.jsonObject(with: Data(admins.stdout.utf8)) as? [String: Any]
        let contacts = try #require(list?["data"] as? [[String: Any]])
        var owners: [String: String] = [:]
        for contact in contacts {
            owners[contact["email"] as? String ?? "?"] =
                (contact["owner_id"] as? Int).map(String.init)
                ?? contact["owner_id"] as? String ?? "none"
        }
        let kim = try #require(owners["ann@x.com"])
        #expect(kim != "none" && owners["bob@x.com"] == kim && owners["cy@x.com"] == kim, "\(owners)")
        #expect(owners["dee@x.com"] == "none", "\(owners)")
    }
}
