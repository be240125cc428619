/// Names that tell apart the columns of a CSV header that share a name.
///
/// Exports do repeat names (two `Email` columns, a report with `Amount` twice), and a mapping names columns: the
/// second `Email` is `Email (2)`, the third `Email (3)` (or the next free number when the header itself has a column
/// of that name). The first keeps its own name. The file is not changed: reject reports keep the original header.
public enum HeaderNames {
    /// `header` with each repeated name numbered from its second occurrence.
    public static func distinct(_ header: [String]) -> [String] {
        var taken = Set(header)
        var occurrences: [String: Int] = [:]
        return header.map { name in
            occurrences[name, default: 0] += 1
            guard var number = occurrences[name], number > 1 else { return name }
            var candidate = "\(name) (\(number))"
            while taken.contains(candidate) {
                number += 1
                candidate = "\(name) (\(number))"
            }
            taken.insert(candidate)
            occurrences[name] = number
            return candidate
        }
    }
}
