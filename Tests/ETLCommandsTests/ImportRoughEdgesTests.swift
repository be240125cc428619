import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Rough edges of the import that a person running it hit (issue #19, bugs 2, 3, 4, 6, 7, 8, 9), each through the
/// real binary against a sandbox.
struct ImportRoughEdgesTests {
    let environment = ["INTERCOM_ACCESS_TOKEN": "sandbox-token"]
    /// The import command tests' mapping (email, name, a custom plan).
    let mapping = ImportCommandTests().mapping

    /// A sandbox process on a free loopback port; stopped when `body` returns.
    func withSandboxProcess(_ body: (String) throws -> Void) throws {
        let (process, base) = try CommandRunner.startSandboxURL()
        defer {
            process.interrupt()
            process.waitUntilExit()
        }
        try body(base)
    }

    func files(bad: Int) throws -> (input: String, mapping: String, directory: String) {
        var text = "email,name,plan\n"
        for index in 0..<6 { text += "p\(index)@example.com,P \(index),pro\n" }
        for index in 0..<bad { text += "not-an-email-\(index),Bad,pro\n" }
        let input = try temporaryFile(named: "contacts.csv", contents: Data(text.utf8))
        let directory = (input as NSString).deletingLastPathComponent
        let mappingPath = directory + "/m.yml"
        try Data(mapping.utf8).write(to: URL(fileURLWithPath: mappingPath))
        return (input, mappingPath, directory)
    }

    @Test("1: a repeated key whose later row changes the role imports again unchanged, night after night")
    func repeatedKeyChangingRole() throws {
        try withSandboxProcess { base in
            let text =
                "email,name,stage\nrita@example.com,Rita,lead\nbob@example.com,Bob,customer\n"
                + "rita@example.com,Rita,customer\n"
            let input = try temporaryFile(named: "stages.csv", contents: Data(text.utf8))
            let mappingPath = (input as NSString).deletingLastPathComponent + "/m.yml"
            let yaml = """
                role: {column: stage, map: {lead: lead, customer: user}}
                match: email
                fields:
                  email: email
                  name: name
                """
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: mappingPath))
            let arguments = ["import", input, "--mapping", mappingPath, "--base-url", base]
            let first = try CommandRunner.run(arguments, environment: environment)
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            for night in 2...3 {
                let again = try CommandRunner.run(arguments, environment: environment)
                #expect(again.status == 0, "night \(night): \(again.stdout)\(again.stderr)")
                #expect(again.stdout.contains("updated:         0"), "night \(night): \(again.stdout)")
                #expect(again.stdout.contains("failed:          0"), "night \(night): \(again.stdout)")
            }
            let found = try CommandRunner.run(
                ["contacts", "list", "--email", "rita@example.com", "--base-url", base], environment: environment)
            #expect(found.stdout.contains("\"role\":\"user\""), "\(found.stdout)\(found.stderr)")
        }
    }

    @Test("empty: clear with an empty opt-out cell imports, and a rerun changes nothing (issue #16, finding 12)")
    func clearingAnEmptyOptOutIsNoChange() throws {
        try withSandboxProcess { base in
            let input = try temporaryFile(
                named: "optout.csv", contents: Data("email,unsub\na@x.io,\nb@x.io,yes\n".utf8))
            let mappingPath = (input as NSString).deletingLastPathComponent + "/m.yml"
            try Data("empty: clear\nfields:\n  email: email\n  unsubscribed_from_emails: unsub\n".utf8).write(
                to: URL(fileURLWithPath: mappingPath))
            let arguments = ["import", input, "--mapping", mappingPath, "--base-url", base]
            let first = try CommandRunner.run(arguments, environment: environment)
            #expect(first.status == 0 && first.stdout.contains("created:         2"), "\(first.stdout)\(first.stderr)")
            let again = try CommandRunner.run(arguments, environment: environment)
            #expect(again.status == 0 && again.stdout.contains("unchanged:       2"), "\(again.stdout)\(again.stderr)")
        }
    }

    @Test("2: a clean run leaves a failures file with the header only, not last night's rows")
    func staleFailuresFileIsReplaced() throws {
        try withSandboxProcess { base in
            let (input, mappingPath, directory) = try files(bad: 0)
            let failures = directory + "/failures.csv"
            try Data("email,name,plan\nlast@night.com,Old,pro\n".utf8).write(to: URL(fileURLWithPath: failures))
            let run = try CommandRunner.run(
                [
                    "import", input, "--mapping", mappingPath, "--base-url", base, "--create-attributes",
                    "--failures", failures,
                ], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            let text = try String(contentsOfFile: failures, encoding: .utf8)
            #expect(text == "email,name,plan,_failure\n", "\(text)")
        }
    }

    @Test("3: --verbose logs every request with its status and time, never the token")
    func verboseLogsRequests() throws {
        try withSandboxProcess { base in
            let run = try CommandRunner.run(["whoami", "--verbose", "--base-url", base], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("GET /me -> 200"), "\(run.stderr)")
            #expect(run.stderr.contains("ms="), "\(run.stderr)")
            #expect(!run.stderr.contains("sandbox-token") && !run.stdout.contains("sandbox-token"))
        }
    }

    @Test("4: nothing listening at the base URL stops the first call at once, with one clear line")
    func refusedConnectionFailsFast() async throws {
        // A loopback port that was free a moment ago: nothing listens there.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        close(socket)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let run = try await CommandRunner.runAwaiting(
            ["whoami", "--base-url", "http://127.0.0.1:\(port)"], environment: environment)
        #expect(run.status == 7, "\(run.stderr)")
        #expect(run.stderr.contains("could not connect to http://127.0.0.1:\(port)"), "\(run.stderr)")
        #expect(run.stderr.contains("refused"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        // The child's own time: the test task may resume much later when other tests hold the cooperative threads.
        #expect(run.elapsed < 15, "took \(run.elapsed) s")
    }

    @Test("6: a run stopped early says so once, and how to finish")
    func stoppedEarlyOnceWithHowToFinish() throws {
        try withSandboxProcess { base in
            let (input, mappingPath, _) = try files(bad: 3)
            let run = try CommandRunner.run(
                [
                    "import", input, "--mapping", mappingPath, "--base-url", base, "--create-attributes",
                    "--max-errors", "0",
                ], environment: environment)
            #expect(run.status == 10, "\(run.stderr)")
            let text = run.stdout + run.stderr
            #expect(text.components(separatedBy: "stopped early").count == 2, "\(text)")
            #expect(run.stderr.contains("run the same command again"), "\(run.stderr)")
        }
    }

    @Test("7: a dry run reports the attributes it would create, and goes on")
    func dryRunWithoutCreateAttributes() throws {
        try withSandboxProcess { base in
            let (input, mappingPath, _) = try files(bad: 0)
            let run = try CommandRunner.run(
                ["import", input, "--mapping", mappingPath, "--base-url", base, "--dry-run"], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("attributes made: plan (would be)"), "\(run.stdout)")
            #expect(run.stderr.contains("--create-attributes"), "\(run.stderr)")
        }
    }

    @Test("8: --allow-rejects lets a nightly file with a few known-bad rows exit 0")
    func allowRejects() throws {
        try withSandboxProcess { base in
            let (input, mappingPath, _) = try files(bad: 2)
            func run(_ extra: [String]) throws -> CommandRunner.Output {
                try CommandRunner.run(
                    ["import", input, "--mapping", mappingPath, "--base-url", base, "--create-attributes"] + extra,
                    environment: environment)
            }
            #expect(try run([]).status == 1)
            let allowed = try run(["--allow-rejects", "2"])
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(allowed.stdout.contains("rejected:        2"), "\(allowed.stdout)")
            #expect(try run(["--allow-rejects", "1"]).status == 1)
            #expect(try run(["--allow-rejects", "30%"]).status == 0)
            #expect(try run(["--allow-rejects", "10%"]).status == 1)
            #expect(try run(["--allow-rejects", "lots"]).status == 64)
        }
    }

    @Test("9: a second run on a held state exits 75 at once, naming the holder; a dead holder holds nothing")
    func stateLock() throws {
        try withSandboxProcess { base in
            let (input, mappingPath, directory) = try files(bad: 0)
            let state = directory + "/state.sqlite"
            let arguments = [
                "import", input, "--mapping", mappingPath, "--base-url", base, "--create-attributes", "--state", state,
            ]
            // Another run holds the state.
            let descriptor = open(state + ".lock", O_RDWR | O_CREAT, 0o644)
            #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
            let holder = Array("pid 424242 on nightly-host since 2026-12-02T01:00:00Z\n".utf8)
            _ = pwrite(descriptor, holder, holder.count, 0)
            let blocked = try CommandRunner.run(arguments, environment: environment)
            #expect(blocked.status == 75, "\(blocked.stderr)")
            #expect(blocked.stderr.contains("pid 424242 on nightly-host"), "\(blocked.stderr)")
            #expect(!blocked.stdout.contains("created:"))
            // The holder ends (as a killed run would: its lock goes with it); the file it leaves is no obstacle.
            close(descriptor)
            let run = try CommandRunner.run(arguments, environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("created:         6"), "\(run.stdout)")
            // `state show` reads the state while nothing holds it, and also while a run would.
            #expect(try CommandRunner.run(["state", "show", state]).status == 0)
        }
    }

    @Test("NDJSON on standard input: a mapped key in no record stops the import before any call (issue #22)")
    func standardInputKeysAreCheckedBeforeSending() throws {
        try withSandboxProcess { base in
            let records = (0..<40).map { #"{"email":"s\#($0)@example.com","name":"S \#($0)","plan":"pro"}"# }
            let stdin = Data((records.joined(separator: "\n") + "\n").utf8)
            let directory = (try temporaryFile(named: "x.txt", contents: Data()) as NSString).deletingLastPathComponent
            let typo = directory + "/typo.yml"
            try Data(mapping.replacingOccurrences(of: "column: plan", with: "column: plna").utf8).write(
                to: URL(fileURLWithPath: typo))
            let refused = try CommandRunner.run(
                ["import", "-", "--mapping", typo, "--base-url", base, "--create-attributes"], stdin: stdin,
                environment: environment)
            #expect(refused.status == 65, "\(refused.stdout)\(refused.stderr)")
            #expect(
                refused.stderr.contains("'plna' is in no record of <stdin> (did you mean 'plan'?)"), "\(refused.stderr)"
            )
            let none = try CommandRunner.run(
                ["contacts", "list", "--email", "s0@example.com", "--base-url", base], environment: environment)
            #expect(!none.stdout.contains("s0@example.com"), "\(none.stdout)")
            // The right mapping: every record, the first ones (read ahead) included, lands with its plan.
            let good = directory + "/good.yml"
            try Data(mapping.utf8).write(to: URL(fileURLWithPath: good))
            let imported = try CommandRunner.run(
                ["import", "-", "--mapping", good, "--base-url", base, "--create-attributes"], stdin: stdin,
                environment: environment)
            #expect(imported.status == 0 && imported.stdout.contains("created:         40"), "\(imported.stdout)")
            let first = try CommandRunner.run(
                ["contacts", "list", "--email", "s0@example.com", "--base-url", base], environment: environment)
            #expect(first.stdout.contains("\"plan\":\"pro\""), "\(first.stdout)")
        }
    }
}
