import Synchronization

/// Stops a running import from outside (a signal handler, an authentication failure) and shows its progress.
public final class ImportControl: Sendable {
    private let stopReason = Mutex<String?>(nil)
    private let stopFlag = Atomic<Bool>(false)
    let readCount = Atomic<Int>(0)
    let doneCount = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)

    public init() {}

    /// Stops taking rows; rows already sent finish, rows not yet sent are reported as failed ("not sent").
    /// The first reason given is kept.
    public func stop(_ reason: String) {
        stopReason.withLock { if $0 == nil { $0 = reason } }
        stopFlag.store(true, ordering: .releasing)
    }

    public var isStopped: Bool { stopFlag.load(ordering: .acquiring) }

    /// Why the run stopped early, if it did.
    public var reason: String? { stopReason.withLock { $0 } }

    /// Rows read so far.
    public var rowsRead: Int { readCount.load(ordering: .relaxed) }
    /// Rows with an outcome so far (created, updated, unchanged, rejected or failed).
    public var rowsDone: Int { doneCount.load(ordering: .relaxed) }
    /// Input bytes read so far (of the file as stored, before decompression when that is known).
    public var bytesRead: Int { bytes.load(ordering: .relaxed) }
}
