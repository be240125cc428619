import IntercomAPI
import JSONText

/// One piece of a partitioned export: the filters of its search, and whether a contact can move into or out of it
/// while the export runs (a split by `signed_up_at`, which can change; `created_at` never does).
struct Partition: Sendable {
    var filters: [JSONValue]
    var count: Int
    var canMove: Bool
}

/// Splits a workspace into partitions of about equal numbers of contacts, by what it holds rather than by the
/// calendar (issue #24): `created_at` day ranges sized by their `total_count` (a search with `per_page: 1`), split
/// where a range holds too many and merged where neighbours hold few; a single day that still holds too many (a
/// migration creates every contact on one day) is split by `signed_up_at` day ranges plus `signed_up_at = null`,
/// which Intercom's search expresses exactly (dates match whole days; at most two levels and 15 filters a group).
struct PartitionPlanner: Sendable {
    let client: IntercomClient
    let role: [JSONValue]
    let concurrency: Int
    /// Contacts a partition should hold, about.
    let target: Int

    static let day = 86_400
    /// `signed_up_at` candidates reach back this far (2000-01-01).
    static let earliestSignUp = 946_684_800

    /// The partitions of the contacts created from `oldest` to `newest` (epoch seconds), `total` of them.
    func plan(oldest: Int, newest: Int, total: Int) async throws -> [Partition] {
        let initial = DayRanges(oldest: oldest, newest: newest, count: max(2, total / max(1, target)))
        var partitions: [Partition] = []
        for range in try await sized(initial.intervals(newest: newest), field: "created_at", base: []) {
            if range.count > 2 * target && range.days == 1, let pieces = try await bySignUp(range) {
                partitions += pieces
            } else {
                partitions.append(
                    Partition(filters: range.interval.filters("created_at"), count: range.count, canMove: false))
            }
        }
        return partitions
    }

