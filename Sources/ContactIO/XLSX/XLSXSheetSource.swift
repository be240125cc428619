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
    let path: String
    let sheet: XLSXWorkbook.Sheet
    let workbook: XLSXWorkbook
    let name: String
    let output: PipeWriter

    // The row being read.
    private var rowNumber = 0
    private var lastRow = 0
    private var cells: [(column: Int, value: [UInt8])] = []
    private var headerWidth: Int?
    // The cell being read.
    private var column = 0
    private var nextColumn = 0
    private var type = ""
    private var text: [UInt8] = []
    private var collecting = false
    private var inInlineString = false

    init(path: String, sheet: XLSXWorkbook.Sheet, workbook: XLSXWorkbook, name: String, pipe: ChunkPipe) {
        self.path = path
        self.sheet = sheet
        self.workbook = workbook
        self.name = name
        output = PipeWriter(pipe: pipe)
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
        parser.wantsAttributes = { $0 == "row" || $0 == "c" }
        parser.onStart = { [unowned self] element, attributes in start(element, attributes) }
        parser.onEnd = { [unowned self] element in end(element) }
        parser.onText = { [unowned self] bytes in if collecting { text.append(contentsOf: bytes) } }
        var inflated: UInt64 = 0
        do {
            _ = try archive.extract(entry, bufferSize: 64 * 1024) { data in
                inflated += UInt64(data.count)
                guard inflated <= entry.uncompressedSize else {
                    throw XMLProblem(
                        message: "it inflates to more than the \(entry.uncompressedSize) bytes it declares")
                }
                try data.withUnsafeBytes { bytes in try parser.feed(bytes, final: false) }
                if output.cancelled { throw Cancelled() }
            }
            try parser.feed(UnsafeRawBufferPointer(start: nil, count: 0), final: true)
        } catch let problem as XMLProblem {
            throw ContactIOError(.corruptArchive, file: name, message: "the sheet's XML: \(problem.message)")
        }
    }

    private func start(_ element: Substring, _ attributes: [(Substring, String)]) {
        switch element {
        case "row":
            rowNumber = attributes.first { $0.0 == "r" }.flatMap { Int($0.1) } ?? rowNumber + 1
            cells.removeAll(keepingCapacity: true)
            nextColumn = 0
        case "c":
            column = attributes.first { $0.0 == "r" }.map { Self.column(of: $0.1) } ?? nextColumn
            type = attributes.first { $0.0 == "t" }?.1 ?? "n"
            text.removeAll(keepingCapacity: true)
        case "v":
            collecting = true
        case "is":
            inInlineString = true
        case "t":
            collecting = inInlineString
        case "rPh":
            collecting = false
        default:
            break
        }
    }

    private func end(_ element: Substring) {
        switch element {
        case "v", "t":
            collecting = false
        case "is":
            inInlineString = false
        case "c":
            let value = cellValue()
            if !value.isEmpty { cells.append((column, value)) }
            nextColumn = column + 1
        case "row":
            writeRow()
        default:
            break
        }
    }

    /// The cell's text as Excel stores it, by its type.
    private func cellValue() -> [UInt8] {
        switch type {
        case "s":
            guard let index = Int(String(decoding: text, as: UTF8.self)), index >= 0, index < workbook.stringCount
            else { return text }
            return Array(workbook.stringBytes[workbook.stringStarts[index]..<workbook.stringStarts[index + 1]])
        case "b":
            return text == [UInt8(ascii: "1")]
                ? Array("true".utf8) : text == [UInt8(ascii: "0")] ? Array("false".utf8) : text
        default:
            return text
        }
    }

    private func writeRow() {
        let last = cells.map(\.column).max().map { $0 + 1 } ?? 0
        if headerWidth == nil {
            guard last > 0 else { return }  // empty rows above the header
            // Lines above the header stay empty, so that line numbers are row numbers.
            for _ in lastRow + 1..<max(lastRow + 1, rowNumber) { output.append(0x0A) }
            headerWidth = last
        } else {
            for _ in lastRow + 1..<max(lastRow + 1, rowNumber) { output.append(0x0A) }
        }
        lastRow = rowNumber
        let width = max(headerWidth ?? 0, last)
        var index = 0
        for field in 0..<width {
            if field > 0 { output.append(UInt8(ascii: ",")) }
            if index < cells.count && cells[index].column == field {
                output.appendQuoted(cells[index].value)
                index += 1
            } else {
                while index < cells.count && cells[index].column < field { index += 1 }
                if index < cells.count && cells[index].column == field {
                    output.appendQuoted(cells[index].value)
                    index += 1
                }
            }
        }
        output.append(0x0A)
    }

    /// The 0-based column of a cell reference such as `B7` or `AA12`.
    static func column(of reference: String) -> Int {
        var value = 0
        for byte in reference.utf8 {
            guard byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") else { break }
            value = value * 26 + Int(byte - UInt8(ascii: "A") + 1)
        }
        return max(0, value - 1)
    }
}

/// Writes bytes into a pipe's chunks, handing each on when full.
private final class PipeWriter {
    let pipe: ChunkPipe
    private var chunk: ChunkPipe.Chunk?
    private(set) var cancelled = false

    init(pipe: ChunkPipe) {
        self.pipe = pipe
    }

    func append(_ byte: UInt8) {
        guard let chunk = current() else { return }
        chunk.storage[chunk.count] = byte
        chunk.count += 1
        if chunk.count == chunk.storage.count { handOn() }
    }

    /// A CSV field: quoted when it holds a comma, a quote, a line break or surrounding spaces.
    func appendQuoted(_ value: [UInt8]) {
        let needsQuotes =
            value.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            || value.first == 0x20 || value.last == 0x20
        if needsQuotes { append(UInt8(ascii: "\"")) }
        for byte in value {
            if byte == UInt8(ascii: "\"") { append(byte) }
            append(byte)
        }
        if needsQuotes { append(UInt8(ascii: "\"")) }
    }

    func flush() {
        if let chunk, chunk.count > 0 { pipe.putFull(chunk) }
        chunk = nil
    }

    private func current() -> ChunkPipe.Chunk? {
        if chunk == nil && !cancelled {
            chunk = pipe.takeEmpty()
            if chunk == nil { cancelled = true }
        }
        return chunk
    }

    private func handOn() {
        if let chunk { pipe.putFull(chunk) }
        chunk = nil
    }
}
