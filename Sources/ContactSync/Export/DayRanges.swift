import ContactIO
import JSONText

/// Disjoint `created_at` ranges of whole days that together hold every contact, for a partitioned export.
///
/// Date search matches calendar days in the workspace's time zone: `= T` is T's day, `> T` starts the next day, and
/// `< T` ends before T's day. Range i is "on or after the day of b(i)" and "before the day of b(i+1)", with the
/// first range unbounded below and the last unbounded above: whatever the time zone, each contact's day falls in
/// exactly one range, including a contact created at 23:59:59 or 00:00:00, and contacts created during the export.
struct DayRanges: Sendable {
    /// Range starts (epoch seconds at UTC midnight), the first one unused as a bound.
    let starts: [Int]

    var count: Int { starts.count }

    /// Up to `count` ranges of about equal numbers of days, from the oldest contact's day to the newest's.
    init(oldest: Int, newest: Int, count: Int) {
        let day = 86_400
        let first = oldest - ((oldest % day) + day) % day
        let days = max(1, (newest - first) / day + 1)
        let ranges = max(1, min(count, days))
        var starts: [Int] = []
        for index in 0..<ranges {
            let start = first + (days * index / ranges) * day
            if starts.last != start { starts.append(start) }
        }
        self.starts = starts
    }

    /// The filters of range `index` (`everything` when there is a single range).
    func filters(_ index: Int, everything: JSONValue) -> [JSONValue] {
        var filters: [JSONValue] = []
        if index > 0 { filters.append(ExportRun.onOrAfterDay("created_at", starts[index])) }
        if index + 1 < starts.count {
            filters.append(ExportRun.filter("created_at", "<", ExportRun.number(starts[index + 1])))
        }
        return filters.isEmpty ? [everything] : filters
    }
}
