import ContactIO
import Foundation
import Testing
import ZIPFoundation

/// An xlsx worksheet is read as the same rows in a CSV file would be; hostile workbooks end with one clear error.
struct XLSXInputTests {
    /// A workbook with the given sheets (name, sheet XML rows) and shared strings, written by hand as Excel does.
    static func workbook(
        sheets: [(String, String)], strings: [String], in directory: URL, prolog: String = ""
    ) throws -> String {
        let url = directory.appendingPathComponent("book.xlsx")
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        try add("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>")
        let sheetElements = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(sheet.0)\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }.joined()
        try add(
            "xl/workbook.xml",
            "<?xml version=\"1.0\"?><workbook xmlns=\"\(main)\" xmlns:r=\"\(relations)\"><sheets>\(sheetElements)"
                + "</sheets></workbook>")
        let rels = sheets.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"\(relations)/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }.joined()
        try add("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\"?><Relationships>\(rels)</Relationships>")
        let items = strings.map { "<si><t xml:space=\"preserve\">\($0)</t></si>" }.joined()
        try add("xl/sharedStrings.xml", "<?xml version=\"1.0\"?><sst xmlns=\"\(main)\">\(items)</sst>")
        for (index, sheet) in sheets.enumerated() {
            try add(
                "xl/worksheets/sheet\(index + 1).xml",
                "<?xml version=\"1.0\"?>\(prolog)<worksheet xmlns=\"\(main)\"><sheetData>\(sheet.1)</sheetData></worksheet>"
            )
        }
        return url.path
    }

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let strings = ["email", "name", "signed up", "vip", "a@x.io", "Søren, \"the\" Dane", "b@x.io"]
    static let rows = """
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>\
        <c r="D1" t="s"><v>3</v></c></row>\
        <row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" s="1"><v>45352.5</v></c>\
        <c r="D2" t="b"><v>1</v></c></row>\
        <row r="4"><c r="A4" t="s"><v>6</v></c><c r="C4"><v>45292</v></c><c r="E4" s="2"/></row>\
        <row r="5"><c r="A5" t="inlineStr"><is><r><t>c@</t></r><r><t>x.io</t></r></is></c>\
        <c r="B5" t="str"><f>UPPER("x")</f><v>X</v></c><c r="D5" t="e"><v>#N/A</v></c></row>
        """

    @Test func cellsComeOutAsExcelStoresThemOnTheLinesOfTheirRows() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.workbook(sheets: [("People", Self.rows)], strings: Self.strings, in: directory)
        let input = try InputOpener.open(path)
        #expect(input.compression == .xlsx)
        #expect(input.name == path + ":People")
        #expect(input.reader.columns == ["email", "name", "signed up", "vip"])
        let (records, errors) = try input.reader.readAll()
        #expect(errors.isEmpty)
        #expect(
            records.map(\.values) == [
                ["a@x.io", "Søren, \"the\" Dane", "45352.5", "true"],
                ["b@x.io", "", "45292", ""],
                ["c@x.io", "X", "", "#N/A"],
            ])
        #expect(records.map(\.line) == [2, 4, 5])
    }

    @Test func sheetChoosesTheWorksheetByName() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let second = "<row r=\"1\"><c t=\"inlineStr\"><is><t>only</t></is></c></row><row r=\"2\"><c><v>7</v></c></row>"
        let path = try Self.workbook(
            sheets: [("People", Self.rows), ("Other", second)], strings: Self.strings, in: directory)
        let other = try InputOpener.open(path, options: ReaderOptions(sheet: "Other"))
        #expect(other.reader.columns == ["only"])
        #expect(try other.reader.readAll().records.map(\.values) == [["7"]])
        #expect {
            _ = try InputOpener.open(path, options: ReaderOptions(sheet: "Nope"))
        } throws: { error in
            (error as? ContactIOError)?.message.contains("no sheet named 'Nope'; its sheets: People, Other") == true
        }
    }

    @Test func aSheetDeclaringEntitiesIsRefusedAtOnce() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The billion laughs: ten levels of ten references, a gigabyte of "lol" from a few hundred bytes.
        var prolog = "<!DOCTYPE worksheet [<!ENTITY lol0 \"lol\">"
        for level in 1...9 {
            prolog += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        prolog += "]>"
        let rows = "<row r=\"1\"><c t=\"inlineStr\"><is><t>&lol9;</t></is></c></row>"
        let path = try Self.workbook(sheets: [("S", rows)], strings: [], in: directory, prolog: prolog)
        #expect {
            _ = try InputOpener.open(path).reader.readAll()
        } throws: { error in
            (error as? ContactIOError)?.message.contains("declares a document type") == true
        }
        // An external entity (a file of this machine) is refused the same way, before anything is read.
        let external = "<!DOCTYPE worksheet [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>"
        let leak = "<row r=\"1\"><c t=\"inlineStr\"><is><t>&secret;</t></is></c></row>"
        try FileManager.default.removeItem(atPath: path)
        let second = try Self.workbook(sheets: [("S", leak)], strings: [], in: directory, prolog: external)
        #expect {
            _ = try InputOpener.open(second).reader.readAll()
        } throws: { error in
            (error as? ContactIOError)?.message.contains("declares a document type") == true
        }
    }

    @Test func brokenXMLOrAMissingPartEndsWithOneError() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.workbook(
            sheets: [("S", "<row r=\"1\"><c t=\"inlineStr\"><is><t>a</t></is></c></row><row r=\"2\"><c>")],
            strings: [], in: directory)
        #expect {
            _ = try InputOpener.open(path).reader.readAll()
        } throws: { error in
            (error as? ContactIOError)?.message.contains("invalid XML at line") == true
        }
    }
}
