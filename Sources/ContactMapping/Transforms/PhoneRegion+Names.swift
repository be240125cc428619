import Foundation

extension PhoneRegion {
    /// The region a country cell names: an ISO code (`DE`, `deu`), or a country's name in English, German, French,
    /// Spanish, Portuguese, Italian or Dutch (`Germany`, `Deutschland`, `Allemagne`, `Alemania`), in any case and
    /// with or without accents; nil for anything else.
    public static func named(_ text: String) -> PhoneRegion? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.utf8.count == 2, let region = PhoneRegion(trimmed) { return region }
        return names[fold(trimmed)].flatMap { PhoneRegion($0) }
    }

    /// Lower case, no accents, letters and digits only, words joined by one space (`Côte d’Ivoire` → `cote d ivoire`).
    static func fold(_ text: String) -> String {
        let plain = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        var result = ""
        var space = false
        for character in plain {
            if character.isLetter || character.isNumber {
                if space && !result.isEmpty { result.append(" ") }
                result.append(character)
                space = false
            } else {
                space = true
            }
        }
        return result
    }

    /// Folded names and codes to ISO codes: the names from the locale data of the usual languages, then the
    /// alpha-3 codes and the names people write that are no country's official one.
    static let names: [String: String] = {
        var table: [String: String] = [:]
        for language in ["en", "de", "fr", "es", "pt", "it", "nl"] {
            let locale = Locale(identifier: language)
            for region in Locale.Region.isoRegions {
                let code = region.identifier
                guard code.utf8.count == 2, let name = locale.localizedString(forRegionCode: code) else { continue }
                let folded = fold(name)
                if table[folded] == nil { table[folded] = code }
            }
        }
        let aliases: [String: String] = [
            "usa": "US", "u s a": "US", "u s": "US", "united states of america": "US", "america": "US",
            "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
            "wales": "GB", "northern ireland": "GB", "holland": "NL", "the netherlands": "NL", "czech republic": "CZ",
            "south korea": "KR", "korea": "KR", "russia": "RU", "uae": "AE", "deutschland": "DE", "brasil": "BR",
            "espana": "ES", "schweiz": "CH", "suisse": "CH", "svizzera": "CH", "osterreich": "AT", "sverige": "SE",
            "norge": "NO", "danmark": "DK", "suomi": "FI", "polska": "PL", "italia": "IT", "nederland": "NL",
            "belgie": "BE", "belgique": "BE", "eire": "IE", "mexico": "MX", "nippon": "JP", "zhongguo": "CN",
            "gbr": "GB", "deu": "DE", "fra": "FR", "esp": "ES", "ita": "IT", "nld": "NL",
            "bel": "BE", "che": "CH", "aut": "AT", "swe": "SE", "nor": "NO", "dnk": "DK", "fin": "FI", "pol": "PL",
            "prt": "PT", "irl": "IE", "can": "CA", "aus": "AU", "nzl": "NZ", "jpn": "JP", "chn": "CN", "ind": "IN",
            "bra": "BR", "mex": "MX", "zaf": "ZA", "arg": "AR", "col": "CO", "chl": "CL", "kor": "KR", "sgp": "SG",
            "hkg": "HK", "isr": "IL", "are": "AE", "tur": "TR", "rus": "RU", "ukr": "UA", "cze": "CZ", "hun": "HU",
            "rou": "RO", "grc": "GR", "phl": "PH", "nga": "NG", "ken": "KE", "egy": "EG", "sau": "SA", "idn": "ID",
            "mys": "MY", "tha": "TH", "vnm": "VN", "lux": "LU", "isl": "IS",
        ]
        for (name, code) in aliases where table[name] == nil { table[name] = code }
        return table
    }()
}
