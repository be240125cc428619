import ArgumentParser
import AsyncHTTPClient
import ContactIO
import ContactMapping
import ContactSync
import Dispatch
import Foundation
import IntercomAPI

extension IntercomETL {
    /// `intercom-etl import FILE --mapping M`: upsert every row, at the speed of the rate limit.
    struct Import: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(
            abstract: "Create or update a contact for every row of a file, and account for every row.",
            discussion: """
                Reads the file (CSV or NDJSON, plain or gzip, or '-' for stdin), maps and validates each row, looks \
                the rows up in batches of 15 by the mapping's match key, and creates the missing contacts and \
                updates the found ones where something differs, on --concurrency workers that share Intercom's rate \
                limit. Rows with the same key are applied to one contact in file order; keys written in the run are \
                remembered with their id, so search-index lag cannot make duplicates, and a 409 becomes an update of \
                the existing contact.

                Before writing, the mapping's custom attributes are checked against the workspace \
                (--create-attributes creates the missing ones). Rows refused by validation go to --rejects; rows \
                that could not be written (5xx or network failures after retries, or not sent because the run \
                stopped) go to --failures in the input's own format, so that file can be imported again as it is.

                With --state FILE the import keeps a sync state (SQLite) for nightly runs: for each key, the contact \
                id and a fingerprint of the row last written. A row whose cells and mapping are unchanged since costs \
                no call; a changed row with a stored id is updated by it without a lookup; a write is recorded only \
                after Intercom confirmed it, so a crash or Ctrl-C loses nothing and the same command resumes the \
                work. A contact deleted in Intercom is noticed when its row changes (the stored id answers 404: it is \
                looked up, created again and reported); --full compares every row with Intercom once, as if there \
                were no state. See `intercom-etl state show|reset FILE`.

                The summary always satisfies: read = created + updated + unchanged + rejected + failed. On a \
                terminal a progress line shows rows/s, calls/s and the share of the rate limit used. Ctrl-C (or \
                SIGTERM) stops taking rows, lets calls in flight finish, and still writes the summary and reports.

                With --state, a run holds the state (a sidecar STATE.lock) until it ends; a second run on the same \
                state exits 75 at once, naming the holder. A run that was killed holds nothing.

                Exit codes: 0 every row imported or unchanged (or rejected within --allow-rejects); 1 some rows \
                rejected or failed; 2 the input or a report could not be read or written; 3 authentication failed \
                before any row; 7 Intercom could not be reached; 10 the run stopped early (authentication, \
                --max-errors, interrupted: the same command finishes the work); 65 invalid mapping; 75 another run \
                holds the --state; 78 the workspace lacks mapped attributes, or bad setup.
                """
        )

        @Argument(help: "The file to import, or '-' for standard input.")
        var file: String

        @Option(help: "The mapping file (YAML).")
        var mapping: String

        @Option(help: "upsert (create or update), create (never update) or update (never create).")
        var mode: ImportMode = .upsert

        @Flag(name: .customLong("dry-run"), help: "Look rows up but write nothing; report what would happen.")
        var dryRun = false

        @Option(help: "Worker threads (1 to 256); each writes one row at a time while its next lookup is in flight.")
        var concurrency = 8

        @Option(
            name: .customLong("lookup-batch"),
            help: "Rows looked up per search, 1 to 15 (Intercom's limit per group); 1 is the naive search per row.")
        var lookupBatch = 15

        @Flag(help: "Restore archived contacts that match a row, then update them (otherwise such rows fail).")
        var unarchive = false

        @Flag(
            name: .customLong("create-attributes"),
            help: "Create the mapping's custom attributes that the workspace lacks, with their mapped types.")
        var createAttributes = false

        @Option(
            help: ArgumentHelp(
                "Keep a sync state in this SQLite file: unchanged rows cost no call, and a rerun resumes.",
                valueName: "file"))
        var state: String?

        @Flag(help: "With --state: ignore the stored state for this run, compare every row with Intercom, record it.")
        var full = false

        @Option(help: "Write the rows rejected by validation here (.csv or .ndjson, optionally .gz).")
        var rejects: String?

        @Option(help: "Write the rows that failed or were not sent here, in the input's format (add .gz to compress).")
        var failures: String?

        @Option(
            help: """
                Write what became of every row here (.csv or .ndjson, optionally .gz): line, key, contact id, action \
                (created, updated, unchanged, rejected, failed; would_create, would_update in a dry run), the fields \
                it set or changed, and why. For auditing a migration; it costs no call.
                """)
        var results: String?

