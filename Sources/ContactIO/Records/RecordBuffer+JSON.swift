import JSONText

/// Lets the NDJSON reader decode a line's strings straight into a record's storage.
///
/// A wrapper rather than a conformance of ``RecordBuffer`` itself, so that writing into a record stays internal to
/// this module.
struct RecordBufferSink: JSONByteSink {
    let buffer: RecordBuffer

    @inline(__always)
    var byteCount: Int { buffer.byteCount }

    @inline(__always)
    func append(_ byte: UInt8) {
        buffer.append(byte)
    }

    @inline(__always)
    func append(_ start: UnsafePointer<UInt8>, count: Int) {
        buffer.append(start, count: count)
    }

    @inline(__always)
    func write(upTo count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        buffer.write(upTo: count, body)
    }
}
