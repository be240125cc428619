/// The cells whose invalid bytes `--invalid-utf8 replace` turned into U+FFFD: counted, and listed with their lines, so
/// that no replacement goes unreported.
public struct Replacements: Sendable, Equatable {
    /// One replaced cell.
    public struct Cell: Sendable, Equatable, CustomStringConvertible {
        /// The physical line of the record.
        public var line: Int
        /// The column (CSV) or key (NDJSON).
        public var field: String

        public init(line: Int, field: String) {
            self.line = line
            self.field = field
        }

        public var description: String { "line \(line) (\(field))" }
    }

    /// How many cells were replaced in all.
    public private(set) var count = 0
    /// The first ``limit`` of them, in file order.
    public private(set) var cells: [Cell] = []
    /// How many cells are listed at most: beyond that only ``count`` grows, so memory stays flat.
    public let limit: Int

    public init(limit: Int = 1000) {
        self.limit = limit
    }

    mutating func add(line: Int, field: String) {
        count += 1
        if cells.count < limit { cells.append(Cell(line: line, field: field)) }
    }

    /// Adds another reader's replacements (all counted, listed up to ``limit``), their fields named with `prefix`.
    mutating func append(_ other: Replacements, fieldPrefix prefix: String) {
        count += other.count
        for cell in other.cells.prefix(limit - cells.count) {
            cells.append(Cell(line: cell.line, field: prefix + cell.field))
        }
    }

    /// "3 cells had bytes that are not valid …: line 4 (name), line 9 (city), …", or nil when there were none.
    public func summary(encoding: TextEncoding, shown: Int = 20) -> String? {
        guard count > 0 else { return nil }
        var text = "\(count) \(count == 1 ? "cell" : "cells") had bytes that are not valid \(encoding), replaced by "
        text += "U+FFFD (--invalid-utf8 replace): " + cells.prefix(shown).map(\.description).joined(separator: ", ")
        if count > shown { text += ", and \(count - shown) more" }
        return text
    }
}
