import Testing

@testable import ContactIO

/// `inspect` lists every key of an NDJSON file once, in the order first met, however the records' keys vary.
struct InputInspectionTests {
    @Test func listsEveryNDJSONKeyOnceInTheOrderFirstMet() throws {
        // Same keys in another order, a key that extends another, one more key late, records with fewer keys, an
        // empty record, and keys that differ only in their last byte.
        let lines = [
            #"{"a":1,"b":2}"#, #"{"a":3,"b":4}"#, #"{"b":5,"a":6}"#, #"{"a":7,"bb":8}"#, #"{}"#, #"{"a":9}"#,
            #"{"a":1,"b":2,"c\u00e9":3}"#, #"{"a":1,"b":2,"c\u00e8":3}"#, #"{"a":1,"b":2}"#, #"{"ab":0}"#,
        ]
        let input = try InputOpener.open(source: MemoryByteSource(lines.joined(separator: "\n")), name: "k.ndjson")
        let report = InputInspection.inspect(input)
        #expect(report.records == lines.count)
        #expect(report.keys == ["a", "b", "bb", "cé", "cè", "ab"])
    }
}
