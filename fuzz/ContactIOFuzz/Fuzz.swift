import ContactIO
import Foundation

// Coverage-guided fuzzing of every reader: `make fuzz` builds this with libFuzzer (`-sanitize=fuzzer`, FUZZING
// defined) and runs each target for a bounded time on its seed corpus in fuzz/corpus/TARGET; a crash fails. Built
// without FUZZING (as `swift build` does), it replays files: `contactio-fuzz TARGET FILE...`, to reproduce a crash.
//
// The target comes from the environment (FUZZ_TARGET), so that one build serves all of them.

/// Reads `bytes` as the target says, to the end; any error is an answer, only a crash or a hang is a finding.
func fuzzOne(_ target: String, _ bytes: [UInt8]) {
    switch target {
    case "csv", "ndjson", "text":
        // Detection as a real run does it (gzip, byte order marks, UTF-16, Windows-1252, file signatures), or the
        // format forced; with bytes that are not valid replaced (and counted) half the time.
        let format: InputFormat? = target == "csv" ? .csv : target == "ndjson" ? .ndjson : nil
        let replace = bytes.first.map { $0 & 1 == 1 } ?? false
        let options = ReaderOptions(
            format: format, invalidUTF8: replace ? .replace : .reject, maxRecordBytes: 1 << 16, bufferSize: 4096)
        readAll { try InputOpener.open(source: MemoryByteSource(bytes, readSize: 777), name: "fuzz", options: options) }
    case "zip", "xlsx":
        // Archives are read from files: the input is written to one first.
        let path = NSTemporaryDirectory() + "contactio-fuzz-\(getpid()).\(target)"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        readAll { try InputOpener.open(path, options: ReaderOptions(allEntries: target == "zip", bufferSize: 4096)) }
    default:
        fatalError("unknown FUZZ_TARGET '\(target)': csv, ndjson, text, zip or xlsx")
    }
}

private func readAll(_ open: () throws -> OpenedInput) {
    guard let input = try? open() else { return }
    var records = 0
    while let result = try? input.reader.next() {
        if case .record = result {
            records += 1
            _ = input.reader.current.makeRecord()
        }
        // Bounded: a tiny input that claims to be a huge archive is read far enough to show it is handled.
        if records > 100_000 { break }
    }
    _ = input.reader.replacements.summary(encoding: input.encoding.encoding)
}

@main
struct ContactIOFuzz {
    static func main() throws {
        #if FUZZING
            // libFuzzer's own `main` is not the executable's (SwiftPM names the entry point), so its driver is
            // started from here with the command line.
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzerTestOneInput))
        #else
            let arguments = CommandLine.arguments.dropFirst()
            guard let target = arguments.first else {
                print("usage: contactio-fuzz TARGET FILE... (TARGET: csv, ndjson, text, zip, xlsx)")
                return
            }
            for file in arguments.dropFirst() {
                fuzzOne(target, [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
                print("ok \(file)")
            }
        #endif
    }
}

#if FUZZING
    private let fuzzTarget = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "text"

    private func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        fuzzOne(fuzzTarget, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    private func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt
#endif
