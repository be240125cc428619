extension String {
    /// The string without leading and trailing spaces and tabs (header names, emails typed by people).
    ///
    /// Returns the string itself, without copying, when there is nothing to trim: the common case on hot paths.
    public func trimmingSpaces() -> String {
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last else { return self }
        guard first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return self }
        var view = Substring(self)
        while let character = view.first, character == " " || character == "\t" { view.removeFirst() }
        while let character = view.last, character == " " || character == "\t" { view.removeLast() }
        return String(view)
    }

    /// Lower-cased; ASCII text (almost every email) is done byte by byte, and returned as is when already lower.
    public func lowercasedFast() -> String {
        var hasUpper = false
        for byte in utf8 {
            if byte >= 0x80 { return lowercased() }
            if byte >= 0x41 && byte <= 0x5A { hasUpper = true }
        }
        guard hasUpper else { return self }
        return String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Whether the string is empty or only spaces and tabs.
    public var isBlank: Bool {
        utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}
