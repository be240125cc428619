import ArgumentParser
import ContactIO
import JSONText

extension IntercomETL {
    /// `intercom-etl inspect FILE|-`: what is in a file, before spending any API call on it.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a whole input file and report its format, header, record count and row errors.",
            discussion: """
                Detects gzip (by its magic bytes), the format (CSV or NDJSON) and the CSV delimiter, reads every \
                record and prints what it found, with the first row errors and their line numbers. Exits 1 when \
                some rows could not be read, 2 when the file itself could not be read (missing, corrupt gzip).
                """
        )

        @Argument(help: "The file to read, or '-' for standard input.")
        var file: String

        @OptionGroup var input: InputOptions

        @Option(help: "How many row errors to list.")
        var showErrors = 10

        @Flag(help: "Print the report as one JSON object instead of text.")
        var json = false

        func run() throws {
            let opened = try input.open(file)
            let progress = ProgressLine()
            let size = opened.progressSize
            let report = InputInspection.inspect(opened, keepErrors: max(0, showErrors)) { bytes in
                progress.update(ProgressText.bytes(bytes, of: size))
            }
            progress.clear()
            StandardStreams.print(json ? report.jsonText : report.text)
            if let failure = report.failure {
                StandardStreams.printError("error: \(failure)")
                throw ETLExit.inputFailure
            }
            if report.rowErrors > 0 {
                throw ETLExit.rowProblems
            }
        }
    }
}
