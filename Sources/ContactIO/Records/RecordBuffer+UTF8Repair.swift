import JSONText

extension RecordBuffer {
    /// Replaces every invalid UTF-8 sequence in keys and values with U+FFFD (the `--invalid-utf8 replace` policy).
    /// - Returns: the indexes of the fields that had one.
    @discardableResult
    func repairUTF8() -> [Int] {
        let repaired = (0..<fieldCount).filter { index in
            let value = valueBytes(index)
            return value.count > 0 && firstInvalidUTF8(value.baseAddress!, count: value.count) != nil
        }
        let old = Array(UnsafeBufferPointer(start: bytes, count: byteCount))
        let count = fieldCount
        // CSV fields take their names from the header: their key ranges are never written, so never read.
        let keyed = header == nil
        let ranges = (0..<count).map {
            (keyed ? Int(keyStart[$0])..<Int(keyEnd[$0]) : 0..<0, Int(valueStart[$0])..<Int(valueEnd[$0]), kinds[$0])
        }
        reset()
        old.withUnsafeBufferPointer { source in
            func copyRepaired(_ range: Range<Int>) -> Range<Int> {
                let start = byteCount
                var text = String(decoding: UnsafeBufferPointer(rebasing: source[range]), as: UTF8.self)
                text.withUTF8 { utf8 in
                    if let base = utf8.baseAddress, !utf8.isEmpty { append(base, count: utf8.count) }
                }
                return start..<byteCount
            }
            for (key, value, kind) in ranges {
                let newKey = keyed ? copyRepaired(key) : 0..<0
                let newValue = copyRepaired(value)
                endField(key: newKey, value: newValue, kind: kind)
            }
        }
        return repaired
    }
}
