#if canImport(Glibc)
    import Glibc
#endif

/// The character encoding of an input file; everything after the reader is UTF-8.
public struct TextEncoding: Sendable, Hashable, CustomStringConvertible {
    /// The name iconv knows it by (glibc's), also shown to people.
    public let name: String

    private init(name: String) {
        self.name = name
    }

    public static let utf8 = TextEncoding(name: "UTF-8")
    public static let utf16LE = TextEncoding(name: "UTF-16LE")
    public static let utf16BE = TextEncoding(name: "UTF-16BE")
    /// What Excel on Windows writes for "CSV" in Western European locales; a superset of Latin-1's printable range.
    public static let windows1252 = TextEncoding(name: "WINDOWS-1252")

    public var description: String { name }

    /// Whether bytes in this encoding go through a transcoder to become UTF-8.
    public var needsTranscoding: Bool { self != .utf8 }

    /// The encoding called `name` (any spelling iconv accepts, and the usual aliases such as `cp1252`, `latin1`,
    /// `utf16`); nil when this system's iconv cannot convert it to UTF-8.
    public init?(named name: String) {
        let key = String(name.uppercased().map { $0 == "_" ? "-" : $0 })
        let aliases: [String: String] = [
            "UTF8": "UTF-8", "UTF-16": "UTF-16LE", "UTF16": "UTF-16LE", "UTF16LE": "UTF-16LE", "UTF16BE": "UTF-16BE",
            "CP1252": "WINDOWS-1252", "WIN1252": "WINDOWS-1252", "WINDOWS1252": "WINDOWS-1252", "ANSI": "WINDOWS-1252",
            "LATIN1": "ISO-8859-1", "LATIN-1": "ISO-8859-1", "ISO8859-1": "ISO-8859-1", "LATIN9": "ISO-8859-15",
            "MAC": "MACINTOSH", "MACROMAN": "MACINTOSH",
        ]
        let canonical = aliases[key] ?? key
        guard !canonical.isEmpty, canonical.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else { return nil }
        let probe = iconv_open("UTF-8", canonical)
        guard probe != iconv_t(bitPattern: -1) else { return nil }
        iconv_close(probe)
        self.init(name: canonical)
    }
}
