import ArgumentParser
import ContactIO
import Foundation

/// `--read-threads`: whether a second thread reads the half of a plain file after a cut (see ``InputSplit``).
struct ReadThreadsOption: ParsableArguments {
    @Option(
        name: .customLong("read-threads"),
        help: ArgumentHelp(
            "Threads to read the file with: 2 reads its two halves at once, 1 reads it in order.",
            discussion: "The default is 2 on a machine with more than one core, for a plain file of 8 MB or more "
                + "(a gzip file or standard input is always read in order). The results are the same."))
    var readThreads: Int?

    func validate() throws {
        if let readThreads, !(1...2).contains(readThreads) {
            throw ValidationError("--read-threads takes 1 or 2, got \(readThreads)")
        }
    }

    /// Whether to cut the file for a second thread.
    var twoThreads: Bool {
        readThreads.map { $0 == 2 } ?? (ProcessInfo.processInfo.activeProcessorCount > 1)
    }
}
