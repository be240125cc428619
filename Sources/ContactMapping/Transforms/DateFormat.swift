/// A date format of a mapping file: `iso8601`, `epoch`, `excel`, or a pattern such as `MM/dd/yyyy` or `dd.MM.yyyy
/// HH:mm`.
///
/// Hand-written rather than DateFormatter because it runs on every row of million-row files: it parses bytes into
/// epoch seconds (UTC) with no allocation and checks the calendar (`31/31/2020` is refused, 29 February only in
/// leap years).
public enum DateFormat: Sendable, Equatable, CustomStringConvertible {
    /// `2024-03-01`, `2024-03-01T09:30:00Z`, `2024-03-01 09:30:00+02:00`, fractions ignored.
    case iso8601
    /// Seconds since 1970, or milliseconds when the number has 13 digits.
    case epoch
    /// Excel's serial date, as an xlsx file stores a date cell: days since 30 December 1899 (the 1900 date system),
    /// a fraction being the time of day (`45292.5` is 2024-01-01 12:00 UTC). Serials before 61 (1 March 1900) are
    /// refused: Excel counts a 29 February 1900 that never was.
    case excel
    /// Tokens `yyyy`, `MM`/`M`, `dd`/`d`, `HH`/`H` (0–23), `hh`/`h` (1–12, with `a`: AM or PM in any case), `mm`,
    /// `ss` (1 or 2 digits each but the year) and literals.
    case pattern(String, [Token])

    public enum Token: Sendable, Equatable {
        case year
        case month
        case day
        case hour
        case minute
        case second
        /// An hour of a 12-hour clock (1–12), made a 24-hour one by ``meridiem``.
        case hour12
        /// `AM` or `PM`.
        case meridiem
        case literal(UInt8)
    }

    /// Parses a format name from a mapping file; nil for one it does not understand.
    public init?(_ name: String) {
        switch name.lowercased() {
        case "iso8601", "iso-8601", "iso": self = .iso8601
        case "epoch", "unix", "epoch_seconds": self = .epoch
        case "excel", "excel_serial", "serial": self = .excel
        default:
            var tokens: [Token] = []
            var characters = Array(name.utf8)[...]
            let units: [(String, Token)] = [
                ("yyyy", .year), ("MM", .month), ("M", .month), ("dd", .day), ("d", .day), ("HH", .hour), ("H", .hour),
                ("hh", .hour12), ("h", .hour12), ("mm", .minute), ("ss", .second), ("a", .meridiem),
            ]
            outer: while let first = characters.first {
                for (text, token) in units where characters.starts(with: text.utf8) {
                    // Each part once: "MMM" (a month name) would otherwise read as MM followed by M.
                    guard !tokens.contains(token) else { return nil }
                    tokens.append(token)
                    characters = characters.dropFirst(text.utf8.count)
                    continue outer
                }
                if (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z"))
                    || (first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z"))
                {
                    return nil  // an unknown letter token (yy, MMM, a, …)
                }
                tokens.append(.literal(first))
                characters = characters.dropFirst()
            }
            guard tokens.contains(.year), tokens.contains(.month), tokens.contains(.day) else { return nil }
            // A 12-hour clock needs its AM/PM, and a 24-hour one has none; one clock per pattern.
            guard tokens.contains(.hour12) == tokens.contains(.meridiem),
                !tokens.contains(.hour12) || !tokens.contains(.hour)
            else { return nil }
            self = .pattern(name, tokens)
        }
    }

    public var description: String {
        switch self {
        case .iso8601: "iso8601"
        case .epoch: "epoch"
        case .excel: "excel"
        case .pattern(let text, _): text
        }
    }

    /// Epoch seconds (UTC), or nil when `bytes` is not a valid date in this format.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var naive = false
        return parse(bytes, naive: &naive)
    }

    /// ``parse(_:)``, telling in `naive` whether the text gave no offset (a wall-clock time, read as UTC here: a
    /// mapping's `timezone` says whose wall clock). Epoch seconds are never naive; Excel serials and patterns always.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>, naive: inout Bool) -> Int? {
        switch self {
        case .epoch:
            naive = false
            return Self.parseEpoch(bytes)
        case .excel:
            naive = true
            return Self.parseExcel(bytes)
        case .iso8601: return Self.parseISO(bytes, naive: &naive)
        case .pattern(_, let tokens):
            naive = true
            return Self.parsePattern(bytes, tokens)
        }
    }

    static func parseEpoch(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 13, bytes.allSatisfy({ $0 &- 48 < 10 }) else { return nil }
        var value = 0
        for byte in bytes { value = value * 10 + Int(byte - 48) }
        return bytes.count == 13 ? value / 1000 : value
    }

