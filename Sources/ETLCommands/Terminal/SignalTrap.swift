import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Turns the first SIGINT or SIGTERM into a clean stop (the summary and reports are still written); a second one
/// ends the process at once.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    /// - Parameter onFirst: called once, on a Dispatch queue, with the signal's name.
    init(onFirst: @escaping @Sendable (String) -> Void) {
        let queue = DispatchQueue(label: "intercom-etl.signals")
        let seen = SignalCount()
        sources = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if seen.value.add(1, ordering: .relaxed).newValue == 1 {
                    onFirst(name)
                } else {
                    StandardStreams.printError("\(name) again: quitting at once; the summary and reports are lost")
                    exit(130)
                }
            }
            source.resume()
            return source
        }
    }

    /// Restores the default handlers.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// How many stop signals arrived.
private final class SignalCount: Sendable {
    let value = Atomic<Int>(0)
}
