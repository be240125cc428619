/// Phone numbers to E.164 (`+14155550123`), with a default country for numbers written without one.
public enum PhoneNumbers {
    /// Country calling codes by ISO 3166 alpha-2 code, for the countries CRM exports come from most.
    public static let callingCodes: [String: String] = [
        "US": "1", "CA": "1", "GB": "44", "UK": "44", "IE": "353", "FR": "33", "DE": "49", "ES": "34", "IT": "39",
        "NL": "31", "BE": "32", "LU": "352", "CH": "41", "AT": "43", "SE": "46", "NO": "47", "DK": "45",
        "FI": "358", "IS": "354", "PL": "48", "CZ": "420", "PT": "351", "GR": "30", "HU": "36", "RO": "40",
        "AU": "61", "NZ": "64", "JP": "81", "KR": "82", "CN": "86", "HK": "852", "TW": "886", "SG": "65",
        "IN": "91", "BR": "55", "MX": "52", "AR": "54", "CL": "56", "CO": "57", "ZA": "27", "NG": "234",
        "KE": "254", "IL": "972", "AE": "971", "SA": "966", "TR": "90", "UA": "380", "PH": "63", "ID": "62",
        "MY": "60", "TH": "66", "VN": "84",
    ]

    /// The longest E.164 number: `+` and 15 digits.
    public static let maxE164Length = 16

    /// The E.164 form of `text`, or nil when it cannot be one (letters, too few or too many digits).
    /// - Parameter defaultCallingCode: the calling code (e.g. "1") for numbers written without `+` or `00`.
    public static func e164(_ text: String, defaultCallingCode: String?) -> String? {
        var text = text
        return text.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxE164Length) { output in
                e164(bytes, defaultCallingCode: defaultCallingCode, into: output).map {
                    String(decoding: UnsafeBufferPointer(rebasing: output[0..<$0]), as: UTF8.self)
                }
            }
        }
    }

    /// Writes the E.164 form of `text` into `output` (at least ``maxE164Length`` bytes) and returns its length, or
    /// nil when there is none: the one statement of the phone rules.
    ///
    /// Byte by byte with no allocation: this runs on every row, and phone numbers are ASCII (anything else is
    /// refused). Separators (space, tab, `-`, `.`, `(`, `)`, `/`) are dropped; `+` or `00` starts an international
    /// number; a national one takes `defaultCallingCode` and loses its trunk `0` (kept in Italy), or the NANP `1`.
    ///
    /// With `write` false it only decides, in the same steps, and leaves `output` as it was (what a verdict needs).
    public static func e164(
        _ text: UnsafeBufferPointer<UInt8>, defaultCallingCode: String?, into output: UnsafeMutableBufferPointer<UInt8>,
        write: Bool = true
    ) -> Int? {
        var digits = 0
        var first: UInt8 = 0
        var second: UInt8 = 0
        var third: UInt8 = 0
        var international = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits == 0 {
                    first = byte
                } else if digits == 1 {
                    second = byte
                } else if digits == 2 {
                    third = byte
                }
                digits += 1
                guard digits <= 17 else { return nil }  // more than 15 digits and a 00 prefix: never a number
            case UInt8(ascii: "+") where digits == 0 && !international:
                international = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"),
                UInt8(ascii: "/"), 0x09:
                continue
            default:
                return nil
            }
        }
        var skip = 0
        if !international && digits > 2 && first == UInt8(ascii: "0") && second == UInt8(ascii: "0") {
            international = true
            skip = 2
        }
        // The calling code's bytes, read in place (an array of them cost an allocation on every row).
        let prefix = international ? "".utf8 : (defaultCallingCode ?? "").utf8
        if !international {
            guard let code = defaultCallingCode else { return nil }
            if code == "1" && digits == 11 && first == UInt8(ascii: "1") {
                skip = 1  // 1 415 555 0123 written with the NANP trunk prefix
            } else if first == UInt8(ascii: "0") && code != "39" {
                skip = 1  // the national trunk prefix (kept in Italy, where it is part of the number)
            }
        }
        let total = prefix.count + digits - skip
        // The number after the + never starts with 0: its first digit is the calling code's, or the first kept.
        let leading = prefix.first ?? (skip == 0 ? first : skip == 1 ? second : third)
        guard (8...15).contains(total), output.count > total, leading != UInt8(ascii: "0") else { return nil }
        guard write else { return total + 1 }
        output[0] = UInt8(ascii: "+")
        var length = 1
        for byte in prefix {
            output[length] = byte
            length += 1
        }
        var seen = 0
        for byte in text where byte &- 48 < 10 {
            seen += 1
            if seen > skip {
                output[length] = byte
                length += 1
            }
        }
        return length
    }
}
