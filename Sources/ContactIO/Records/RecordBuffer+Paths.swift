import JSONText

/// Values inside an NDJSON record's nested objects, by a dotted path (`user_fields.plan`, `photo.content_url`).
///
/// The reader keeps a nested object as its JSON text; a path is looked up in that text only when a mapping asks for
/// it, so that reading stays as fast for everyone else.
extension RecordBuffer {
    /// The value at `path` (two or more keys) into the nested objects of this NDJSON record, with its JSON type:
    /// a string decoded, a number or literal as its text, an object or array as its JSON text, null as no bytes.
    /// Nil when a step is missing or is not an object. A decoded string with escapes stays valid until the next
    /// record is read.
    public func valueBytes(atPath path: [String]) -> (bytes: UnsafeBufferPointer<UInt8>, kind: FieldKind)? {
        guard path.count > 1, header == nil, let top = index(ofKey: path[0]), kind(top) == .object else { return nil }
        var text = valueBytes(top)
        for (depth, key) in path.dropFirst().enumerated() {
            var found: (value: UnsafeBufferPointer<UInt8>, kind: FieldKind)?
            // The last of duplicate keys wins, as for top-level keys (``index(ofKey:)``).
            Self.forEachMember(of: text) { name, value, kind in
                if name == key { found = (value, kind) }
            }
            guard let found else { return nil }
            if depth < path.count - 2 {
                guard found.kind == .object else { return nil }
                text = found.value
                continue
            }
            switch found.kind {
            case .string: return (decoded(found.value), .string)
            case .null: return (UnsafeBufferPointer(start: nil, count: 0), .null)
            default: return (found.value, found.kind)
            }
        }
        return nil
    }

    /// The members of the JSON object `text` (valid JSON, as the reader keeps it): each key, its value's JSON text
    /// (a string with its quotes) and its type. Nothing for text that is not an object.
    public static func forEachMember(
        of text: UnsafeBufferPointer<UInt8>, _ body: (String, UnsafeBufferPointer<UInt8>, FieldKind) -> Void
    ) {
        guard let base = text.baseAddress else { return }
        var scanner = JSONScanner(base: base, count: text.count)
        let key = DecodedBytes()
        do {
            scanner.skipWhitespace()
            try scanner.expect(UInt8(ascii: "{"), "an object")
            scanner.skipWhitespace()
            if !scanner.atEnd && scanner.peek == UInt8(ascii: "}") { return }
            while true {
                scanner.skipWhitespace()
                key.bytes.removeAll(keepingCapacity: true)
                _ = try scanner.decodeString(into: key)
                scanner.skipWhitespace()
                try scanner.expect(UInt8(ascii: ":"), "a colon")
                scanner.skipWhitespace()
                guard !scanner.atEnd else { return }
                let start = scanner.position
                let kind: FieldKind =
                    switch scanner.peek {
                    case UInt8(ascii: "\""): .string
                    case UInt8(ascii: "{"): .object
                    case UInt8(ascii: "["): .array
                    case UInt8(ascii: "t"), UInt8(ascii: "f"): .bool
                    case UInt8(ascii: "n"): .null
                    default: .number
                    }
                try scanner.skipValue()
                body(
                    String(decoding: key.bytes, as: UTF8.self),
                    UnsafeBufferPointer(rebasing: text[start..<scanner.position]), kind)
                scanner.skipWhitespace()
                guard !scanner.atEnd, scanner.peek == UInt8(ascii: ",") else { return }
                scanner.position += 1
            }
        } catch {
            return
        }
    }

    /// The text of the JSON string `quoted`: a slice of it without escapes, else decoded into memory the record
    /// keeps until the next one is read.
    private func decoded(_ quoted: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let inner = UnsafeBufferPointer(rebasing: quoted.dropFirst().dropLast())
        guard inner.contains(UInt8(ascii: "\\")), let base = quoted.baseAddress else { return inner }
        var scanner = JSONScanner(base: base, count: quoted.count)
        let sink = DecodedBytes()
        guard (try? scanner.decodeString(into: sink)) != nil else { return inner }
        let kept = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(sink.bytes.count, 1))
        _ = kept.initialize(from: sink.bytes)
        keepDecoded(kept)
        return UnsafeBufferPointer(rebasing: kept[0..<sink.bytes.count])
    }
}

/// Bytes that ``JSONScanner`` decodes a string into, off the hot path.
private final class DecodedBytes: JSONByteSink {
    var bytes: [UInt8] = []
    var byteCount: Int { bytes.count }
    func append(_ byte: UInt8) { bytes.append(byte) }
    func append(_ start: UnsafePointer<UInt8>, count: Int) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
    }
}
