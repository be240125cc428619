import Testing

@testable import JSONText

/// The scan for the end of a run inside a string reads eight bytes at a time: it must stop exactly where a byte by
/// byte scan stops, wherever the stop falls in a word and whatever bytes surround it.
struct StringStopTests {
    func byteByByte(_ bytes: [UInt8], from start: Int) -> Int {
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return position }
            position += 1
        }
        return position
    }

    @Test func stopsWhereAByteByByteScanStops() {
        var random = SeededRandom(seed: 23)
        // Stops, bytes next to them (0x1F, 0x20, 0x21, 0x23, 0x5B, 0x5D), UTF-8 bytes, and plain letters.
        let palette: [UInt8] = [
            0x00, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF,
        ]
        var checked = 0
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...40, using: &random)
            let stopShare = Int.random(in: 0...20, using: &random)
            let bytes = (0..<count).map { _ -> UInt8 in
                Int.random(in: 0..<100, using: &random) < stopShare
                    ? palette.randomElement(using: &random)! : UInt8.random(in: 0x61...0x7A, using: &random)
            }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...count {
                    var scanner = JSONScanner(base: buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!, count: count)
                    scanner.position = start
                    scanner.skipToStringStop()
                    #expect(scanner.position == byteByByte(bytes, from: start), "\(bytes) from \(start)")
                    checked += 1
                }
            }
        }
        #expect(checked > 50_000)
    }
}
