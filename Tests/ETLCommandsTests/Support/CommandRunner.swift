import Foundation

/// Runs the built `intercom-etl` binary (it sits beside the test bundle) and captures what it printed.
struct CommandRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// From the child's start to its exit, measured on the thread that waited for it (a test task can resume
        /// long after, when other tests keep Swift's cooperative threads busy).
        var elapsed: TimeInterval = 0
    }

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "intercom-etl")
    }

    /// A config folder with no profiles in it.
    static let emptyConfigHome = FileManager.default.temporaryDirectory.appendingPathComponent(
        "etl-config-\(UUID().uuidString)"
    ).path

    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) throws -> Output {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        if let environment {
            merged["INTERCOM_ACCESS_TOKEN"] = nil
            merged["INTERCOM_PROFILE"] = nil
            merged.merge(environment) { $1 }
        }
        // Never the profiles of the person running the tests (a default profile would stand in for a missing token).
        if environment?["XDG_CONFIG_HOME"] == nil { merged["XDG_CONFIG_HOME"] = Self.emptyConfigHome }
        process.environment = merged
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        let started = Date()
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
        }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self), elapsed: Date().timeIntervalSince(started))
    }
}

/// Writes `contents` to a new file in a fresh temporary directory and returns its path.
func temporaryFile(named name: String, contents: Data) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("etl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try contents.write(to: url)
    return url.path
}

extension CommandRunner {
    /// Runs the binary from a thread of its own and awaits it, so that waiting for the child never blocks Swift's
    /// cooperative threads (an in-process sandbox needs them to answer the child).
    static func runAwaiting(_ arguments: [String], environment: [String: String]? = nil) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: try run(arguments, environment: environment))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }
}

extension CommandRunner {
    /// Starts `intercom-etl sandbox --port 0` with `extra` flags, waits for its first line, and returns the process
    /// and that line.
    static func startSandbox(_ extra: [String]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["sandbox", "--port", "0"] + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        return (process, String(decoding: line, as: UTF8.self))
    }
}

extension CommandRunner {
    /// Starts `intercom-etl sandbox` on a free loopback port with no rate limit and `flags`; returns the process and
    /// its base URL.
    static func startSandboxURL(_ flags: [String] = []) throws -> (Process, String) {
        let (process, line) = try startSandbox(["--rate-limit", "0"] + flags)
        guard let range = line.range(of: "http://127.0.0.1:[0-9]+", options: .regularExpression) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown)
        }
        return (process, String(line[range]))
    }
}
