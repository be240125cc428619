import Foundation
import Testing

@testable import ContactIO

/// The transcoder keeps the byte source contract, 0 bytes only at the end, whatever the size of the caller's buffer.
struct TranscodingSourceTests {
    @Test(arguments: Array(1...20) + [4096])
    func everyBufferSizeReadsTheWholeText(size: Int) throws {
        let text = "email,name\nø@x.io,Søren Schröder — “quoted”\n" + String(repeating: "Zoë,Ærø\n", count: 50)
        for (bytes, encoding) in [
            (Array(text.data(using: .windowsCP1252)!), TextEncoding.windows1252),
            (Array(text.data(using: .utf16BigEndian)!), .utf16BE),
        ] {
            let source = try TranscodingByteSource(
                source: MemoryByteSource(bytes, readSize: 7), encoding: encoding, name: "t")
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: size)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if count == 0 { break }
                output += buffer.prefix(count)
            }
            #expect(output == Array(text.utf8), "\(encoding) with a \(size)-byte buffer")
        }
    }
}
