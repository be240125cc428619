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
    /// What the sync state keeps for the key once this row is written: the row's source fingerprint, or for a
    /// repeated key the fingerprint of all its rows (see ``RepeatedKeys``).
    var stateHash: UInt64 = 0
    /// The contact id the sync state has for the key (the row changed since): updated directly, without a lookup.
    var storedID: String?

    var line: Int { original.line }
}