        @Option(name: .customLong("summary-json"), help: "Write the summary as JSON here, for monitoring.")
        var summaryJSON: String?

        @Option(
            name: .customLong("max-errors"), help: "Stop after more than N rows rejected or failed, or a share like 5%."
        )
        var maxErrors: String?

        @Option(
            name: .customLong("allow-rejects"),
            help: """
                Exit 0 when at most N rows (or a share like 1%) are rejected: for a nightly file with a few known-bad \
                rows. The summary still lists them; failed rows always exit non-zero.
                """)
        var allowRejects: String?

        @Option(name: .customLong("show-problems"), help: "How many rejected or failed rows to list in the summary.")
        var showProblems = 10

        @OptionGroup var input: InputOptions
        @OptionGroup var threads: ReadThreadsOption
        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 256") }
            guard (1...15).contains(lookupBatch) else { throw ValidationError("--lookup-batch must be 1 to 15") }
            if full && state == nil { throw ValidationError("--full needs --state FILE") }
            if let maxErrors, MaxErrors(maxErrors) == nil {
                throw ValidationError("--max-errors takes a count (50) or a share (5%), got '\(maxErrors)'")
            }
            if let allowRejects, MaxErrors(allowRejects) == nil {
                throw ValidationError("--allow-rejects takes a count (5) or a share (1%), got '\(allowRejects)'")
            }
        }

        func run() async throws {
            let mappingFile = try loadMapping(mapping)
            let opened = try input.open(file)
            let header = (opened.reader as? CSVReader)?.header
            let mapper: ContactMapper
            do {
                mapper = try ContactMapper(mapping: mappingFile, header: header)
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.mappingInvalid
            }
            let reports: Reports
            do {
                reports = Reports(
                    rejects: try rejects.map { try RejectReport(path: $0, header: header) },
                    failures: try failures.map { try FailureReport(path: $0, header: header) },
                    results: try results.map { try ResultsReport(path: $0) })
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.inputFailure
            }
            var store: SyncStateStore?
            var lock: StateLock?
            if let state {
                do {
                    lock = try StateLock(statePath: state)
                    store = try SyncStateStore(path: state)
                } catch let error as StateLock.Held {
                    reports.abort()
                    StandardStreams.printError("error: \(error)")
                    throw ETLExit.stateBusy
                } catch {
                    reports.abort()
                    StandardStreams.printError("error: \(error)")
                    throw ETLExit.inputFailure
                }
            }
            let (client, http) = try connection.connect(connections: 2 * concurrency + 2)
            let outcome = await importAll(opened, mapper, client: client, reports: reports, state: store)
            try? await http.shutdown()
            try withExtendedLifetime(lock) { try finish(outcome, reports: reports) }
        }

        private enum Outcome {
            case summary(ImportSummary)
            case preflight(String, ExitCode)
        }

        private func importAll(
            _ opened: OpenedInput, _ mapper: ContactMapper, client: IntercomClient, reports: Reports,
            state: SyncStateStore?
        )
            async -> Outcome
        {
            var created: [String] = []
            do {
                if let state {
                    try await StateWorkspace.bind(state, client: client)
                }
                // With a state, the attributes are checked once per mapping: a nightly run with nothing to send
                // makes no call. A missing attribute would still fail its rows loudly.
                let checked = try state.map {
                    try !full && StateWorkspace.attributesChecked($0, mapping: mapper.mappingFingerprint)
                }
                if checked != true {
                    created = try await AttributePreflight.run(
                        mapping: mapper.mapping, client: client, createMissing: createAttributes && !dryRun)
                    if let state, !dryRun {
                        try StateWorkspace.markAttributesChecked(state, mapping: mapper.mappingFingerprint)
                    }
                }
            } catch let error as StateWorkspaceMismatch {
                return .preflight("error: \(error)", ETLExit.configuration)
            } catch let error as SyncStateError {
                return .preflight("error: \(error)", ETLExit.inputFailure)
            } catch let error as PreflightError {
                guard dryRun && error.mismatched.isEmpty else {
                    return .preflight("error: \(error)", ETLExit.configuration)
                }
                // A dry run creates nothing, not even attributes: it reports them as it reports contacts, and goes on.
                created = error.missing.map(\.name)
                if !createAttributes {
                    StandardStreams.printError(
                        "note: the workspace lacks \(created.joined(separator: ", ")); the real run needs "
                            + "--create-attributes to create them")
                }
            } catch let error as IntercomError {
                return .preflight("error: \(error)", ETLExit.code(for: error))
            } catch {
                return .preflight("error: \(error)", ETLExit.serverOrTransport)
            }
            var options = ImportOptions()
            options.mode = mode
            options.dryRun = dryRun
            options.concurrency = concurrency
            options.unarchive = unarchive
            options.lookupBatch = lookupBatch
            options.maxErrors = maxErrors.flatMap(MaxErrors.init)
            options.full = full
            let control = ImportControl()
            let trap = SignalTrap { name in
                StandardStreams.printError(
                    "\n\(name): stopping; calls in flight finish, unsent rows go to the failures (again to quit now)")
                control.stop("interrupted by \(name)")
            }
            let progress = ImportProgressReporter(control: control, client: client, totalBytes: opened.progressSize)
            let work = Handoff(opened: opened, reports: reports)
            let keep = max(0, showProblems)
            let path = file
            let readerOptions = input.readerOptions
            let reopen: (@Sendable () throws -> OpenedInput)? =
                file == "-"
                ? nil : { @Sendable () throws -> OpenedInput in try InputOpener.open(path, options: readerOptions) }
            // The look at repeated keys reads the two halves of a plain file at once when there is a core to spare.
            let split: (@Sendable (OpenedInput) -> InputSplit?)? =
                threads.twoThreads
                ? { @Sendable input in InputSplit.make(input, path: path, options: readerOptions) } : nil
            let settings = options
            var summary = await onOwnThread { () -> ImportSummary in
                ImportRun.run(
                    work.opened, mapper: mapper, client: client, options: settings, rejects: work.reports.rejects,
                    failures: work.reports.failures, results: work.reports.results, control: control,
                    keepProblems: keep, reopen: reopen,
                    split: split, state: state)
            }
            progress.stop()
            trap.cancel()
            summary.createdAttributes = created
            return .summary(summary)
        }

        private func finish(_ outcome: Outcome, reports: Reports) throws {
            let summary: ImportSummary
            switch outcome {
            case .preflight(let message, let code):
                reports.abort()
                StandardStreams.printError(message)
                throw code
            case .summary(let value):
                summary = value
            }
            var reportFailure: String?
            do {
                try reports.rejects?.finish()
                // Written even when empty (the header only): last night's failures must not look like tonight's.
                try reports.failures?.finish()
                try reports.results?.finish()
                if let summaryJSON {
                    try OutputFile.write(path: summaryJSON, text: summary.json.prettyJSONText + "\n")
                }
            } catch {
                reportFailure = "\(error)"
            }
            StandardStreams.print(summary.text)
            if let rejects, summary.rejected > 0 { StandardStreams.print("reject report:   \(rejects)") }
            if let failures, summary.failed > 0 { StandardStreams.print("failures file:   \(failures)") }
            if let results { StandardStreams.print("results:         \(results)") }
            if !summary.reconciles {
                StandardStreams.printError("internal error: the counts do not add up to the rows read")
            }
            if let reportFailure {
                StandardStreams.printError("error: \(reportFailure)")
                throw ETLExit.inputFailure
            }
            if summary.stoppedEarly != nil {
                // The summary says why; this says how to finish.
                StandardStreams.printError(
                    "to finish: run the same command again; rows already written cost only their lookups"
                        + (state == nil ? " (with --state, nothing)" : ", or nothing with this --state"))
                throw ETLExit.stoppedEarly
            }
            if let failure = summary.inputFailure {
                StandardStreams.printError("error: \(failure)")
                throw ETLExit.inputFailure
            }
            if summary.failed > 0 { throw ETLExit.rowProblems }
            if summary.rejected > 0 {
                guard let allowance = allowRejects.flatMap(MaxErrors.init),
                    allowance.admits(summary.rejected, of: summary.read)
                else { throw ETLExit.rowProblems }
                StandardStreams.print("rejects allowed: \(summary.rejected) within --allow-rejects \(allowRejects!)")
            }
        }
    }
}

extension ImportMode: ExpressibleByArgument {}

/// The reports of one import.
private struct Reports {
    var rejects: RejectReport?
    var failures: FailureReport?
    var results: ResultsReport?

    /// Drops every partial file.
    func abort() {
        rejects?.abort()
        failures?.abort()
        results?.abort()
    }
}

/// The input and reports, handed to the import's own thread.
///
/// `@unchecked Sendable`: ownership moves; the async caller does not touch them until that thread has finished.
private final class Handoff: @unchecked Sendable {
    let opened: OpenedInput
    let reports: Reports

    init(opened: OpenedInput, reports: Reports) {
        self.opened = opened
        self.reports = reports
    }
}

/// Runs blocking work on a thread of its own, so that the cooperative pool stays free for the HTTP calls.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 4 << 20
        thread.start()
    }
}
