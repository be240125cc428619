import Foundation
import ZIPFoundation

/// A worksheet of an xlsx file as CSV text: the sheet's XML is parsed as it inflates, on a thread of its own, and
/// each row is written as a CSV record for the ordinary CSV reader, so that an xlsx file is read, validated and
/// reported on exactly as the same rows in a CSV file.
///
/// Cells keep what Excel stores: text, numbers as written (`0.1`, `1E-3`), dates as their serial number (the
/// mapping's `excel` date format reads them), booleans as `true`/`false`, errors as `#N/A` and so on. Line `n` of
/// the text is row `n` of the sheet (empty rows are empty lines), unless a cell above holds a line break. Rows are
/// padded to the width of the first row, the header.
final class XLSXSheetSource: ByteSource {
    private let reader: ChunkPipeReader

    init(archive path: String, sheet: XLSXWorkbook.Sheet, workbook: XLSXWorkbook, name: String) {
        let pipe = ChunkPipe(chunkCount: 4, chunkSize: 256 * 1024)
        let conversion = SheetConversion(path: path, sheet: sheet, workbook: workbook, name: name, pipe: pipe)
        reader = ChunkPipeReader(pipe: pipe, threadName: "xlsx-sheet") { conversion.run() }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try reader.read(into: buffer)
    }

    func close() {
        reader.close()
    }
}

/// The converting thread's work. `@unchecked Sendable`: it is handed to that thread and used there alone.
private final class SheetConversion: @unchecked Sendable {
    /// A cell's type attribute (`t`).
    private enum CellType {
        case number, sharedString, inlineString, formulaString, boolean, error, date
    }

    let path: String
    let sheet: XLSXWorkbook.Sheet
    let workbook: XLSXWorkbook
    let name: String
    let output: ChunkPipeWriter

    // The row being read: its cells' text one after the other, and each cell's column and range in it.
    private var rowNumber = 0
    private var lastRow = 0
    private var rowBytes: [UInt8] = []
    private var cells: [(column: Int, start: Int, end: Int)] = []
    private var headerWidth: Int?
    // The cell being read.
    private var column = 0
    private var nextColumn = 0
    private var type = CellType.number
    private var cellStart = 0
    private var collecting = false
    private var inInlineString = false

    init(path: String, sheet: XLSXWorkbook.Sheet, workbook: XLSXWorkbook, name: String, pipe: ChunkPipe) {
        self.path = path
        self.sheet = sheet
        self.workbook = workbook
        self.name = name
        output = ChunkPipeWriter(pipe: pipe)
    }

    /// Thrown to stop once the reader has gone.
    private struct Cancelled: Error {}

    func run() {
        do {
            try convert()
            output.flush()
            output.pipe.finish(error: nil)
        } catch is Cancelled {
            output.pipe.finish(error: nil)
        } catch let error as ContactIOError {
            output.flush()
            output.pipe.finish(error: error)
        } catch {
            output.flush()
            output.pipe.finish(error: ContactIOError(.corruptArchive, file: name, message: "\(error)"))
        }
    }

