import ContactMapping

/// What an import may do to a contact.
public enum ImportMode: String, Sendable, CaseIterable {
    /// Create missing contacts and update found ones.
    case upsert
    /// Only create; a row whose contact exists is left alone (counted unchanged, as skipped).
    case create
    /// Only update; a row whose contact does not exist is left alone (counted unchanged, as skipped).
    case update
}

/// How an import runs.
public struct ImportOptions: Sendable {
    public var mode: ImportMode = .upsert
    /// Lookups only: nothing is created or updated.
    public var dryRun = false
    /// The number of worker threads, each with its own calls in flight.
    public var concurrency = 8
    /// Restore archived contacts that match a row, then update them (otherwise the row fails, naming the id).
    public var unarchive = false
    /// Stop once more rows than this were rejected or failed.
    public var maxErrors: MaxErrors?
    /// Rows per lookup: Intercom allows 15 filters per group, and `IN` counts its values.
    public var lookupBatch = 15
    /// Rows waiting for the workers, all queues together (the bound on memory between the reader and the API);
    /// each worker's queue holds a share of them, at least four lookups' worth.
    public var bufferedRows = 2048
    /// How long a worker waits for a lookup batch to fill once it has a first row.
    public var linger = 0.02
    /// Keys written in this run that are remembered with their id (two generations of half this size), so that a
    /// later row with the same key never depends on the search index having caught up. At Intercom's default rate
    /// limit this is the last few minutes of writes, about as long as the index lags; an older key is searched
    /// again, and a 409 still turns its create into an update.
    public var rememberedKeys = 32_768
    /// With a sync state: ignore the stored fingerprints and ids for this run, compare every row with Intercom, and
    /// record what it finds (`--full`).
    public var full = false
    /// Contacts tagged by one `POST /tags` (halved when Intercom refuses a batch).
    public var tagBatch = 100
    /// The file is the truth for the tags it names: a contact of the file loses such a tag its row does not have.
    public var syncTags = false

    public init() {}
}
