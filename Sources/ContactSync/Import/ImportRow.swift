import ContactIO
import ContactMapping

/// A mapped row on its way to a worker, with the original record for the failures file.
struct ImportRow: Sendable {
    var contact: MappedContact
    var original: Record
    var hash: UInt64
    /// Later rows of the file have the same key (see ``RepeatedKeys``).
    var hasLater = false
    /// An earlier row of the file had the same key (known only when the file was scanned first).
    var hadEarlier = false

    var line: Int { original.line }
}
