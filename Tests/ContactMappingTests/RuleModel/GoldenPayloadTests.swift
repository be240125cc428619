import ContactIO
import Foundation
import JSONText
import SandboxTestSupport
import Testing

@testable import ContactMapping

/// What the rules make of a fixed corpus, hashed and compared with a snapshot: when the payloads change, so must
/// ``ContactMapper/transformsVersion``, or a sync state (`--state`) would take a changed payload for an unchanged one
/// and skip the row.
struct GoldenPayloadTests {
    /// The transforms version and the hash of every outcome of the corpus under it. Update both together, and only
    /// after bumping the version: the corpus is 40 generated mappings of seeds 7_000... (``MappingGenerator``), so a
    /// change of the generator changes the hash too (then only the hash is updated).
    static let snapshot = (version: 3, hash: "cc66c6a57f8cea5b")

    @Test func theCorpusMapsAsTheSnapshotSays() throws {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0x0A) &* 0x100_0000_01b3
        }
        var rows = 0
        for run in 0..<40 {
            var generator = MappingGenerator(seed: 7_000 + UInt64(run))
            let model = generator.mapping()
            let cells = (0..<100).map { _ in generator.row() }
            let input = try InputOpener.open(source: MemoryByteSource(model.csv(cells)), name: "golden.csv")
            let mapper = try ContactMapper(
                mapping: try MappingFile.parse(model.yaml, path: "golden.yml"),
                header: (input.reader as? CSVReader)?.header)
            while let result = try input.reader.next() {
                guard case .record = result else { continue }
                switch mapper.map(input.reader.current) {
                case .contact(let contact): mix(contact.matchKey + " " + JSONValue.object(contact.payload).jsonText)
                case .rejected(let reject): mix(reject.problemList + " " + reject.message)
                }
                rows += 1
            }
        }
        #expect(rows == 4_000)
        let text = String(hash, radix: 16)
        let padded = String(repeating: "0", count: 16 - text.count) + text
        if ContactMapper.transformsVersion == Self.snapshot.version {
            #expect(
                padded == Self.snapshot.hash,
                """
                the transform rules changed what a mapping makes of the same cells (hash \(padded)): bump \
                ContactMapper.transformsVersion, so that sync states of the old rules compare those rows again, then \
                set GoldenPayloadTests.snapshot to (version: \(ContactMapper.transformsVersion + 1), hash: "<new>")
                """)
        } else {
            let version = ContactMapper.transformsVersion
            Issue.record(
                "transformsVersion is \(version): set GoldenPayloadTests.snapshot to (version: \(version), hash: \(padded))"
            )
        }
    }
}
