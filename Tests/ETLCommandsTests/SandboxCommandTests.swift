import Foundation
import Testing

struct SandboxCommandTests {
    func start(_ extra: [String] = []) throws -> (Process, String) {
        try CommandRunner.startSandbox(extra)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func printsItsURLAndStopsCleanlyOnSignal(signal: Int32) throws {
        let (process, line) = try start()
        #expect(line.hasPrefix("intercom-etl sandbox listening on http://127.0.0.1:"))
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        #expect(!process.isRunning)
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func badFaultSpecIsAUsageError() throws {
        let output = try CommandRunner.run(["sandbox", "--faults", "5xx=2"])
        #expect(output.status == 64)
        #expect(output.stderr.contains("--faults"))
    }
}
