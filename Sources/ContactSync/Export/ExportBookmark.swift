import ContactIO
import ContactMapping
import Foundation

/// `export --bookmark FILE`: where an incremental export starts, and where the next one will.
///
/// The file holds one time (any form ``TimeArgument`` reads); no file means a full export. After a complete export
/// the file gets the time this run started, less ten minutes for search-index lag, and never earlier than the time
/// the run started from: so that the next run misses no contact changed meanwhile.
public struct ExportBookmark: Sendable {
    /// A bookmark file that does not hold a time.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var text: String

        public var description: String {
            "the bookmark \(path) does not hold a time: '\(text.prefix(200))'. Accepted forms:\n"
                + TimeArgument.acceptedForms
        }
    }

    /// How long before a run's start the next run starts from: search-index lag.
    public static let lag = 600

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The time the file holds, or nil when there is no file (a full export).
    /// - Throws: ``Invalid`` for a file that does not hold a time.
    public func since() throws -> TimeArgument? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard let time = TimeArgument(parsing: text) else { throw Invalid(path: path, text: text) }
        return time
    }

    /// Records where the next run starts, for a run that started at `startedAt` from `since` (epoch seconds).
    public func advance(startedAt: Int, since: Int?) throws {
        let next = max(since ?? 0, startedAt - Self.lag)
        try OutputFile.write(path: path, text: TimeArgument.iso8601(next) + "\n")
    }
}
