import Foundation
import ZIPFoundation

/// What an xlsx file says before its sheets: which sheets it has and where, and its shared strings (the text of
/// every string cell is stored once, there, and cells refer to it by index).
struct XLSXWorkbook {
    /// A worksheet: its name and its part's path in the archive.
    struct Sheet {
        var name: String
        var path: String
    }

    let sheets: [Sheet]
    /// The shared strings, one after the other in `stringBytes`; string `i` is `stringBytes[stringStarts[i]..<
    /// stringStarts[i + 1]]`. One buffer rather than an array of `String`s: a sheet of a million distinct emails has a
    /// million of them.
    let stringBytes: [UInt8]
    let stringStarts: [Int]

    var stringCount: Int { stringStarts.count - 1 }

    /// Reads the workbook's parts from the archive at `path`.
    /// - Throws: ``ContactIOError`` naming `name` when a part is missing or is not valid XML.
    init(archive path: String, name: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        try ZipInput.checkDirectory(of: archive, name: name)
        let relationships = try Self.relationships(archive, name: name)
        var sheets: [Sheet] = []
        try Self.parse(archive, part: "xl/workbook.xml", name: name, required: true) { parser in
            parser.onStart = { element in
                guard element.is("sheet") else { return }
                let sheetName = element.string("name") ?? "Sheet\(sheets.count + 1)"
                if let id = element.string("id"), let target = relationships[id] {
                    sheets.append(Sheet(name: sheetName, path: Self.resolve(target)))
                }
            }
        }
        self.sheets = sheets
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        var inText = false
        var phonetic = 0
        try Self.parse(archive, part: "xl/sharedStrings.xml", name: name, required: false) { parser in
            parser.onStart = { element in
                if element.is("t") { inText = true } else if element.is("rPh") { phonetic += 1 }
            }
            parser.onEnd = { element in
                if element.is("t") {
                    inText = false
                } else if element.is("rPh") {
                    phonetic -= 1
                } else if element.is("si") {
                    starts.append(bytes.count)
                }
            }
            parser.onText = { text in
                // Phonetic runs (furigana) are hints about the text, not the text.
                if inText && phonetic == 0 { bytes.append(contentsOf: text) }
            }
        }
        stringBytes = bytes
        stringStarts = starts
    }

    /// The sheet named `wanted`, or the first one.
    func sheet(named wanted: String?, file name: String) throws -> Sheet {
        guard let first = sheets.first else {
            throw ContactIOError(.corruptArchive, file: name, message: "the workbook has no worksheet")
        }
        guard let wanted else { return first }
        guard let sheet = sheets.first(where: { $0.name == wanted }) else {
            throw ContactIOError(
                .invalidArgument, file: name,
                message: "the workbook has no sheet named '\(wanted)'; its sheets: "
                    + sheets.map(\.name).joined(separator: ", "))
        }
        return sheet
    }

    /// Relationship ids of the workbook to their targets.
    private static func relationships(_ archive: Archive, name: String) throws -> [String: String] {
        var targets: [String: String] = [:]
        try parse(archive, part: "xl/_rels/workbook.xml.rels", name: name, required: true) { parser in
            parser.onStart = { element in
                guard element.is("Relationship"), let id = element.string("Id"), let target = element.string("Target")
                else { return }
                targets[id] = target
            }
        }
        return targets
    }

    /// A target relative to `xl/` (`worksheets/sheet1.xml`) or absolute (`/xl/worksheets/sheet1.xml`).
    static func resolve(_ target: String) -> String {
        target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }

    /// Streams the part through a parser set up by `configure`.
    static func parse(
        _ archive: Archive, part: String, name: String, required: Bool, configure: (XMLPushParser) -> Void
    ) throws {
        guard let entry = archive[part] else {
            guard !required else {
                throw ContactIOError(.corruptArchive, file: name, message: "the workbook lacks its part \(part)")
            }
            return
        }
        try ZipInput.checkRatio(entry, name: name)
        let parser = XMLPushParser()
        configure(parser)
        do {
            try ZipInput.stream(entry, of: archive, name: name) { bytes in try parser.feed(bytes, final: false) }
            try parser.feed(UnsafeRawBufferPointer(start: nil, count: 0), final: true)
        } catch let problem as XMLProblem {
            throw ContactIOError(.corruptArchive, file: name, message: "\(part): \(problem.message)")
        } catch let error as ContactIOError {
            throw error
        } catch {
            throw ContactIOError(.corruptArchive, file: name, message: "\(part) cannot be read (\(error))")
        }
    }
}
