import ArgumentParser
import ContactIO
import ContactMapping
import ContactSync
import JSONText

extension IntercomETL.Import {
    /// Completes the reports, prints the summary, and says with the exit code how the run went.
    /// - Parameter reportsNote: what the reports are, when the input was converted to be read (see
    ///   ``OpenedInput/reportsNote``).
    func finish(_ summary: ImportSummary, reports: ImportReports, reportsNote: String? = nil) throws {
        var reportFailure: Error?
        do {
            try reports.finish()
            if let summaryJSON {
                try OutputFile.write(path: summaryJSON, text: summary.json.prettyJSONText + "\n")
            }
        } catch {
            reportFailure = error
        }
        StandardStreams.print(summary.text)
        let note = reportsNote.map { " (\($0))" } ?? ""
        if let rejects, summary.rejected > 0 { StandardStreams.print("reject report:   \(rejects)\(note)") }
        if let failures, summary.failed > 0 { StandardStreams.print("failures file:   \(failures)\(note)") }
        if let results { StandardStreams.print("results:         \(results)") }
        if !summary.reconciles {
            StandardStreams.printError("internal error: the counts do not add up to the rows read")
        }
        if let reportFailure { throw reportFailure }
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
        if summary.failed > 0 || (summary.relations?.failureCount ?? 0) > 0 { throw ETLExit.rowProblems }
        if summary.rejected > 0 {
            guard let allowance = allowRejects.flatMap(MaxErrors.init),
                allowance.admits(summary.rejected, of: summary.read)
            else { throw ETLExit.rowProblems }
            StandardStreams.print("rejects allowed: \(summary.rejected) within --allow-rejects \(allowRejects!)")
        }
    }
}
