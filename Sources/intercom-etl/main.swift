import ETLCommands

#if canImport(Glibc)
    import CMalloc

    // Large blocks go back to the system when freed. By default glibc raises its threshold for that after the
    // first large block is freed, so the tables of an import's look at repeated keys then stay in the heap after
    // use, under the import's own: a nightly run over the 1M-row benchmark file peaked at 69 MB instead of 59 MB.
    _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024)
#endif

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
