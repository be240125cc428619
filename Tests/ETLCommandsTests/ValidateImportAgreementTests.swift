import Foundation
import Testing

/// `validate` passes exactly what `import` sends (issue #18), through the real binary: the issue's cases, and a row
/// with three problems listed whole in the reject report.
struct ValidateImportAgreementTests {
    let environment = ["INTERCOM_ACCESS_TOKEN": "sandbox-token"]

    func write(_ name: String, _ text: String, in directory: String) throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func validateAndImportGiveTheSameVerdicts() throws {
        let (sandbox, base) = try CommandRunner.startSandboxURL()
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let directory = (try temporaryFile(named: "x", contents: Data()) as NSString).deletingLastPathComponent
        let cases: [(csv: String, mapping: String, rejected: String?)] = [
            (
                "email,d\nann@example.com,2024-03-01T09:30:00Z\n",
                "fields:\n  email: {column: email}\n  signed_up_at: {column: d, transforms: [lower], date: [iso8601]}\n",
                "invalid_date"
            ),
            (
                "email,first,last\nbob@example.com,\(String(repeating: "f", count: 120)),"
                    + "\(String(repeating: "l", count: 119))\n",
                "fields:\n  email: {column: email}\n"
                    + "  name: {concat: [first, last], separator: \" -------------------- \"}\n",
                "too_long"
            ),
            (
                "email,s\ncy@example.com,+14155550123\n",
                "fields:\n  email: {column: email}\ncustom_attributes:\n  score: {column: s, type: float}\n", nil
            ),
        ]
        for (index, item) in cases.enumerated() {
            let csv = try write("case\(index).csv", item.csv, in: directory)
            let mapping = try write("case\(index).yml", item.mapping, in: directory)
            let validated = try CommandRunner.run(["validate", csv, "--mapping", mapping])
            let imported = try CommandRunner.run(
                ["import", csv, "--mapping", mapping, "--base-url", base, "--create-attributes"],
                environment: environment)
            if let reason = item.rejected {
                #expect(validated.status == 1 && validated.stdout.contains(reason), "\(index): \(validated.stdout)")
                #expect(imported.status == 1 && imported.stdout.contains(reason), "\(index): \(imported.stdout)")
            } else {
                #expect(validated.status == 0, "\(index): \(validated.stdout)")
                #expect(imported.status == 0, "\(index): \(imported.stdout) \(imported.stderr)")
                #expect(imported.stdout.contains("created:         1"), "\(index): \(imported.stdout)")
            }
        }
        let found = try CommandRunner.run(
            ["contacts", "list", "--email", "cy@example.com", "--base-url", base], environment: environment)
        #expect(found.stdout.contains("\"score\":14155550123.0"), "\(found.stdout)")
    }

    @Test func aRowWithThreeProblemsListsThemAllInTheRejectReport() throws {
        let directory = (try temporaryFile(named: "x", contents: Data()) as NSString).deletingLastPathComponent
        let csv = try write("three.csv", "e,p,a\nnot-an-email,12,ftp://x\nok@example.com,,\n", in: directory)
        let mapping = try write(
            "three.yml", "fields:\n  email: {column: e}\n  phone: {column: p}\n  avatar: {column: a}\n", in: directory)
        let rejects = directory + "/rejects.csv"
        let run = try CommandRunner.run(["validate", csv, "--mapping", mapping, "--rejects", rejects])
        #expect(run.status == 1, "\(run.stdout)")
        let report = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(report.hasPrefix("_line,_record,_field,_value,_reason,_message,_problems,e,p,a\n"), "\(report)")
        #expect(report.contains("email: invalid_email; phone: invalid_phone; avatar: invalid_url"), "\(report)")
        #expect(report.split(separator: "\n").count == 2, "one line per rejected row: \(report)")
        #expect(run.stdout.contains("invalid_email"), "\(run.stdout)")
    }
}
