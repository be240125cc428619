#if canImport(Glibc)
    import Glibc
#endif

/// Writing to stdout and stderr without Foundation's buffering surprises; stdout is for data, stderr for people.
enum StandardStreams {
    static func print(_ text: String) {
        write(text + "\n", to: STDOUT_FILENO)
    }

    static func printError(_ text: String) {
        write(text + "\n", to: STDERR_FILENO)
    }

    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// Whether stdout is a terminal (JSON is indented only then).
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Whether stderr is a terminal (progress lines are shown only then, never in cron mail).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
