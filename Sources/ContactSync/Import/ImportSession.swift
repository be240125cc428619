import ContactIO
import ContactMapping
import IntercomAPI

/// An import as a command runs it: the sync state held for the whole run, the workspace and the mapping's custom
/// attributes checked before any row, the rows imported on a thread of their own.
///
/// The command only parses its flags, calls these in order, and turns what they throw into an exit code.
public final class ImportSession: @unchecked Sendable {
    /// The sync state (`--state`), held by this session's lock until the session ends.
    public let store: SyncStateStore?
    private let lock: StateLock?

    /// Takes the lock of the state at `statePath` and opens it; no state without a path.
    /// - Throws: ``StateLock/Held`` when another run holds the state; the store's error when it cannot be opened.
    public init(statePath: String?) throws {
        guard let statePath else {
            store = nil
            lock = nil
            return
        }
        lock = try StateLock(statePath: statePath)
        store = try SyncStateStore(path: statePath)
    }

    /// Ends the session: the state's lock is released now, so that another run may take the state at once.
    public func end() {
        lock?.release()
    }

    /// What ``prepare(mapper:client:createAttributes:dryRun:full:)`` found about the mapping's attributes.
    public struct Attributes: Sendable {
        /// Created in the workspace, or (in a dry run) that the run would create.
        public var created: [String] = []
        /// A dry run found attributes missing that the real run needs `--create-attributes` to create.
        public var missingWithoutFlag = false
    }

    /// Binds the state to the workspace and checks the mapping's custom attributes against it, creating the missing
    /// ones when `createAttributes` (never in a dry run, which reports them and goes on). With a state, the check is
    /// made once per mapping: a nightly run with nothing to send makes no call.
    /// - Throws: ``StateWorkspaceMismatch``, ``SyncStateError``, ``PreflightError`` or ``IntercomError``.
    public func prepare(
        mapper: ContactMapper, client: IntercomClient, createAttributes: Bool, dryRun: Bool, full: Bool
    ) async throws -> Attributes {
        if let store { try await StateWorkspace.bind(store, client: client) }
        let checked = try store.map {
            try !full && StateWorkspace.attributesChecked($0, mapping: mapper.mappingFingerprint)
        }
        guard checked != true else { return Attributes() }
        do {
            let created = try await AttributePreflight.run(
                mapping: mapper.mapping, client: client, createMissing: createAttributes && !dryRun)
            if let store, !dryRun {
                try StateWorkspace.markAttributesChecked(store, mapping: mapper.mappingFingerprint)
            }
            return Attributes(created: created)
        } catch let error as PreflightError where dryRun && error.mismatched.isEmpty {
            return Attributes(created: error.missing.map(\.name), missingWithoutFlag: !createAttributes)
        }
    }

    /// Imports every row of `input` (see ``ImportRun/run(_:mapper:client:options:rejects:failures:results:control:keepProblems:reopen:split:state:)``)
    /// on a thread of its own, so that the cooperative pool stays free for the HTTP calls.
    public func run(
        _ input: OpenedInput, mapper: ContactMapper, client: IntercomClient, options: ImportOptions,
        reports: ImportReports, control: ImportControl, keepProblems: Int = 10,
        reopen: (@Sendable () throws -> OpenedInput)? = nil, split: (@Sendable (OpenedInput) -> InputSplit?)? = nil
    ) async -> ImportSummary {
        let work = Handoff(input)
        let store = self.store
        return await onOwnThread {
            ImportRun.run(
                work.input, mapper: mapper, client: client, options: options, rejects: reports.rejects,
                failures: reports.failures, results: reports.results, control: control, keepProblems: keepProblems,
                reopen: reopen, split: split, state: store)
        }
    }
}

/// The input, handed to the import's own thread. `@unchecked Sendable`: ownership moves; the caller does not touch
/// it until that thread has finished.
private final class Handoff: @unchecked Sendable {
    let input: OpenedInput

    init(_ input: OpenedInput) {
        self.input = input
    }
}
