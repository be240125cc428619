import ETLCommands

// The executable only hands the arguments to the command library (ETLCommands), where all the logic lives.
// This is AsyncParsableCommand.main() spelled out: a root command from another module cannot carry @main.
do {
    var command = try IntercomETL.parseAsRoot()
    if var asyncCommand = command as? any AsyncParsableCommandRunnable {
        try await asyncCommand.runAsync()
    } else {
        try command.run()
    }
} catch {
    IntercomETL.exit(withError: error)
}
