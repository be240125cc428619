import Foundation
import Testing

/// Exports as Excel on Windows writes them import with no flag, and read back from the sandbox exactly as written.
struct EncodedFilesCommandTests {
    let mapping = """
        role: user
        match: email
        fields:
          email: {column: email, transforms: [trim, lower]}
          name: name
        """
    static let people = [("soren@example.com", "Søren Schröder"), ("anna@example.com", "Anna Müller-Lüdenscheidt")]

    /// Imports `bytes` with no encoding flag and returns the names the workspace then holds, by email.
    func importAndReadBack(_ bytes: [UInt8], name: String) throws -> (names: [String: String], stdout: String) {
        let (sandbox, base) = try CommandRunner.startSandboxURL([])
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let input = try temporaryFile(named: name, contents: Data(bytes))
        let directory = (input as NSString).deletingLastPathComponent
        let mappingPath = directory + "/m.yml"
        try Data(mapping.utf8).write(to: URL(fileURLWithPath: mappingPath))
        let environment = ["INTERCOM_ACCESS_TOKEN": "sandbox-token"]
        let imported = try CommandRunner.run(
            [
                "import", input, "--mapping", mappingPath, "--base-url", base, "--rejects", directory + "/rejects.csv",
                "--allow-rejects", "1",
            ],
            environment: environment)
        #expect(imported.status == 0, "\(imported.stderr)")
        let output = directory + "/out.ndjson"
        let exported = try CommandRunner.run(["export", "-o", output, "--base-url", base], environment: environment)
        #expect(exported.status == 0, "\(exported.stderr)")
        var names: [String: String] = [:]
        for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            names[object["email"] as? String ?? ""] = object["name"] as? String
        }
        let rejects = try Data(contentsOf: URL(fileURLWithPath: directory + "/rejects.csv"))
        return (names, imported.stdout + (String(data: rejects, encoding: .utf8) ?? "<rejects not UTF-8>"))
    }

    func csv(separator: String = ",", lineEnd: String = "\n") -> String {
        "email\(separator)name\(lineEnd)"
            + Self.people.map { "\($0.0)\(separator)\($0.1)\(lineEnd)" }.joined()
    }

    @Test func aWindows1252FileImportsWithNoFlagAndItsRejectsAreUTF8() throws {
        let text = csv(separator: ";", lineEnd: "\r\n") + "not-an-email;Jörg Weiß\r\n"
        let bytes = Array(text.data(using: .windowsCP1252)!)
        let (names, output) = try importAndReadBack(bytes, name: "salesforce.csv")
        #expect(names == Dictionary(uniqueKeysWithValues: Self.people))
        #expect(output.contains("encoding:        WINDOWS-1252"), "\(output)")
        #expect(output.contains("(UTF-8 CSV with the input's columns (the input is WINDOWS-1252)"), "\(output)")
        #expect(output.contains("not-an-email;Jörg Weiß") || output.contains("not-an-email,Jörg Weiß"), "\(output)")
    }

    @Test func aUTF16FileAsExcelSavesUnicodeTextImportsWithNoFlag() throws {
        // Excel's "Unicode text": UTF-16 little-endian with a byte order mark, tab-separated, CRLF.
        let bytes = [0xFF, 0xFE] + Array(csv(separator: "\t", lineEnd: "\r\n").data(using: .utf16LittleEndian)!)
        let (names, _) = try importAndReadBack(bytes, name: "hubspot.txt")
        #expect(names == Dictionary(uniqueKeysWithValues: Self.people))
    }

    @Test func inspectAndMappingInitSayWhichEncodingWasUsed() throws {
        let bytes = Array(csv().data(using: .windowsCP1252)!)
        let input = try temporaryFile(named: "export.csv", contents: Data(bytes))
        let inspected = try CommandRunner.run(["inspect", input])
        #expect(inspected.status == 0)
        #expect(inspected.stdout.contains("encoding:     WINDOWS-1252 (detected"), "\(inspected.stdout)")
        let json = try CommandRunner.run(["inspect", "--json", input])
        #expect(json.stdout.contains("\"encoding\":\"WINDOWS-1252\""), "\(json.stdout)")
        let draft = try CommandRunner.run(["mapping", "init", input, "-o", "-"])
        #expect(draft.status == 0)
        #expect(draft.stderr.contains("read as WINDOWS-1252"), "\(draft.stderr)")
        let forced = try CommandRunner.run(["inspect", input, "--encoding", "utf-8"])
        #expect(forced.stdout.contains("row errors:   2"), "\(forced.stdout)")
        let unknown = try CommandRunner.run(["inspect", input, "--encoding", "klingon"])
        #expect(unknown.status != 0 && unknown.stderr.contains("--encoding"))
    }

    /// An existing mapping is not overwritten without --force (issue #22).
    @Test func mappingInitKeepsAnExistingMappingWithoutForce() throws {
        let input = try temporaryFile(named: "export.csv", contents: Data(csv().utf8))
        let output = input + ".mapping.yml"
        try Data("# hours of work\n".utf8).write(to: URL(fileURLWithPath: output))
        let refused = try CommandRunner.run(["mapping", "init", input, "-o", output])
        #expect(refused.status == 2 && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "# hours of work\n")
        let forced = try CommandRunner.run(["mapping", "init", input, "-o", output, "--force"])
        #expect(forced.status == 0)
        #expect(try String(contentsOfFile: output, encoding: .utf8).contains("fields:"))
    }

    @Test func aPictureIsRefusedWithOneLine() throws {
        let png = try temporaryFile(
            named: "contacts.csv", contents: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]))
        let result = try CommandRunner.run(["validate", png, "--mapping", png])
        let inspected = try CommandRunner.run(["inspect", png])
        #expect(inspected.status == 2)
        #expect(
            inspected.stderr.contains("this looks like a PNG image, not a CSV or NDJSON file"), "\(inspected.stderr)")
        #expect(inspected.stderr.split(separator: "\n").count == 1)
        #expect(result.status != 0)
    }
}