    static func parseExcel(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        var days = 0
        while index < bytes.count && bytes[index] &- 48 < 10 && index < 7 {
            days = days * 10 + Int(bytes[index] - 48)
            index += 1
        }
        guard index > 0, days >= 61, days <= 2_958_465 else { return nil }
        var seconds = 0
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: "."), index + 1 < bytes.count else { return nil }
            index += 1
            var fraction = 0
            var scale = 1
            while index < bytes.count {
                let digit = bytes[index] &- 48
                guard digit < 10 else { return nil }
                // Digits past the ninth are below a millisecond: read, not counted.
                if scale < 1_000_000_000 {
                    fraction = fraction * 10 + Int(digit)
                    scale *= 10
                }
                index += 1
            }
            seconds = (fraction * 86_400 + scale / 2) / scale
        }
        return (days - 25_569) * 86_400 + seconds
    }

    /// `digits` decimal digits at `index`, advancing it; nil if they are not all there.
    @inline(__always)
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, _ digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<digits {
            let digit = bytes[index + offset] &- 48
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        index += digits
        return value
    }

    @inline(__always)
    private static func expect(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, _ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    static func parseISO(_ bytes: UnsafeBufferPointer<UInt8>, naive: inout Bool) -> Int? {
        // Plain static helpers with an inout index, not nested closures: those capture the index in a box that is
        // checked for exclusive access on every digit.
        var index = 0
        let dash = UInt8(ascii: "-")
        let colon = UInt8(ascii: ":")
        guard let year = number(bytes, &index, 4), expect(bytes, &index, dash), let month = number(bytes, &index, 2),
            expect(bytes, &index, dash), let day = number(bytes, &index, 2)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var offset = 0
        naive = true
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: " ") else { return nil }
            index += 1
            guard let h = number(bytes, &index, 2), expect(bytes, &index, colon), let m = number(bytes, &index, 2)
            else { return nil }
            hour = h
            minute = m
            if expect(bytes, &index, colon) {
                guard let s = number(bytes, &index, 2) else { return nil }
                second = s
                if expect(bytes, &index, UInt8(ascii: ".")) || expect(bytes, &index, UInt8(ascii: ",")) {
                    while index < bytes.count && bytes[index] &- 48 < 10 { index += 1 }
                }
            }
            if index < bytes.count {
                let sign = bytes[index]
                naive = false
                if sign == UInt8(ascii: "Z") {
                    index += 1
                } else if sign == UInt8(ascii: "+") || sign == dash {
                    index += 1
                    guard let oh = number(bytes, &index, 2) else { return nil }
                    _ = expect(bytes, &index, colon)
                    guard let om = number(bytes, &index, 2), oh < 24, om < 60 else { return nil }
                    offset = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
                } else {
                    return nil
                }
            }
        }
        guard index == bytes.count else { return nil }
        return epoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second).map { $0 - offset }
    }

    static func parsePattern(_ bytes: UnsafeBufferPointer<UInt8>, _ tokens: [Token]) -> Int? {
        var index = 0
        var parts = (year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0)
        var afternoon: Bool?
        for token in tokens {
            if case .literal(let byte) = token {
                guard index < bytes.count, bytes[index] == byte else { return nil }
                index += 1
                continue
            }
            if token == .meridiem {
                // AM or PM, any case (the 0x20 bit folds ASCII letters).
                guard index + 2 <= bytes.count, bytes[index + 1] | 0x20 == UInt8(ascii: "m") else { return nil }
                switch bytes[index] | 0x20 {
                case UInt8(ascii: "a"): afternoon = false
                case UInt8(ascii: "p"): afternoon = true
                default: return nil
                }
                index += 2
                continue
            }
            let maxDigits = token == .year ? 4 : 2
            let minDigits = token == .year ? 4 : 1
            var value = 0
            var count = 0
            while count < maxDigits && index < bytes.count && bytes[index] &- 48 < 10 {
                value = value * 10 + Int(bytes[index] - 48)
                index += 1
                count += 1
            }
            guard count >= minDigits else { return nil }
            switch token {
            case .year: parts.year = value
            case .month: parts.month = value
            case .day: parts.day = value
            case .hour, .hour12: parts.hour = value
            case .minute: parts.minute = value
            case .second: parts.second = value
            case .literal, .meridiem: break
            }
        }
        guard index == bytes.count else { return nil }
        if let afternoon {
            // 12 AM is midnight, 12 PM noon; hours past 12 are no 12-hour clock's.
            guard (1...12).contains(parts.hour) else { return nil }
            parts.hour = parts.hour % 12 + (afternoon ? 12 : 0)
        }
        return epoch(
            year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute,
            second: parts.second)
    }

    /// Seconds since 1970 for a UTC calendar time; nil when it does not exist.
    static func epoch(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int? {
        guard (1...12).contains(month), day >= 1, hour < 24, minute < 60, second < 61, year >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= monthDays[month - 1] else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }
}
