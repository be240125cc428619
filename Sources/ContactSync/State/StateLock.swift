import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive hold on a sync state for one run, through a sidecar file `STATE.lock`, so that two runs on one state
/// (a nightly run that outlasts its cron interval) never both do the whole job.
///
/// A sidecar rather than the database itself, so that `state show` still reads the state while a run holds it.
/// `flock` is released by the system when the holding process ends, however it ends: a lock left by a killed run is
/// taken over at once, never waited on.
public final class StateLock {
    /// The state is held by another run: who, as the holder wrote it.
    public struct Held: Error, CustomStringConvertible {
        public var statePath: String
        public var holder: String

        public var description: String {
            "the state \(statePath) is in use by another run (\(holder)); this run did not start. "
                + "Wait for it to finish, or stop it; a run that was killed holds nothing."
        }
    }

    /// The sidecar's path for a state file.
    public static func path(for statePath: String) -> String { statePath + ".lock" }

    private var descriptor: Int32

    /// Takes the lock, or throws ``Held`` at once when another process has it.
    /// - Throws: ``Held``, or an error when the sidecar cannot be created.
    public init(statePath: String) throws {
        let path = Self.path(for: statePath)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SyncStateError(
                path: statePath, message: "cannot create its lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var bytes = [UInt8](repeating: 0, count: 512)
            let count = pread(descriptor, &bytes, bytes.count, 0)
            close(descriptor)
            let text = String(decoding: bytes.prefix(max(0, count)), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw Held(statePath: statePath, holder: text.isEmpty ? "holder unknown" : text)
        }
        self.descriptor = descriptor
        let since = ISO8601DateFormatter().string(from: Date())
        let host = ProcessInfo.processInfo.hostName
        let text = Array("pid \(getpid()) on \(host) since \(since)\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, text, text.count, 0)
    }

    /// Gives the state back at once (the holder's line emptied, the lock released); later calls do nothing.
    ///
    /// A run calls it when it ends rather than leaving it to `deinit`: the last reference to a session may be dropped
    /// on another thread a moment later, and a next run on the same state in this process would find it still held.
    public func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        close(descriptor)
        descriptor = -1
    }

    deinit {
        release()
    }
}
