/// Why a JSON text is not valid, and where (a 0-based byte offset in the text).
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable, Equatable {
    public var offset: Int
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "invalid JSON at column \(offset + 1): \(message)" }
}
