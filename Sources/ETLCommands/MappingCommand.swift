import ArgumentParser
import ContactIO
import ContactMapping
import Foundation
import IntercomAPI

extension IntercomETL {
    /// `intercom-etl mapping init FILE`.
    struct Mapping: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mapping", abstract: "Write starter mapping files.", subcommands: [Init.self])
    }
}

extension IntercomETL.Mapping {
    struct Init: AsyncParsableCommand, AsyncParsableCommandRunnable {
        static let configuration = CommandConfiguration(
            abstract: "Read a file's header and first rows and write a starter mapping for it.",
            discussion: """
                Recognises the usual column names of HubSpot, Salesforce, Zendesk, Mailchimp and Intercom's own \
                export ("Email", "Email Address", "First Name", "Phone Number", "Record ID", "user_id", …), guesses \
                date formats and custom-attribute types from the sample, and comments on what it could not place. \
                Owner columns hold names; with --lookup-admins the workspace's admins (GET /admins, with the usual \
                token) turn them into admin ids through a map, otherwise they stay a custom attribute. Review the \
                result, then run validate with it.
                """
        )

        @Argument(help: "The export to map (CSV or NDJSON, plain or gzip, or '-').")
        var file: String

        @Option(name: .shortAndLong, help: "Where to write the mapping; '-' prints it.")
        var output = "mapping.yml"

        @Option(help: "How many rows to sample for names and types (every row is read for the order of dates).")
        var sample = 1000

        @Flag(help: "Replace the output file if it exists (without it, an existing mapping is never overwritten).")
        var force = false

        @Flag(help: "Map owner names (or emails) to the workspace's admin ids, looked up with the token (GET /admins).")
        var lookupAdmins = false

        @OptionGroup var input: InputOptions
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            if output != "-" && !force && FileManager.default.fileExists(atPath: output) {
                StandardStreams.printError(
                    "error: \(output) exists; a mapping may hold hours of work: pass --force to replace it, or -o NEW")
                throw ETLExit.inputFailure
            }
            let opened = try input.open(file)
            let read: MappingDraft.Sample
            do {
                // Every row is read for the order of the dates (03/04 against 13/04); the first ones are kept.
                read = try MappingDraft.sample(opened.reader, limit: sample, readToEnd: true)
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.inputFailure
            }
            var admins: [MappingDraft.Admin]?
            if lookupAdmins {
                admins = try await connection.withClient { client throws(IntercomError) in
                    try await client.listAdmins().map { MappingDraft.Admin(id: $0.id, name: $0.name, email: $0.email) }
                }
            }
            let yaml = MappingDraft.make(
                header: read.header, samples: read.rows, source: file, dateOrders: read.dateOrders, admins: admins,
                evidence: read.evidence)
            let summary =
                "\(read.header.count) columns, \(read.rows.count) sample rows of \(read.rowsRead); "
                + "read as \(opened.encoding)"
            if output == "-" {
                StandardStreams.write(yaml, to: 1)
                StandardStreams.printError("(\(summary))")
                return
            }
            do {
                let out = try OutputFile(path: output)
                try out.write(Array(yaml.utf8))
                try out.commit()
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.inputFailure
            }
            StandardStreams.printError("wrote \(output) (\(summary))")
        }
    }
}
