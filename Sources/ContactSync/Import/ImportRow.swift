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
    /// What the sync state keeps for the row once it is written: its source fingerprint, mixed with the fields
    /// later rows of its key set (which decide what the row sends; see ``RepeatedKeys``).
    var stateHash: UInt64 = 0
    /// For a repeated key, the row's place among the key's rows: the state keeps each row of the key under its own
    /// entry (see ``SyncStateStore/rowKey(_:ordinal:)``), so that a change to one row sends that row alone.
    var ordinal = 0
    /// The contact id the sync state has for the key (the row changed since): updated directly, without a lookup.
    var storedID: String?

    var line: Int { original.line }
}
