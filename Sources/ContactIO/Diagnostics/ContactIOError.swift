/// A failure that stops reading or writing a whole file (as opposed to a ``RowError``, which rejects one row).
public struct ContactIOError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, in a form code can switch on.
    public enum Kind: Sendable, Equatable {
        case cannotOpen
        case readFailed
        case writeFailed
        case corruptGzip
        case truncatedGzip
        case missingHeader
        case invalidArgument
        /// The file is not text: an image, a PDF, an archive or a spreadsheet format that is not read.
        case unsupportedFormat
        /// A zip archive or one of its entries cannot be read, or it is not what it says.
        case corruptArchive
    }

    /// What went wrong.
    public var kind: Kind
    /// The file as the user named it (`<stdin>` / `<stdout>` for the standard streams).
    public var file: String
    /// The byte offset in the compressed input, for gzip errors.
    public var compressedOffset: Int?
    /// A sentence a person can act on.
    public var message: String

    public init(_ kind: Kind, file: String, compressedOffset: Int? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.compressedOffset = compressedOffset
        self.message = message
    }

    public var description: String {
        if let compressedOffset {
            return "\(file): \(message) (at compressed byte offset \(compressedOffset))"
        }
        return "\(file): \(message)"
    }
}
