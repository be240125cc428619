/// The spellings of true and false that spreadsheets and CRMs produce.
public enum Booleans {
    /// The boolean `text` spells, in any case, or nil when it spells neither.
    public static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "t", "yes", "y", "1", "on", "x", "checked": true
        case "false", "f", "no", "n", "0", "off", "unchecked": false
        default: nil
        }
    }
}
