import ArgumentParser
import ContactIO
import ContactMapping

extension IntercomETL {
    /// `intercom-etl mapping init FILE`.
    struct Mapping: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mapping", abstract: "Write starter mapping files.", subcommands: [Init.self])
    }
}

extension IntercomETL.Mapping {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a file's header and first rows and write a starter mapping for it.",
            discussion: """
                Recognises the usual column names of HubSpot, Salesforce, Zendesk, Mailchimp and Intercom's own \
                export ("Email", "Email Address", "First Name", "Phone Number", "Record ID", "user_id", …), guesses \
                date formats and custom-attribute types from the sample, and comments on what it could not place. \
                Review the result, then run validate with it.
                """
        )

        @Argument(help: "The export to map (CSV or NDJSON, plain or gzip, or '-').")
        var file: String

        @Option(name: .shortAndLong, help: "Where to write the mapping; '-' prints it.")
        var output = "mapping.yml"

        @Option(help: "How many rows to sample.")
        var sample = 1000

        @OptionGroup var input: InputOptions

        func run() throws {
            let opened: OpenedInput
            do {
                opened = try InputOpener.open(file, options: input.readerOptions)
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.inputFailure
            }
            var header = (opened.reader as? CSVReader)?.header
            var rows: [[String]] = []
            var keys: [String] = []
            do {
                while rows.count < sample, let result = try opened.reader.next() {
                    guard case .record = result else { continue }
                    let record = opened.reader.current.makeRecord()
                    if header == nil {
                        for field in record.fields where !keys.contains(field.key) { keys.append(field.key) }
                        rows.append(keys.map { record[$0] ?? "" })
                    } else {
                        rows.append(record.values)
                    }
                }
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.inputFailure
            }
            let columns = header ?? keys
            header = columns
            let yaml = MappingDraft.make(header: columns, samples: rows.map { $0 + Array(repeating: "", count: max(0, columns.count - $0.count)) }, source: file)
            if output == "-" {
                StandardStreams.write(yaml, to: 1)
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
            StandardStreams.printError("wrote \(output) (\(columns.count) columns, \(rows.count) sample rows)")
        }
    }
}
