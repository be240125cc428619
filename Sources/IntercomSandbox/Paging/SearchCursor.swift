import JSONText

/// Where the next search page starts: after (sort value, sequence) in the request's order.
///
/// Sealed by ``CursorSealer``, so opaque to clients as Intercom's are. A number is kept as the bits of its `Double`:
/// every value a field can hold (1.5, 1e300, an infinity from an overflowing float) comes back exactly, so the next
/// page starts strictly after the last one.
struct SearchCursor: Sendable, Equatable {
    var sortValue: SearchValue?
    var sequence: Int
    var page: Int
    /// The first page's `total_count`, carried to the next pages (which then need not count every match again).
    var total: Int?

    init(sortValue: SearchValue?, sequence: Int, page: Int, total: Int? = nil) {
        self.sortValue = sortValue
        self.sequence = sequence
        self.page = page
        self.total = total
    }

    /// The cursor in `text`, if `cursors` made it and its numbers are in range.
    init?(_ text: String, cursors: CursorSealer) {
        let range = 0...Int64(ListCursor.limit)
        guard case .array(let parts)? = cursors.open(text), parts.count == 3 || parts.count == 4,
            let sequence = parts[1].int64Value, let page = parts[2].int64Value, range.contains(sequence),
            range.contains(page), page >= 1
        else { return nil }
        if parts.count == 4 {
            guard let total = parts[3].int64Value, range.contains(total) else { return nil }
            self.total = Int(total)
        }
        switch parts[0] {
        case .null: sortValue = nil
        case .string(let value): sortValue = .text(value)
        case .bool(let value): sortValue = .flag(value)
        case .object(let object):
            guard case .string(let bits)? = object["f64"], let pattern = UInt64(bits) else { return nil }
            let number = Double(bitPattern: pattern)
            guard !number.isNaN else { return nil }
            sortValue = .number(number)
        default: return nil
        }
        self.sequence = Int(sequence)
        self.page = Int(page)
    }

    /// The opaque text clients hand back as `starting_after`.
    func sealed(by cursors: CursorSealer) -> String {
        let first: JSONValue =
            switch sortValue {
            case nil: .null
            case .text(let value): .string(value)
            case .number(let value): .object(["f64": .string(String(value.bitPattern))])
            case .flag(let value): .bool(value)
            }
        var parts: [JSONValue] = [first, .number(String(sequence)), .number(String(page))]
        if let total { parts.append(.number(String(total))) }
        return cursors.seal(.array(parts))
    }
}
