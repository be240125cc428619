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
        e164Bytes(text.utf8, defaultCallingCode: defaultCallingCode).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `text` has an E.164 form, without building it (what validation needs, on every row).
    public static func isValid(_ text: UnsafeBufferPointer<UInt8>, defaultCallingCode: String?) -> Bool {
        var digits = 0
        var leadingZeros = 0
        var first: UInt8 = 0
        var second: UInt8 = 0
        var international = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits == 0 { first = byte } else if digits == 1 { second = byte }
                if digits == leadingZeros && byte == UInt8(ascii: "0") { leadingZeros += 1 }
                digits += 1
            case UInt8(ascii: "+") where digits == 0 && !international:
                international = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"),
                UInt8(ascii: "/"), 0x09:
                continue
            default:
                return false
            }
        }
        // The same arithmetic as e164Bytes, on counts.
        if !international && digits > 2 && first == UInt8(ascii: "0") && second == UInt8(ascii: "0") {
            return (8...15).contains(digits - 2) && leadingZeros == 2
        }
        if international {
            return (8...15).contains(digits) && first != UInt8(ascii: "0")
        }
        guard let code = defaultCallingCode else { return false }
        var number = digits
        if code == "1" && digits == 11 && first == UInt8(ascii: "1") {
            number -= 1
        } else if first == UInt8(ascii: "0") && code != "39" {
            number -= 1
        }
        return (8...15).contains(code.utf8.count + number)
    }

    /// The E.164 form as bytes.
    public static func e164Bytes(_ text: some Sequence<UInt8>, defaultCallingCode: String?) -> [UInt8]? {
        // Byte by byte: this runs on every row, and phone numbers are ASCII (anything else is refused).
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        var international = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(byte)
            case UInt8(ascii: "+") where digits.isEmpty && !international:
                international = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"),
                UInt8(ascii: "/"), 0x09:
                continue
            default:
                return nil
            }
        }
        var start = 0
        if !international && digits.count > 2 && digits[0] == UInt8(ascii: "0") && digits[1] == UInt8(ascii: "0") {
            international = true
            start = 2
        }
        var number = digits[start...]
        var prefix: [UInt8] = []
        if !international {
            guard let code = defaultCallingCode else { return nil }
            if code == "1" && number.count == 11 && number.first == UInt8(ascii: "1") {
                number = number.dropFirst()  // 1 415 555 0123 written with the NANP trunk prefix
            } else if number.first == UInt8(ascii: "0") && code != "39" {
                // The national trunk prefix (kept in Italy, where it is part of the number).
                number = number.dropFirst()
            }
            prefix = Array(code.utf8)
        }
        let total = prefix.count + number.count
        guard (8...15).contains(total), (prefix.first ?? number.first) != UInt8(ascii: "0") else { return nil }
        return [UInt8(ascii: "+")] + prefix + number
    }
}
