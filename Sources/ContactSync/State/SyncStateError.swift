/// A state file that cannot be opened, read or written.
public struct SyncStateError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String

    public var description: String { "state file \(path): \(message)" }
}
