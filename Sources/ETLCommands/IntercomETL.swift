import ArgumentParser

/// The root command: holds only the configuration, each subcommand lives in its own file.
public struct IntercomETL: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "intercom-etl",
        abstract: "Move contacts in and out of Intercom in bulk.",
        discussion: """
            Reads CSV or NDJSON (plain or gzip, from a file or stdin), maps and validates every row, and upserts \
            contacts at the speed of Intercom's rate limit; exports a whole workspace to CSV or NDJSON.
            """,
        version: "0.1.0",
        subcommands: [
            Inspect.self, Mapping.self, Validate.self, Import.self, State.self, Export.self, Contacts.self,
            Messages.self,
            Whoami.self, Auth.self,
            Sandbox.self,
        ]
    )

    public init() {}
}

/// Lets the executable run an async subcommand without importing ArgumentParser's deprecated main protocols.
public protocol AsyncParsableCommandRunnable {
    /// Runs the command.
    mutating func runAsync() async throws
}

extension AsyncParsableCommandRunnable where Self: AsyncParsableCommand {
    public mutating func runAsync() async throws {
        try await run()
    }
}