    private func convert() throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        guard let entry = archive[sheet.path] else {
            throw ContactIOError(.corruptArchive, file: name, message: "the workbook lacks its sheet \(sheet.path)")
        }
        try ZipInput.checkRatio(entry, name: name)
        let parser = XMLPushParser()
        parser.onStart = { [unowned self] element in start(element) }
        parser.onEnd = { [unowned self] element in end(element) }
        parser.onText = { [unowned self] bytes in if collecting { rowBytes.append(contentsOf: bytes) } }
        do {
            try ZipInput.stream(entry, of: archive, name: name) { bytes in
                try parser.feed(bytes, final: false)
                if output.cancelled { throw Cancelled() }
            }
            try parser.feed(UnsafeRawBufferPointer(start: nil, count: 0), final: true)
        } catch let problem as XMLProblem {
            throw ContactIOError(.corruptArchive, file: name, message: "the sheet's XML: \(problem.message)")
        }
    }

    private func start(_ element: XMLElement) {
        if element.is("c") {
            column = element.attribute("r").map(Self.column(of:)) ?? nextColumn
            type = element.attribute("t").map(Self.cellType(_:)) ?? .number
            cellStart = rowBytes.count
        } else if element.is("v") {
            collecting = true
        } else if element.is("t") {
            collecting = inInlineString
        } else if element.is("row") {
            rowNumber = element.attribute("r").map { Int(strtol($0, nil, 10)) } ?? rowNumber + 1
            rowBytes.removeAll(keepingCapacity: true)
            cells.removeAll(keepingCapacity: true)
            nextColumn = 0
        } else if element.is("is") {
            inInlineString = true
        } else if element.is("rPh") {
            collecting = false
        }
    }

    private func end(_ element: XMLElement) {
        if element.is("v") || element.is("t") {
            collecting = false
        } else if element.is("c") {
            endCell()
            nextColumn = column + 1
        } else if element.is("row") {
            writeRow()
        } else if element.is("is") {
            inInlineString = false
        }
    }

    /// Turns the cell's stored text into its value where its type says so (a shared string's index, a boolean).
    private func endCell() {
        switch type {
        case .sharedString:
            var index = 0
            for byte in rowBytes[cellStart...] {
                guard byte &- 48 < 10, index < Int.max / 10 - 10 else { index = -1; break }
                index = index * 10 + Int(byte - 48)
            }
            if index >= 0 && index < workbook.stringCount && rowBytes.count > cellStart {
                rowBytes.removeSubrange(cellStart...)
                rowBytes.append(
                    contentsOf: workbook.stringBytes[workbook.stringStarts[index]..<workbook.stringStarts[index + 1]])
            }
        case .boolean:
            let stored = rowBytes[cellStart...]
            if stored.elementsEqual([UInt8(ascii: "1")]) || stored.elementsEqual([UInt8(ascii: "0")]) {
                let value = stored.first == UInt8(ascii: "1") ? "true" : "false"
                rowBytes.removeSubrange(cellStart...)
                rowBytes.append(contentsOf: value.utf8)
            }
        default:
            break
        }
        if rowBytes.count > cellStart { cells.append((column, cellStart, rowBytes.count)) }
    }

    private func writeRow() {
        let last = cells.last.map { $0.column + 1 } ?? 0
        if headerWidth == nil {
            guard last > 0 else { return }  // empty rows above the header
            headerWidth = last
        }
        // Rows missing from the sheet are empty lines, so that line numbers are row numbers.
        for _ in lastRow + 1..<max(lastRow + 1, rowNumber) { output.append(0x0A) }
        lastRow = rowNumber
        let width = max(headerWidth ?? 0, last)
        var index = 0
        rowBytes.withUnsafeBufferPointer { bytes in
            for field in 0..<width {
                if field > 0 { output.append(UInt8(ascii: ",")) }
                while index < cells.count && cells[index].column < field { index += 1 }
                if index < cells.count && cells[index].column == field {
                    output.appendField(UnsafeBufferPointer(rebasing: bytes[cells[index].start..<cells[index].end]))
                    index += 1
                }
            }
        }
        output.append(0x0A)
    }

    private static func cellType(_ text: UnsafePointer<CChar>) -> CellType {
        switch (UInt8(bitPattern: text[0]), UInt8(bitPattern: text[1])) {
        case (UInt8(ascii: "s"), 0): .sharedString
        case (UInt8(ascii: "s"), _): .formulaString
        case (UInt8(ascii: "i"), _): .inlineString
        case (UInt8(ascii: "b"), _): .boolean
        case (UInt8(ascii: "e"), _): .error
        case (UInt8(ascii: "d"), _): .date
        default: .number
        }
    }

    /// The 0-based column of a cell reference such as `B7` or `AA12`.
    static func column(of reference: UnsafePointer<CChar>) -> Int {
        var value = 0
        var cursor = reference
        while cursor.pointee >= 0x41 && cursor.pointee <= 0x5A && value < 1 << 20 {
            value = value * 26 + Int(cursor.pointee - 0x41 + 1)
            cursor += 1
        }
        return max(0, value - 1)
    }
}
