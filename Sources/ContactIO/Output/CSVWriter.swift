/// Writes CSV: header first, a field quoted exactly when it contains the delimiter, a quote, CR or LF.
public final class CSVWriter {
    private let sink: ByteSink
    private let delimiter: UInt8
    private let lineEnd: [UInt8]
    private var buffer: [UInt8] = []
    /// The number of rows written, the header not included.
    public private(set) var rowCount = 0

    /// Creates a writer and writes the header.
    public init(sink: ByteSink, header: [String], delimiter: UInt8 = UInt8(ascii: ","), crlf: Bool = false) throws {
        self.sink = sink
        self.delimiter = delimiter
        lineEnd = crlf ? [0x0D, 0x0A] : [0x0A]
        buffer.reserveCapacity(64 * 1024)
        appendRow(header)
        rowCount = 0
    }

    /// Writes one row.
    public func write(row: [String]) throws {
        appendRow(row)
        if buffer.count >= 60 * 1024 {
            try sink.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Writes what is buffered and finishes the sink (renaming an ``OutputFile`` into place).
    public func finish() throws {
        try flush()
        try sink.finish()
    }

    /// Writes what is buffered.
    public func flush() throws {
        if !buffer.isEmpty {
            try sink.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    private func appendRow(_ row: [String]) {
        Self.appendRow(row, to: &buffer, delimiter: delimiter, lineEnd: lineEnd)
        rowCount += 1
    }

    /// Appends one CSV row (fields quoted exactly when needed) and its line end to `buffer`.
    public static func appendRow(
        _ row: [String], to buffer: inout [UInt8], delimiter: UInt8 = UInt8(ascii: ","), lineEnd: [UInt8] = [0x0A]
    ) {
        for (index, field) in row.enumerated() {
            if index > 0 { buffer.append(delimiter) }
            appendField(field, to: &buffer, delimiter: delimiter)
        }
        buffer.append(contentsOf: lineEnd)
    }

    private static func appendField(_ field: String, to buffer: inout [UInt8], delimiter: UInt8) {
        let needsQuotes = field.utf8.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            buffer.append(contentsOf: field.utf8)
            return
        }
        buffer.append(0x22)
        for byte in field.utf8 {
            if byte == 0x22 { buffer.append(0x22) }
            buffer.append(byte)
        }
        buffer.append(0x22)
    }
}
