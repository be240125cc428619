/// The encoding an input is read in, and why.
public struct DetectedEncoding: Sendable, Equatable, CustomStringConvertible {
    /// How the encoding was chosen.
    public enum Evidence: Sendable, Equatable {
        /// `--encoding` named it.
        case given
        /// The file starts with a byte order mark.
        case byteOrderMark
        /// The bytes themselves: non-ASCII text that is valid UTF-8, or bytes that are not (the offset of the first).
        case content(firstInvalidOffset: Int?)
        /// Every byte examined was ASCII, which reads the same in UTF-8 and Windows-1252 (the whole file, when
        /// `wholeFile`; otherwise the first part of a stream that cannot be read twice).
        case onlyASCII(wholeFile: Bool)
        /// An xlsx workbook: its XML says its encoding, and its text reaches the reader as UTF-8.
        case xlsx
    }

    public var encoding: TextEncoding
    public var evidence: Evidence

    public init(_ encoding: TextEncoding, _ evidence: Evidence) {
        self.encoding = encoding
        self.evidence = evidence
    }

    /// "WINDOWS-1252 (detected: byte 1,234 is not UTF-8)", for `inspect` and `mapping init`.
    public var description: String {
        switch evidence {
        case .given: "\(encoding) (as given by --encoding)"
        case .byteOrderMark: "\(encoding) (byte order mark)"
        case .content(let offset?):
            "\(encoding) (detected: byte \(offset + 1) is not valid UTF-8; use --encoding to choose another)"
        case .content(nil): "\(encoding) (detected from the content)"
        case .onlyASCII(true): "\(encoding) (the file is plain ASCII)"
        case .xlsx: "\(encoding) (an xlsx workbook's text)"
        case .onlyASCII(false):
            "\(encoding) (assumed: the first part of the stream is plain ASCII; use --encoding if it is not UTF-8)"
        }
    }

    /// True when the encoding is a guess from ASCII-only bytes of a stream: a later byte that is not UTF-8 may mean
    /// the file is in another encoding.
    public var isAssumed: Bool { evidence == .onlyASCII(wholeFile: false) }
}
