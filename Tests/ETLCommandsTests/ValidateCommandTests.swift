import ArgumentParser
import ETLCommands
import Foundation
import Testing

struct ValidateCommandTests {
    @Test func readThreadsTakesOneOrTwo() {
        for bad in ["0", "3"] {
            #expect(throws: (any Error).self) {
                _ = try IntercomETL.parseAsRoot(["validate", "x.csv", "--mapping", "m.yml", "--read-threads", bad])
            }
        }
        #expect(throws: Never.self) {
            _ = try IntercomETL.parseAsRoot(["import", "x.csv", "--mapping", "m.yml", "--read-threads", "1"])
        }
    }

    @Test func twoThreadsPrintWhatOneThreadPrints() throws {
        // Over the 8 MB from which a file is cut in two; rejects and repeated keys on both sides of the middle.
        var text = "email,name,plan\n"
        var index = 0
        while text.utf8.count < 9 << 20 {
            let email = index % 97 == 0 ? "not-an-email" : "u\(index % 60_000)@example.com"
            text += "\(email),\"Name \(index)\",plan-\(index % 5)\n"
            index += 1
        }
        let path = try temporaryFile(named: "big.csv", contents: Data(text.utf8))
        let mapping = try temporaryFile(
            named: "m.yml", contents: Data("role: user\nmatch: email\nfields:\n  email: email\n  name: name\n".utf8))
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        func run(_ threads: String) throws -> (CommandRunner.Output, String) {
            let report = directory.appendingPathComponent("rejects-\(threads).csv").path
            let output = try CommandRunner.run(
                ["validate", path, "--mapping", mapping, "--rejects", report, "--read-threads", threads])
            return (output, try String(contentsOfFile: report, encoding: .utf8))
        }
        let (one, oneReport) = try run("1")
        let (two, twoReport) = try run("2")
        #expect(one.status == 1 && two.status == 1)
        #expect(one.stdout.contains("duplicate keys:") && one.stdout.contains("invalid_email"))
        let threadsLine = "read by:       2 threads, one for each half of the file\n"
        #expect(two.stdout.contains(threadsLine) && !one.stdout.contains(threadsLine))
        #expect(
            two.stdout.replacingOccurrences(of: "rejects-2.csv", with: "rejects-1.csv")
                .replacingOccurrences(of: threadsLine, with: "") == one.stdout)
        #expect(twoReport == oneReport)
    }
}

extension ValidateCommandTests {
    @Test func previewShowsTheFirstRowsAsSentAndValidatesNothingElse() throws {
        let path = try temporaryFile(
            named: "p.csv", contents: Data("Email,Phone\n\" Ann@X.com \",030 5320199\nbad,\nc@x.com,\n".utf8))
        let mapping = try temporaryFile(
            named: "p.yml",
            contents: Data(
                "role: user\nmatch: email\nfields:\n  email: {column: Email, transforms: [trim, lower]}\n  phone: {column: Phone, country: DE}\n"
                    .utf8))
        let output = try CommandRunner.run(["validate", path, "--mapping", mapping, "--preview", "2"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "line 2: sent as a user, found by 'ann@x.com'")
        #expect(lines.contains { $0.contains("\"+49305320199\"") && $0.contains("<- Phone: \"030 5320199\"") })
        #expect(lines.contains { $0.hasPrefix("line 3: rejected (email: invalid_email)") })
        #expect(!output.stdout.contains("line 4"))
        #expect(lines.last?.hasPrefix("previewed 2 rows of") == true)
        let refused = try CommandRunner.run(["validate", path, "--mapping", mapping, "--preview", "0"])
        #expect(refused.status != 0 && refused.stderr.contains("--preview"))
    }
}
