import JSONText

/// The position after the last contact of a `GET /contacts` page.
struct ListCursor: Sendable, Equatable {
    /// Pages and sequences beyond this cannot come from a workspace the sandbox could hold; refusing them keeps all
    /// paging arithmetic far from overflow even if a sealed cursor were ever wrong.
    static let limit = 1 << 40

    var sequence: Int
    var page: Int

    init(sequence: Int, page: Int) {
        self.sequence = sequence
        self.page = page
    }

    /// The cursor in `text`, if `cursors` made it and its numbers are in range.
    init?(_ text: String, cursors: CursorSealer) {
        guard case .array(let parts)? = cursors.open(text), parts.count == 2,
            let sequence = parts[0].int64Value, let page = parts[1].int64Value,
            (0...Int64(Self.limit)).contains(sequence), (1...Int64(Self.limit)).contains(page)
        else { return nil }
        self.init(sequence: Int(sequence), page: Int(page))
    }

    /// The opaque text clients hand back as `starting_after`.
    func sealed(by cursors: CursorSealer) -> String {
        cursors.seal(.array([.number(String(sequence)), .number(String(page))]))
    }
}
