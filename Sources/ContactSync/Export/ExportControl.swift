import Synchronization

/// Stops a running export from outside (a signal) and shows its progress.
public final class ExportControl: Sendable {
    private let stopFlag = Atomic<Bool>(false)
    let written = Atomic<Int>(0)
    let pageCount = Atomic<Int>(0)
    let expected = Atomic<Int>(-1)
    /// Runs when every partition is paged, before the catch-up search: tests change contacts up to that point.
    let partitionsDone: (@Sendable () async -> Void)?

    public init(partitionsDone: (@Sendable () async -> Void)? = nil) {
        self.partitionsDone = partitionsDone
    }

    /// Stops paging; the export then fails and leaves no file.
    public func stop() { stopFlag.store(true, ordering: .releasing) }

    public var isStopped: Bool { stopFlag.load(ordering: .acquiring) }
    /// Contacts written (or spooled) so far.
    public var contacts: Int { written.load(ordering: .relaxed) }
    /// Pages received so far.
    public var pages: Int { pageCount.load(ordering: .relaxed) }
    /// The workspace's `total_count` for the export's query, once known.
    public var total: Int? {
        let value = expected.load(ordering: .relaxed)
        return value < 0 ? nil : value
    }
}
