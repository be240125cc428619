import SandboxTestSupport
import Testing

@testable import ContactMapping

/// The match key's hash stands for the key in a run: a key's last bytes are read as one overlapping word, which must
/// give the value of the definition (the tail zero-padded, byte by byte), and keys that differ in one byte must not
/// share a hash.
struct KeyHashTests {
    /// The definition, byte by byte.
    func reference(_ bytes: [UInt8]) -> Int {
        var hash = ContactMapper.finish(0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count))
        var offset = 0
        while offset + 8 <= bytes.count {
            var word: UInt64 = 0
            for index in 0..<8 { word |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
            hash = ContactMapper.finish(hash ^ word)
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << UInt64(8 * (index - offset)) }
            hash = ContactMapper.finish(hash ^ tail)
        }
        return Int(bitPattern: UInt(hash))
    }

    @Test func everyLengthHashesAsDefined() {
        var random = SplitMix(seed: 0x5EED_0024)
        for length in 0...70 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
                let hash = bytes.withUnsafeBytes { ContactMapper.keyHash(bytes: $0) }
                #expect(hash == reference(bytes), "length \(length)")
                // A key inside a larger buffer: its last word is read from its own bytes only.
                let padded = [0xFF] + bytes + [0xEE, 0xDD]
                let inside = padded.withUnsafeBytes {
                    ContactMapper.keyHash(bytes: UnsafeRawBufferPointer(rebasing: $0[1..<(1 + length)]))
                }
                #expect(inside == hash, "length \(length)")
            }
        }
    }

    @Test func keysThatDifferInOneByteDoNotCollide() {
        var seen = Set<Int>()
        var count = 0
        for length in 1...40 {
            let base = Array("ann.mitchell+crm-export@example.com.au.example".utf8.prefix(length))
            for position in 0..<length {
                for delta in 1...3 {
                    var key = base
                    key[position] &+= UInt8(delta)
                    seen.insert(key.withUnsafeBytes { ContactMapper.keyHash(bytes: $0) })
                    count += 1
                }
            }
            seen.insert(base.withUnsafeBytes { ContactMapper.keyHash(bytes: $0) })
            count += 1
        }
        #expect(seen.count == count)
    }
}
