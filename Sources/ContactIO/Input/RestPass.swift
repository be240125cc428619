import Dispatch
import Synchronization

/// Work on the records after an ``InputSplit``'s cut, on a thread of its own, while the caller reads the part
/// before it (see ``InputSplit/readBeforeCut(_:_:)``).
///
/// Give the body objects of its own (a mapper, tables): state that both threads retain and release on every row
/// puts one cache line between two cores and costs each of them a third of its speed.
public final class RestPass<Value>: @unchecked Sendable {
    /// What the pass's body and its caller share while it runs.
    public final class Control: Sendable {
        fileprivate let cancelled = Atomic<Bool>(false)
        private let bytes = Atomic<Int>(0)

        /// True once the caller no longer wants the pass's work: the body should return nil soon.
        public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

        /// Bytes of the part read so far, as the body last reported them (for progress).
        public var bytesRead: Int { bytes.load(ordering: .relaxed) }

        /// Reports the bytes read so far.
        public func report(bytesRead: Int) {
            bytes.store(bytesRead, ordering: .relaxed)
        }
    }

    /// Shared with the body.
    public let control = Control()
    // Written by the pass's thread before it signals `finished`; read by the caller after `wait()`.
    private var value: Value?
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `body` with a reader of the records from the cut on (numbered from 1, lines counted from 1 there).
    /// `body` returns nil when it gives up, and should soon after the control says it is cancelled; an error it
    /// throws counts as giving up (reading in order will meet the same error, and report it).
    public init(_ split: InputSplit, body: @escaping @Sendable (RecordReader, Control) throws -> Value?) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            if let reader = try? split.openRest() {
                value = try? body(reader, control)
            }
            finished.signal()
        }
    }

    /// Asks the pass to stop early: its work will not be used.
    public func cancel() {
        control.cancelled.store(true, ordering: .relaxed)
    }

    /// Waits until the pass is over; its value, or nil when it gave up or was cancelled.
    public func wait() -> Value? {
        finished.wait()
        finished.signal()
        return control.isCancelled ? nil : value
    }
}
