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

    /// The E.164 form of `text`, or nil when it cannot be one (letters, too few or too many digits).
    /// - Parameter defaultCountry: the calling code (e.g. "1") for numbers written without `+` or `00`.
    public static func e164(_ text: String, defaultCallingCode: String?) -> String? {
        var digits = ""
        var international = false
        var sawDigit = false
        for character in text {
            switch character {
            case "0"..."9":
                digits.append(character)
                sawDigit = true
            case "+" where !sawDigit && !international:
                international = true
            case " ", "-", ".", "(", ")", "/", "\u{00A0}":
                continue
            default:
                return nil
            }
        }
        if !international && digits.hasPrefix("00") {
            international = true
            digits.removeFirst(2)
        }
        if !international {
            guard let code = defaultCallingCode else { return nil }
            if code == "1" && digits.count == 11 && digits.hasPrefix("1") {
                digits.removeFirst()  // 1 415 555 0123 written with the NANP trunk prefix
            } else if digits.hasPrefix("0") && code != "39" {
                digits.removeFirst()  // the national trunk prefix (kept in Italy, where it is part of the number)
            }
            digits = code + digits
        }
        guard (8...15).contains(digits.count), !digits.hasPrefix("0") else { return nil }
        return "+" + digits
    }
}

/// The spellings of true and false that spreadsheets and CRMs produce.
public enum Booleans {
    public static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "t", "yes", "y", "1", "on", "x", "checked": true
        case "false", "f", "no", "n", "0", "off", "unchecked": false
        default: nil
        }
    }
}

/// A practical email check (not a full RFC 5322 parser): one `@`, a local part, a dotted domain, no spaces.
public enum EmailAddresses {
    public static func isPlausible(_ email: String) -> Bool {
        let bytes = Array(email.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 3
        else { return false }
        let domain = bytes[(at + 1)...]
        guard !domain.contains(UInt8(ascii: "@")), let dot = domain.lastIndex(of: UInt8(ascii: ".")),
            dot > at + 1, dot < bytes.count - 1, domain.first != UInt8(ascii: "."),
            !bytes.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") })
        else { return false }
        return !email.contains("..")
    }
}
