import ArgumentParser
import ContactSync
import Foundation

extension IntercomETL {
    /// `intercom-etl state show|reset FILE`: the sync state that `import --state` keeps.
    struct State: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "state", abstract: "Inspect or reset the sync state of `import --state`.",
            subcommands: [Show.self, Reset.self])
    }
}

extension IntercomETL.State {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how many keys a state file holds, its workspace and its oldest and newest write.",
            discussion: "With --key, also what it holds for those match keys (id, fingerprint, when written).")

        @Argument(help: "The state file.")
        var file: String

        @Option(help: "A match key to show (repeat for several).")
        var key: [String] = []

        func run() throws {
            let store = try openExisting(file)
            do {
                let overview = try store.overview()
                let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                var lines = [
                    "state file:  \(file) (\(size) bytes)",
                    "workspace:   \(try store.meta("workspace") ?? "none yet")",
                    "keys:        \(overview.keys)",
                ]
                if let oldest = overview.oldest, let newest = overview.newest {
                    lines.append("oldest:      \(Self.date(oldest))")
                    lines.append("newest:      \(Self.date(newest))")
                }
                let entries = try store.entries(for: key)
                for wanted in key {
                    if let entry = entries[wanted] {
                        lines.append(
                            "key \(wanted): id \(entry.id), fingerprint \(String(entry.payloadHash, radix: 16)), "
                                + "written \(Self.date(entry.writtenAt))")
                    } else {
                        lines.append("key \(wanted): not in the state (the next import looks it up)")
                    }
                }
                StandardStreams.print(lines.joined(separator: "\n"))
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.inputFailure
            }
        }

        static func date(_ seconds: Int) -> String {
            ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(seconds)))
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget every key: the next import compares every row with Intercom again.",
            discussion: """
                Also forgets the workspace the file belonged to, so the file can be used with another one. Nothing \
                in Intercom changes.
                """)

        @Argument(help: "The state file.")
        var file: String

        func run() throws {
            let store = try openExisting(file)
            do {
                let keys = try store.overview().keys
                try store.reset()
                StandardStreams.print("reset \(file): forgot \(keys) keys")
            } catch {
                StandardStreams.printError("error: \(error)")
                throw ETLExit.inputFailure
            }
        }
    }
}

/// Opens a state file that must already exist (inspecting a mistyped path must not create an empty state).
private func openExisting(_ path: String) throws -> SyncStateStore {
    guard FileManager.default.fileExists(atPath: path) else {
        StandardStreams.printError("error: no state file at \(path)")
        throw ETLExit.inputFailure
    }
    do {
        return try SyncStateStore(path: path)
    } catch {
        StandardStreams.printError("error: \(error)")
        throw ETLExit.inputFailure
    }
}
