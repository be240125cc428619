import ArgumentParser
import ContactIO
import ContactMapping
import ContactSync
import Foundation
import IntercomAPI
import JSONText

extension IntercomETL {
    /// `intercom-etl export -o PATH`: every contact of the workspace to CSV or NDJSON.
    struct Export: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(
            abstract: "Write every contact of the workspace (or those updated since a time) to CSV or NDJSON.",
            discussion: """
                NDJSON writes each contact object as Intercom returned it. CSV has a stable header: the standard \
                fields, then one custom_attributes.NAME column per custom attribute of the workspace; timestamps \
                are ISO 8601 UTC (--epoch keeps seconds). The output appears at PATH only when complete: a failed or \
                interrupted export leaves nothing there and exits non-zero.

                Paging: one page of 150 at a time with GET /contacts by default. --concurrency N splits the \
                workspace into partitions of about equal numbers of contacts (created_at days sized by their \
                counts; a day too big, as a migration makes, by the last hex digits of the contacts' ids, or by \
                signed_up_at days where the search refuses that) and pages N of them at once by search, writing \
                them in order; the total is checked against Intercom's total_count. A contact that changes and \
                moves between partitions is written once (a last search reads the contacts updated since the \
                start). An incremental export splits its updated_at window by ids at once (or, where the search \
                refuses that, by updated_at, created_at and signed_up_at days). A workspace or window small enough \
                to page in fewer calls than \
                that is paged with one cursor instead (the summary says so).

                Incremental: --updated-since TIME keeps exactly the contacts updated at or after TIME, which is one \
                of: 2026-11-29T20:00:00Z (T or a space before the time, seconds and a fraction optional), \
                2026-11-30T01:00:00+05:00 (or +0500), epoch seconds, or a bare date (midnight UTC). A time without a \
                zone, or anything else, is refused with exit 64; the search starts a day earlier (it matches whole days in the workspace's time zone) \
                and every id is written once. --bookmark FILE reads TIME from FILE (no file: a full export) and, \
                only once the output is complete, writes the next TIME there: the start of this run minus \
                10 minutes, as search can lag behind writes, so a contact changed near the end of a run is exported \
                again by the next one rather than missed.

                Exit codes: 0 done; 2 the output or bookmark could not be written; 3 authentication failed; 7 \
                Intercom failed or could not be reached after retries; 10 interrupted; 64 bad flags.
                """
        )

        @Option(name: .shortAndLong, help: "Where to write ('-' for standard output).")
        var output = "-"

        @Option(
            help: "csv or ndjson; by default from the output's extension (.csv, .ndjson, .jsonl, with .gz), else csv.")
        var format: ExportFormat?

        @Flag(help: "Compress with gzip (implied by a path ending in .gz).")
        var gzip = false

        @Option(
            help: "Comma-separated columns to keep, by their CSV header names (e.g. id,email,custom_attributes.plan).")
        var fields: String?

        @Option(help: "Only users or only leads.")
        var role: String?

        @Option(
            name: .customLong("updated-since"),
            help: "Only contacts updated at or after TIME (ISO 8601 with Z or an offset, epoch seconds, or a date).")
        var updatedSince: String?

        @Option(
            help: "Read --updated-since from this file, and write the next value there when the export is complete.")
        var bookmark: String?

        @Option(help: "Partitions paged at once (1 to 64); 1 pages the workspace with one cursor.")
        var concurrency = 1

        @Flag(help: "CSV timestamps as epoch seconds instead of ISO 8601.")
        var epoch = false

        @Flag(
            name: .customLong("safe-csv"),
            help: "Prefix CSV cells starting with = + - @ with ' so that spreadsheets do not run them as formulas.")
        var safeCSV = false

        @Option(name: .customLong("summary-json"), help: "Write the summary as JSON here, for monitoring.")
        var summaryJSON: String?

        @OptionGroup var connection: ConnectionOptions

        func validate() throws {
            guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 64") }
            if updatedSince != nil && bookmark != nil {
                throw ValidationError("give --updated-since or --bookmark, not both")
            }
            if let role, role != "user" && role != "lead" { throw ValidationError("--role is user or lead") }
            if let updatedSince, TimeArgument(parsing: updatedSince) == nil {
                throw ValidationError(
                    "--updated-since: '\(updatedSince)' is not a time. Accepted forms:\n\(TimeArgument.acceptedForms)")
            }
        }

        func run() async throws {
            var options = ExportOptions()
            options.format = format ?? ExportFormat.of(path: output) ?? .csv
            options.gzip = gzip
            options.fields = fields?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            options.role = role
            options.concurrency = concurrency
            options.epoch = epoch
            options.safeCSV = safeCSV
            var since = updatedSince.flatMap { TimeArgument(parsing: $0) }
            if let bookmark {
                do {
                    since = try ExportBookmark(path: bookmark).since() ?? since
                } catch {
                    StandardStreams.printError("error: \(error)")
                    throw ETLExit.inputFailure
                }
            }
            options.updatedSince = since?.seconds
            options.updatedSinceIsBareDate = since?.isBareDate ?? false
            let startedAt = Int(Date().timeIntervalSince1970)
            let (client, http) = try connection.connect(connections: max(8, 2 * concurrency + 2))
            let control = ExportControl()
            let trap = SignalTrap { name in
                StandardStreams.printError("\n\(name): stopping the export; no file will be written")
                control.stop()
            }
            let progress = ExportProgressReporter(control: control, client: client)
            let result: Result<ExportSummary, Error>
            do {
                result = .success(
                    try await ExportRun.run(client: client, options: options, path: output, control: control))
            } catch {
                result = .failure(error)
            }
            progress.stop()
            trap.cancel()
            try? await http.shutdown()
            let summary: ExportSummary
            switch result {
            case .success(let value):
                summary = value
            case .failure(let error):
                StandardStreams.printError("error: \(error)")
                if control.isStopped { throw ETLExit.stoppedEarly }
                throw ETLExit.code(for: error)
            }
            do {
                if let bookmark {
                    try ExportBookmark(path: bookmark).advance(startedAt: startedAt, since: options.updatedSince)
                }
                if let summaryJSON {
                    try OutputFile.write(path: summaryJSON, text: summary.json.prettyJSONText + "\n")
                }
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.inputFailure
            }
            // The summary goes to stderr when the contacts go to stdout.
            if output == "-" {
                StandardStreams.printError(summary.text)
            } else {
                StandardStreams.print(summary.text)
            }
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}
