/// A growable byte buffer that ``JSONValue`` parsing decodes each string into before making a `String` of it.
///
/// One is reused for every string of a text, so decoding allocates only the strings themselves.
final class JSONScratch: JSONByteSink {
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var byteCount = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        bytes = .allocate(capacity: capacity)
    }

    deinit {
        bytes.deallocate()
    }

    func reset() {
        byteCount = 0
    }

    func append(_ byte: UInt8) {
        if byteCount == capacity { grow(to: byteCount + 1) }
        bytes[byteCount] = byte
        byteCount += 1
    }

    func append(_ start: UnsafePointer<UInt8>, count: Int) {
        if byteCount + count > capacity { grow(to: byteCount + count) }
        (bytes + byteCount).update(from: start, count: count)
        byteCount += count
    }

    func write(upTo count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if byteCount + count > capacity { grow(to: byteCount + count) }
        byteCount += body(bytes + byteCount)
    }

    /// The bytes written since the last ``reset()``, as a string (they are valid UTF-8: the scanner's input is).
    var text: String {
        String(decoding: UnsafeBufferPointer(start: bytes, count: byteCount), as: UTF8.self)
    }

    private func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBytes.update(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = newBytes
        capacity = newCapacity
    }
}
