/// A problem in a mapping file, reported with the file and line before any row is read.
public struct MappingError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    /// The 1-based line in the mapping file, when known.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
