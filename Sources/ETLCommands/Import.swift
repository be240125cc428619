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
            discussion: Import.discussion
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
        @OptionGroup var tags: TagOptions
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
            do {
                try await importFile()
            } catch let code as ExitCode {
                throw code
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.code(for: error)
            }
        }

        private func importFile() async throws {
            let mappingFile = try loadMapping(mapping)
            // NDJSON has no header to check the mapping against: its records are, before any call (standard input
            // is read ahead, then again from what was kept).
            let opened =
                file == "-"
                ? try input.opening { try NDJSONKeyCheck.verifyStandardInput(mappingFile, options: $0) }
                : try input.open(file)
            let header = opened.reader.columns
            let mapper = try ContactMapper(mapping: mappingFile, header: header)
            if header == nil && file != "-" {
                try NDJSONKeyCheck.verify(mappingFile, path: file, options: input.readerOptions)
            }
            let reports = try ImportReports(rejects: rejects, failures: failures, results: results, header: header)
            var summary: ImportSummary
            do {
                let session = try ImportSession(statePath: state)
                // The state stays held until the reports are complete.
                defer { session.end() }
                let (client, http) = try connection.connect(connections: 2 * concurrency + 2)
                do {
                    let attributes = try await session.prepare(
                        mapper: mapper, client: client, createAttributes: createAttributes, dryRun: dryRun, full: full)
                    if attributes.missingWithoutFlag {
                        StandardStreams.printError(
                            "note: the workspace lacks \(attributes.created.joined(separator: ", ")); the real run "
                                + "needs --create-attributes to create them")
                    }
                    summary = await importRows(opened, mapper, session: session, client: client, reports: reports)
                    summary.createdAttributes = attributes.created
                } catch {
                    try? await http.shutdown()
                    throw error
                }
                try? await http.shutdown()
                try finish(summary, reports: reports, reportsNote: opened.reportsNote)
            } catch {
                // Drops what a run that did not start or finish leaves; the files `finish` completed stay.
                reports.abort()
                throw error
            }
        }

        /// The run itself, with Ctrl-C handling and a progress line.
        private func importRows(
            _ opened: OpenedInput, _ mapper: ContactMapper, session: ImportSession, client: IntercomClient,
            reports: ImportReports
        ) async -> ImportSummary {
            let control = ImportControl()
            let trap = SignalTrap { name in
                StandardStreams.printError(
                    "\n\(name): stopping; calls in flight finish, unsent rows go to the failures (again to quit now)")
                control.stop("interrupted by \(name)")
            }
            let progress = ImportProgressReporter(control: control, client: client, totalBytes: opened.progressSize)
            let (path, readerOptions) = (file, input.readerOptions)
            let reopen: (@Sendable () throws -> OpenedInput)? =
                file == "-" ? nil : { @Sendable in try InputOpener.open(path, options: readerOptions) }
            // The look at repeated keys reads the two halves of a plain file at once when there is a core to spare.
            let split: (@Sendable (OpenedInput) -> InputSplit?)? =
                threads.twoThreads ? { @Sendable in InputSplit.make($0, path: path, options: readerOptions) } : nil
            let summary = await session.run(
                opened, mapper: mapper, client: client, options: options, reports: reports, control: control,
                keepProblems: max(0, showProblems), reopen: reopen, split: split)
            progress.stop()
            trap.cancel()
            return summary
        }

        private var options: ImportOptions {
            var options = ImportOptions()
            options.mode = mode
            options.dryRun = dryRun
            options.concurrency = concurrency
            options.unarchive = unarchive
            options.lookupBatch = lookupBatch
            options.maxErrors = maxErrors.flatMap(MaxErrors.init)
            options.full = full
            return tags.applied(to: options)
        }
    }
}

extension ImportMode: ExpressibleByArgument {}