    /// `intervals` of `field` (with the filters `base`), counted, split in halves where one holds too many and spans
    /// days (each round halves the days), then merged with neighbours that together hold no more than the target.
    private func sized(_ intervals: [DayInterval], field: String, base: [JSONValue]) async throws
        -> [CountedInterval]
    {
        var ranges = try await counted(intervals, field: field, base: base)
        for _ in 0..<16 {
            let big = Set(ranges.indices.filter { ranges[$0].count > 2 * target && ranges[$0].days > 1 })
            guard !big.isEmpty else { break }
            let halves = try await counted(
                big.sorted().flatMap { ranges[$0].interval.halves() }, field: field, base: base)
            var next: [CountedInterval] = []
            var position = 0
            for (index, range) in ranges.enumerated() {
                if big.contains(index) {
                    next += halves[position..<position + 2]
                    position += 2
                } else {
                    next.append(range)
                }
            }
            ranges = next
        }
        var merged: [CountedInterval] = []
        for range in ranges {
            if let last = merged.last, last.count + range.count <= target {
                merged[merged.count - 1] = CountedInterval(
                    interval: DayInterval(
                        from: last.interval.from, to: range.interval.to, low: last.interval.low,
                        high: range.interval.high),
                    count: last.count + range.count)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// A single day's contacts by `signed_up_at` day ranges and `= null`; nil when the pieces' counts fall well short
    /// of the day's (the day is then paged as one).
    private func bySignUp(_ range: CountedInterval) async throws -> [Partition]? {
        let dayFilters = range.interval.filters("created_at")
        // The day's earliest and latest sign-up dates (`>` a date long past leaves out the contacts without one),
        // then ranges of about equal days between them, sized by their counts like created_at's.
        let known = dayFilters + [ExportRun.filter("signed_up_at", ">", ExportRun.number(Self.earliestSignUp))]
        let role = self.role
        func edge(_ ascending: Bool) async throws -> Int? {
            let query = ExportRun.combined("AND", role + known)
            let page = try await client.searchContacts(query: query, perPage: 1, sort: ("signed_up_at", ascending))
            return page.contacts.first?.signedUpAt
        }
        let earliest = try await edge(true) ?? Self.earliestSignUp
        let latest = try await edge(false) ?? range.interval.high
        let candidates = DayRanges(
            oldest: earliest, newest: max(earliest, latest), count: max(2, 2 * range.count / max(1, target))
        ).intervals(newest: max(earliest, latest))
        let pieces = try await sized(candidates, field: "signed_up_at", base: dayFilters)
        let nullFilters = dayFilters + [ExportRun.filter("signed_up_at", "=", .null)]
        let nulls = try await counts([nullFilters])[0]
        // Contacts that change while the pieces are counted make the sums differ a little; a large gap would mean
        // that the search does not cover the day this way, and the day is paged as one.
        guard pieces.reduce(0, { $0 + $1.count }) + nulls >= range.count - max(10, range.count / 50) else {
            return nil
        }
        return pieces.map { piece(dayFilters, $0.interval, $0.count) }
            + [Partition(filters: nullFilters, count: nulls, canMove: true)]
    }

    private func piece(_ dayFilters: [JSONValue], _ interval: DayInterval, _ count: Int) -> Partition {
        Partition(filters: dayFilters + interval.filters("signed_up_at"), count: count, canMove: true)
    }

    private func counted(_ intervals: [DayInterval], field: String, base: [JSONValue]) async throws
        -> [CountedInterval]
    {
        let sizes = try await counts(intervals.map { base + $0.filters(field) })
        return zip(intervals, sizes).map { CountedInterval(interval: $0, count: $1) }
    }

    /// The `total_count` of each query (AND of its filters and the role's), `concurrency` at a time.
    private func counts(_ queries: [[JSONValue]]) async throws -> [Int] {
        var results = [Int](repeating: 0, count: queries.count)
        let everything = ExportRun.roleFilter(nil)
        let role = self.role
        let client = self.client
        for start in stride(from: 0, to: queries.count, by: max(1, concurrency)) {
            let end = min(queries.count, start + max(1, concurrency))
            try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in start..<end {
                    let filters = role + queries[index]
                    let query = ExportRun.combined("AND", filters.isEmpty ? [everything] : filters)
                    group.addTask {
                        (index, try await client.searchContacts(query: query, perPage: 1).totalCount ?? 0)
                    }
                }
                for try await (index, count) in group { results[index] = count }
            }
        }
        return results
    }
}

/// Whole days from `from` (the UTC midnight it starts at; nil: unbounded below) to before `to` (nil: unbounded
/// above), and the days its contacts are known to lie in (`low` to before `high`), where it is split.
struct DayInterval: Sendable, Equatable {
    var from: Int?
    var to: Int?
    var low: Int
    var high: Int

    init(from: Int?, to: Int?, low: Int? = nil, high: Int? = nil) {
        self.from = from
        self.to = to
        self.low = low ?? from ?? (to ?? 0) - PartitionPlanner.day
        self.high = high ?? to ?? self.low + PartitionPlanner.day
    }

    /// The date filters on `field` (day-granular: `>` the day before `from`, `<` the day of `to`).
    func filters(_ field: String) -> [JSONValue] {
        var filters: [JSONValue] = []
        if let from { filters.append(ExportRun.onOrAfterDay(field, from)) }
        if let to { filters.append(ExportRun.filter(field, "<", ExportRun.number(to))) }
        return filters
    }

    /// Two intervals split at the middle day of the known span; the open ends stay open.
    func halves() -> [DayInterval] {
        let middle = low + ((high - low) / PartitionPlanner.day / 2) * PartitionPlanner.day
        return [
            DayInterval(from: from, to: middle, low: low, high: middle),
            DayInterval(from: middle, to: to, low: middle, high: high),
        ]
    }
}

struct CountedInterval: Sendable {
    var interval: DayInterval
    var count: Int

    /// Days its contacts can lie in.
    var days: Int { max(1, (interval.high - interval.low) / PartitionPlanner.day) }
}

extension DayRanges {
    /// The ranges as intervals, the first unbounded below and the last unbounded above (their contacts lie from
    /// the first start to the day after `newest`).
    func intervals(newest: Int) -> [DayInterval] {
        let end = (newest / PartitionPlanner.day + 1) * PartitionPlanner.day
        return starts.indices.map { index in
            let high = index + 1 < starts.count ? starts[index + 1] : max(end, starts[index] + PartitionPlanner.day)
            return DayInterval(
                from: index == 0 ? nil : starts[index], to: index + 1 < starts.count ? starts[index + 1] : nil,
                low: starts[index], high: high)
        }
    }
}
