import Foundation
import Testing
import ZIPFoundation

/// A Mailchimp audience export (a zip of three CSV files) imports in one run, and the people in the unsubscribed and
/// cleaned files stay unsubscribed.
struct ArchiveCommandTests {
    let mapping = """
        role: user
        match: email
        fields:
          email: {column: Email Address, transforms: [trim, lower]}
          name: First Name
          unsubscribed_from_emails:
            column: _entry_kind
            map: {subscribed_members_export: "false", unsubscribed_members_export: "true", cleaned_members_export: "true"}
        """

    static func zip(_ entries: [(String, String)], at path: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, text) in entries {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
    }

    @Test func aMailchimpExportImportsInOneRunWithTheUnsubscribedKeptSo() throws {
        let (sandbox, base) = try CommandRunner.startSandboxURL([])
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let mappingPath = try temporaryFile(named: "m.yml", contents: Data(mapping.utf8))
        let directory = (mappingPath as NSString).deletingLastPathComponent
        let archive = directory + "/members_export_4f2a.zip"
        try Self.zip(
            [
                ("subscribed_members_export_4f2a9c0b1d.csv", "Email Address,First Name\nann@x.io,Ann\nbo@x.io,Bo\n"),
                (
                    "unsubscribed_members_export_4f2a9c0b1d.csv",
                    "Email Address,First Name,UNSUB_TIME\ncy@x.io,Cy,2024-01-02 10:00:00\n"
                ),
                (
                    "cleaned_members_export_4f2a9c0b1d.csv",
                    "Email Address,First Name,CLEAN_TIME\ndi@x.io,Di,2024-02-03\n"
                ),
            ], at: archive)
        let environment = ["INTERCOM_ACCESS_TOKEN": "sandbox-token"]
        let refused = try CommandRunner.run(["inspect", archive])
        #expect(refused.status != 0 && refused.stderr.contains("--all-entries"), "\(refused.stderr)")
        let inspected = try CommandRunner.run(["inspect", archive, "--all-entries"])
        #expect(inspected.stdout.contains("compression:  zip"), "\(inspected.stdout)")
        #expect(inspected.stdout.contains("records:      4"), "\(inspected.stdout)")
        let imported = try CommandRunner.run(
            ["import", archive, "--all-entries", "--mapping", mappingPath, "--base-url", base], environment: environment
        )
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("created:         4"), "\(imported.stdout)")
        let output = directory + "/out.ndjson"
        let exported = try CommandRunner.run(["export", "-o", output, "--base-url", base], environment: environment)
        #expect(exported.status == 0, "\(exported.stderr)")
        var unsubscribed: [String: Bool] = [:]
        for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            unsubscribed[object["email"] as? String ?? ""] = object["unsubscribed_from_emails"] as? Bool
        }
        #expect(unsubscribed == ["ann@x.io": false, "bo@x.io": false, "cy@x.io": true, "di@x.io": true])
    }
}
