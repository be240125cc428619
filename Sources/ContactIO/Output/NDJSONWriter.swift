import JSONText

/// Writes NDJSON: one compact JSON value per line.
public final class NDJSONWriter {
    private let sink: ByteSink
    private var buffer: [UInt8] = []
    /// The number of lines written.
    public private(set) var lineCount = 0

    public init(sink: ByteSink) {
        self.sink = sink
        buffer.reserveCapacity(64 * 1024)
    }

    /// Writes `value` as one line.
    public func write(_ value: JSONValue) throws {
        value.appendJSON(to: &buffer)
        try endLine()
    }

    /// Writes JSON text that is already valid and contains no raw newline (as an API returned it) as one line.
    public func write(jsonText: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: jsonText)
        try endLine()
    }

    /// Writes what is buffered and finishes the sink (renaming an ``OutputFile`` into place).
    public func finish() throws {
        if !buffer.isEmpty {
            try sink.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        try sink.finish()
    }

    private func endLine() throws {
        buffer.append(0x0A)
        lineCount += 1
        if buffer.count >= 60 * 1024 {
            try sink.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
