import Foundation
import Synchronization

/// Appends the spools of a partitioned export to the output in range order, each as soon as it and every range
/// before it are complete.
final class RangeMerger: Sendable {
    private struct State {
        var spools: [SpoolFile?]
        var complete: [Bool]
        /// The first range not yet appended.
        var next = 0
        /// The first range no worker has claimed.
        var unclaimed = 0
        var contacts = 0
    }

    private let state: Mutex<State>
    private let output: LockedSink
    private let directory: String
    private let prefix = ".intercom-etl-export-\(UUID().uuidString.prefix(8))"
    /// Serialises the appending, so ranges reach the output one after the other.
    private let appending = Mutex<Void>(())

    init(count: Int, output: LockedSink, directory: String) {
        state = Mutex(
            State(spools: Array(repeating: nil, count: count), complete: Array(repeating: false, count: count)))
        self.output = output
        self.directory = directory
    }

    /// The next range for a worker, or nil when every range is claimed.
    func claim() -> Int? {
        state.withLock { state in
            guard state.unclaimed < state.complete.count else { return nil }
            defer { state.unclaimed += 1 }
            return state.unclaimed
        }
    }

    /// Contacts written by the complete ranges.
    var contacts: Int { state.withLock { $0.contacts } }

    /// A new spool file for range `index`.
    func spool(_ index: Int) throws -> SpoolFile {
        let spool = try SpoolFile(path: "\(directory)/\(prefix)-\(index).part")
        state.withLock { $0.spools[index] = spool }
        return spool
    }

    /// Range `index` is paged: appends every complete range that is now next in order.
    func complete(_ index: Int, contacts: Int) throws {
        state.withLock {
            $0.complete[index] = true
            $0.contacts += contacts
        }
        try appending.withLock { _ in
            while true {
                let ready: SpoolFile? = state.withLock { state in
                    guard state.next < state.complete.count, state.complete[state.next] else { return nil }
                    let spool = state.spools[state.next]
                    state.spools[state.next] = nil
                    state.next += 1
                    return spool
                }
                guard let ready else { return }
                ready.close()
                try output.append(contentsOf: ready.path)
                unlink(ready.path)
            }
        }
    }

    /// Removes the spools left (after a failure).
    func removeSpools() {
        let left = state.withLock { state in
            defer { state.spools = state.spools.map { _ in nil } }
            return state.spools.compactMap { $0 }
        }
        for spool in left {
            spool.close()
            unlink(spool.path)
        }
    }
}
