import ArgumentParser
import ContactIO
import ContactMapping

extension IntercomETL {
    /// `intercom-etl validate FILE --mapping M`: the whole file mapped and checked, offline.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Map and validate every row of a file offline, and report what would be rejected and why.",
            discussion: """
                Reads the file (CSV or NDJSON, plain or gzip, or '-' for stdin), applies the mapping and the \
                validation rules Intercom enforces, and prints counts by outcome and reason, the first rejects \
                with their lines, and keys that appear more than once. With --rejects PATH (.csv or .ndjson, \
                optionally .gz) it writes every rejected row with its original values, so that the rejects can be \
                fixed and re-run alone. With --preview N it shows the first N rows instead, as they will be sent, \
                field by field beside the cells they come from (converted phones, dates, roles), to check a \
                mapping by eye. Exit codes: 0 nothing rejected, 1 rows rejected, 2 the file could not be read, \
                10 stopped by --max-errors, 65 the mapping file is invalid.
                """
        )

        @Argument(help: "The file to validate, or '-' for standard input.")
        var file: String

        @Option(help: "The mapping file (YAML).")
        var mapping: String

        @Option(help: "Write the rejected rows here (.csv or .ndjson, optionally .gz).")
        var rejects: String?

        @Option(name: .customLong("max-errors"), help: "Stop after more than N rejected rows, or a share such as 5%.")
        var maxErrors: String?

        @Option(help: "How many rejects to list.")
        var showRejects = 10

        @Option(
            help: ArgumentHelp(
                "Show the first N rows as they will be sent, beside their source cells, instead of validating.",
                valueName: "N"))
        var preview: Int?

        @OptionGroup var input: InputOptions
        @OptionGroup var threads: ReadThreadsOption

        func validate() throws {
            if let maxErrors, MaxErrors(maxErrors) == nil {
                throw ValidationError("--max-errors takes a count (50) or a share (5%), got '\(maxErrors)'")
            }
            if let preview, preview < 1 { throw ValidationError("--preview takes a number of rows, 1 or more") }
            if preview != nil && (rejects != nil || maxErrors != nil) {
                throw ValidationError(
                    "--preview shows rows without validating the file: leave out --rejects and --max-errors")
            }
        }

        func run() throws {
            let mappingFile = try loadMapping(mapping)
            let opened = try input.open(file)
            if let preview {
                try showPreview(of: opened, mapping: mappingFile, rows: preview)
                return
            }
            var report: RejectReport?
            if let rejects {
                do {
                    report = try RejectReport(path: rejects, header: opened.reader.columns)
                } catch {
                    StandardStreams.printError("error: \(error)")
                    throw ETLExit.inputFailure
                }
            }
            let split = threads.twoThreads ? InputSplit.make(opened, path: file, options: input.readerOptions) : nil
            let progress = ProgressLine()
            let size = opened.progressSize
            let (path, readerOptions) = (file, input.readerOptions)
            // Read again only for the first lines of the repeated keys shown: the key table keeps no lines then.
            let reopen: (() throws -> OpenedInput)? =
                file == "-" ? nil : { try InputOpener.open(path, options: readerOptions) }
            let summary: ValidationSummary
            do {
                summary = try ValidationRun.run(
                    opened, mapping: mappingFile, rejects: report, maxErrors: maxErrors.flatMap(MaxErrors.init),
                    keep: max(0, showRejects), split: split, reopen: reopen
                ) { bytes in progress.update(ProgressText.bytes(bytes, of: size)) }
            } catch let error as MappingError {
                report?.abort()
                progress.clear()
                StandardStreams.printError("error: \(error)")
                throw ETLExit.mappingInvalid
            }
            progress.clear()
            do {
                try report?.finish()
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.inputFailure
            }
            StandardStreams.print(summary.text(rejectsPath: rejects, reportsNote: opened.reportsNote))
            if let failure = summary.failure {
                StandardStreams.printError("error: \(failure)")
                throw ETLExit.inputFailure
            }
            if let stopped = summary.stoppedEarly {
                StandardStreams.printError("stopped early: \(stopped)")
                throw ETLExit.stoppedEarly
            }
            if summary.rejected > 0 {
                throw ETLExit.rowProblems
            }
        }
    }
}

extension IntercomETL.Validate {
    /// `--preview N`: the first N records of `opened`, mapped, each field beside its source cells.
    func showPreview(of opened: OpenedInput, mapping: MappingFile, rows: Int) throws {
        let mapper: ContactMapper
        do {
            mapper = try ContactMapper(mapping: mapping, header: opened.reader.columns)
        } catch {
            StandardStreams.printError("error: \(error)")
            throw ETLExit.mappingInvalid
        }
        var shown = 0
        var blocks: [String] = []
        while shown < rows, let result = try opened.reader.next() {
            shown += 1
            switch result {
            case .record: blocks.append(mapper.preview(opened.reader.current).text)
            case .rowError(let error): blocks.append("line \(error.line): not read: \(error.message)")
            }
        }
        blocks.append(
            "previewed \(shown) row\(shown == 1 ? "" : "s") of \(opened.name); nothing was validated beyond them "
                + "(run without --preview for the whole file)")
        StandardStreams.print(blocks.joined(separator: "\n\n"))
    }
}

extension ValidationSummary {
    /// The summary for a person.
    func text(rejectsPath: String?, reportsNote: String? = nil) -> String {
        var lines = [
            "file:          \(name)",
            "encoding:      \(encoding)",
            "rows read:     \(read)",
            "valid:         \(valid)",
            "rejected:      \(rejected)",
        ]
        for (reason, count) in rejectedByReason.sorted(by: {
            $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key)
        }) {
            lines.append("               \(count) \(reason)")
        }
        lines.append("duplicate keys: \(duplicateKeys) (later rows update the contact of the first, in file order)")
        lines += warnings.lines(label: "warnings:", width: 15)
        if usedSecondThread {
            lines.append("read by:       2 threads, one for each half of the file")
        }
        if let replaced = replacements.summary(encoding: encoding.encoding) {
            lines.append("replaced:      " + replaced)
        }
        if let skippedFooter { lines.append("note:          " + skippedFooter.description) }
        if !firstRejects.isEmpty {
            lines.append("first rejects:")
            lines += firstRejects.map { "  \($0.description)" }
        }
        if !firstDuplicates.isEmpty {
            lines.append("first duplicate keys:")
            lines += firstDuplicates.map {
                "  line \($0.line): '\($0.key)' already on " + ($0.firstLine.map { "line \($0)" } ?? "an earlier line")
            }
        }
        if let rejectsPath, rejected > 0 {
            lines.append("reject report: \(rejectsPath)" + (reportsNote.map { " (\($0))" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
