/// Recognises files that are not text by their first bytes, so that a PNG or a spreadsheet gets one clear line
/// instead of "header column 1 is not valid UTF-8".
enum FileSignature {
    /// What the file looks like, for the message; nil for text (or anything not recognised).
    static func binaryKind(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        func starts(_ prefix: [UInt8]) -> Bool {
            bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { $0 == $1 }
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) || starts([0x50, 0x4B, 0x07, 0x08]) {
            return containsAny(bytes, ["xl/", "[Content_Types].xml"])
                ? "an Excel workbook (.xlsx)" : "a zip archive"
        }
        let signatures: [([UInt8], String)] = [
            (
                [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
                "an old Excel workbook (.xls) or another Office document"
            ),
            (Array("%PDF".utf8), "a PDF document"),
            ([0x89, 0x50, 0x4E, 0x47], "a PNG image"),
            ([0xFF, 0xD8, 0xFF], "a JPEG image"),
            (Array("GIF8".utf8), "a GIF image"),
            (Array("SQLite format 3".utf8) + [0], "an SQLite database"),
            (Array("PAR1".utf8), "a Parquet file"),
            (Array("BZh".utf8), "a bzip2 file"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "an xz file"),
            ([0x28, 0xB5, 0x2F, 0xFD], "a zstd file"),
            ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "a 7-Zip archive"),
            (Array("Rar!".utf8), "a RAR archive"),
            (Array("{\\rtf".utf8), "an RTF document"),
            ([0x7F, 0x45, 0x4C, 0x46], "an executable (ELF)"),
        ]
        for (prefix, kind) in signatures where starts(prefix) {
            return kind
        }
        return nil
    }

    /// The one line for a file that is `kind`.
    static func message(for kind: String) -> String {
        "this looks like \(kind), not a CSV or NDJSON file; supported: CSV and NDJSON, plain or gzip-compressed, "
            + "in UTF-8, UTF-16 or Windows-1252 (--encoding NAME for another)"
    }

    private static func containsAny(_ bytes: UnsafeBufferPointer<UInt8>, _ needles: [String]) -> Bool {
        let window = Array(bytes.prefix(64 * 1024))
        return needles.contains { needle in
            let pattern = Array(needle.utf8)
            guard window.count >= pattern.count else { return false }
            return (0...(window.count - pattern.count)).contains { start in
                window[start] == pattern[0] && Array(window[start..<start + pattern.count]) == pattern
            }
        }
    }
}
