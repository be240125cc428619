/// A moment that a person writes: on the command line (`--updated-since`) or in a bookmark file.
///
/// Parsed exactly or refused, never guessed: a time that reads only partly (a fraction, a space, an offset it does
/// not follow) must not fall back to its date, which moves the start by hours and drops contacts without a word.
/// The ISO 8601 reading is the mapping's own (``DateFormat/iso8601``); a person's time must also say its zone.
public struct TimeArgument: Sendable, Equatable {
    /// Seconds since 1970, UTC. Fractions of a second are dropped (rounded down), so the second they fall in is
    /// included: an incremental export takes a contact twice rather than miss it.
    public var seconds: Int
    /// The whole argument was a date, taken as midnight UTC; worth saying, since the person may have meant their day.
    public var isBareDate: Bool

    public init(seconds: Int, isBareDate: Bool = false) {
        self.seconds = seconds
        self.isBareDate = isBareDate
    }

    /// The forms `init(parsing:)` takes, one per line, for error messages and `--help`.
    public static let acceptedForms = """
          2026-11-29T20:00:00Z           ISO 8601 in UTC (T or a space before the time; seconds optional)
          2026-11-29T20:00:00.000000Z    with a fraction of a second (rounded down to the second)
          2026-11-30T01:00:00+05:00      with an offset from UTC (+05:00 or +0500)
          1795982400                     epoch seconds
          2026-11-29                     a bare date alone: midnight UTC
        """

    /// The latest time accepted: the end of year 9999 (a larger number is more likely milliseconds than a date).
    static let latest = 253_402_300_799
    /// The earliest: 0001-01-01T00:00:00Z.
    static let earliest = -62_135_596_800

    /// Reads `text` (surrounding white space ignored); nil when it is none of ``acceptedForms``.
    public init?(parsing text: String) {
        var bytes = Array(text.utf8)
        while let last = bytes.last, Self.isSpace(last) { bytes.removeLast() }
        while let first = bytes.first, Self.isSpace(first) { bytes.removeFirst() }
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy({ $0 &- 48 < 10 })
            || (bytes[0] == UInt8(ascii: "-") && bytes.count > 1
                && bytes.dropFirst().allSatisfy({ $0 &- 48 < 10 }))
        {
            guard bytes.count <= 19, let value = Int(String(decoding: bytes, as: UTF8.self)),
                (Self.earliest...Self.latest).contains(value)
            else { return nil }
            self.init(seconds: value)
            return
        }
        // RFC 3339 allows a lower-case t and z.
        bytes = bytes.map { $0 == UInt8(ascii: "t") || $0 == UInt8(ascii: "z") ? $0 - 32 : $0 }
        // A time must say its zone: after the date, a Z or a sign (the time itself holds neither).
        let isBareDate = bytes.count == 10
        if !isBareDate {
            let zone = bytes.dropFirst(11).contains {
                $0 == UInt8(ascii: "Z") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
            }
            guard zone else { return nil }
        }
        guard let seconds = bytes.withUnsafeBufferPointer({ DateFormat.iso8601.parse($0) }) else { return nil }
        self.init(seconds: seconds, isBareDate: isBareDate)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// `2024-03-01T09:30:00Z`: the form bookmarks are written in, which `init(parsing:)` reads back to the second.
    public static func iso8601(_ seconds: Int) -> String {
        // Civil date from days (Howard Hinnant's algorithm), the inverse of DateFormat.epoch.
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }
}
