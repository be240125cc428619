import Foundation
import Testing
import ZIPFoundation

/// An xlsx export (HubSpot's and Salesforce's default) imports, and reads back from the sandbox as the sheet holds it.
struct XLSXCommandTests {
    /// A one-sheet workbook with inline strings and numbers, as spreadsheet tools write it.
    static func workbook(rows: [[String]], at path: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        func add(_ part: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: part, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        let relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        try add("[Content_Types].xml", "<Types/>")
        try add(
            "xl/workbook.xml",
            "<workbook xmlns:r=\"\(relations)\"><sheets><sheet name=\"Export\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
                + "</workbook>")
        try add(
            "xl/_rels/workbook.xml.rels",
            "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>")
        var xml = "<worksheet><sheetData>"
        for (index, row) in rows.enumerated() {
            xml += "<row r=\"\(index + 1)\">"
            for cell in row {
                xml += Double(cell) != nil ? "<c><v>\(cell)</v></c>" : "<c t=\"inlineStr\"><is><t>\(cell)</t></is></c>"
            }
            xml += "</row>"
        }
        try add("xl/worksheets/sheet1.xml", xml + "</sheetData></worksheet>")
    }

    @Test func anXLSXFileImportsWithItsTextAndSerialDates() throws {
        let (sandbox, base) = try CommandRunner.startSandboxURL([])
        defer {
            sandbox.interrupt()
            sandbox.waitUntilExit()
        }
        let mapping = """
            role: user
            match: email
            fields:
              email: {column: Email, transforms: [trim, lower]}
              name: Name
              signed_up_at: {column: Create Date, date: [excel]}
            """
        let mappingPath = try temporaryFile(named: "m.yml", contents: Data(mapping.utf8))
        let directory = (mappingPath as NSString).deletingLastPathComponent
        let book = directory + "/hubspot-export.xlsx"
        try Self.workbook(
            rows: [
                ["Email", "Name", "Create Date"], ["soren@example.com", "Søren Schröder", "45352.5"],
                ["anna@example.com", "Anna Müller", "45292"],
            ], at: book)
        let environment = ["INTERCOM_ACCESS_TOKEN": "sandbox-token"]
        let inspected = try CommandRunner.run(["inspect", book])
        #expect(inspected.stdout.contains("compression:  xlsx"), "\(inspected.stdout)")
        let imported = try CommandRunner.run(
            ["import", book, "--mapping", mappingPath, "--base-url", base], environment: environment)
        #expect(imported.status == 0, "\(imported.stderr)")
        let output = directory + "/out.ndjson"
        let exported = try CommandRunner.run(["export", "-o", output, "--base-url", base], environment: environment)
        #expect(exported.status == 0, "\(exported.stderr)")
        var contacts: [String: (String, Int)] = [:]
        for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            contacts[object["email"] as? String ?? ""] =
                (object["name"] as? String ?? "", object["signed_up_at"] as? Int ?? 0)
        }
        #expect(contacts["soren@example.com"]?.0 == "Søren Schröder")
        #expect(contacts["soren@example.com"]?.1 == 1_709_294_400)  // 2024-03-01 12:00 UTC
        #expect(contacts["anna@example.com"]?.0 == "Anna Müller")
        #expect(contacts["anna@example.com"]?.1 == 1_704_067_200)  // 2024-01-01
    }
}
