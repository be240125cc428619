import IntercomAPI
import JSONText
import Synchronization

/// One piece of a partitioned export: the filters of its search, and whether a contact can move into or out of it
/// while the export runs (a split by `signed_up_at`, which can change; `created_at` never does).
struct Partition: Sendable {
    var filters: [JSONValue]
    var count: Int
    var canMove: Bool
}

/// A date field a partitioned export splits by, in whole days.
struct SplitField: Sendable {
    var name: String
    /// Whether a contact's value can change while the export runs (`created_at` cannot).
    var canMove: Bool
    /// Whether contacts can lack a value (they get a partition `= null` of their own).
    var hasNulls: Bool

    static let created = SplitField(name: "created_at", canMove: false, hasNulls: false)
    static let updated = SplitField(name: "updated_at", canMove: true, hasNulls: false)
    static let signedUp = SplitField(name: "signed_up_at", canMove: true, hasNulls: true)
}

/// Splits a workspace into partitions of about equal numbers of contacts, by what it holds rather than by the
/// calendar (issue #24): day ranges of the first field sized by their `total_count` (a search with `per_page: 1`),
/// split where a range holds too many and merged where neighbours hold few; a single day that still holds too many
/// (a migration creates every contact on one day; a nightly import updates them on one day) is split the same way
/// by the next field, and so on. Dates match whole days and at most two levels and 15 filters a group are allowed,
/// so every query is one Intercom's documented search expresses exactly.
struct PartitionPlanner: Sendable {
    let client: IntercomClient
    let role: [JSONValue]
    let concurrency: Int
    /// Contacts a partition should hold, about.
    let target: Int
    /// Filters every partition has (an incremental export's `updated_at` window).
    var base: [JSONValue] = []
    /// The fields to split by: days of the first, then each day too big by the next.
    var fields: [SplitField] = [.created, .signedUp]
    /// Contacts a page holds.
    var perPage = 150
    /// Whether to split by id where the search takes it (false: by the next date fields).
    var splitByID = true
    /// Whether search takes `$` on `id`, once asked.
    var idSuffixes = Answer()

    /// An answer found once and kept for the run.
    final class Answer: Sendable {
        private let stored: Mutex<Bool?>

        init(_ known: Bool? = nil) { stored = Mutex(known) }

        var value: Bool? {
            get { stored.withLock { $0 } }
            set { stored.withLock { $0 = newValue } }
        }
    }

    static let day = 86_400
    /// Edges of a field are searched above this time (2000-01-01), which also leaves out contacts without a value.
    static let earliest = 946_684_800

    /// The partitions of the `total` contacts whose first field lies from `oldest` to `newest` (epoch seconds).
    ///
    /// Whether ids split is asked in the same round as the first counts (when not known already), so that a day too
    /// big is split at once.
    func plan(oldest: Int, newest: Int, total: Int) async throws -> [Partition] {
        let initial = DayRanges(oldest: oldest, newest: newest, count: max(2, total / max(1, target)))
        let intervals = initial.intervals(newest: newest)
        if intervals.count <= 2 && idSuffixes.value == true && total > 2 * target {
            // A day or two (a migration's, a nightly window across midnight): days would make at most two pieces, ids
            // make even ones without a count.
            return try await byID(base, count: total, canMove: fields[0].canMove)
        }
        async let idCheck = idSuffixesWork()
        let ranges = try await sized(intervals, field: fields[0].name, base: base, total: total)
        _ = try await idCheck
        return try await partitions(of: ranges, level: 0, base: base, moved: false)
    }

    /// Each range as a partition, or, for a single day that holds too many, as its pieces by the ids' last digits
    /// (or, where the search does not take that, by the next field).
    private func partitions(of ranges: [CountedInterval], level: Int, base: [JSONValue], moved: Bool) async throws
        -> [Partition]
    {
        let canMove = moved || fields[level].canMove
        var result: [Partition] = []
        for range in ranges {
            let filters = base + range.interval.filters(fields[level].name)
            guard range.count > 2 * target && range.days == 1 else {
                result.append(Partition(filters: filters, count: range.count, canMove: canMove))
                continue
            }
            // Ids split a day evenly with no counting (and never change); dates only where ids cannot.
            if try await !idSuffixesWork() && level + 1 < fields.count,
                let pieces = try await split(filters, count: range.count, level: level + 1, moved: canMove)
            {
                result += pieces
                continue
            }
            result += try await byID(filters, count: range.count, canMove: canMove)
        }
        return result
    }

    /// A partition that no date splits any further (every contact of one day, or all without a sign-up date), split by
    /// the last hex digits of the contacts' ids (`id $ "3"`; Intercom's ids end in a counter, so the digits are about
    /// even, and an id never changes): about `count / target` pieces, each an OR of at most 15 suffixes. Unsplit
    /// when the workspace's search refuses `$` on `id` (asked once, with a count).
    private func byID(_ filters: [JSONValue], count: Int, canMove: Bool) async throws -> [Partition] {
        let pieces = Self.idPieces(count: count, perPage: perPage, workers: concurrency)
        guard pieces >= 2, try await idSuffixesWork() else {
            return [Partition(filters: filters, count: count, canMove: canMove)]
        }
        return Self.idGroups(pieces).map {
            Partition(filters: filters + [$0], count: count / pieces, canMove: canMove)
        }
    }

    /// `pieces` (a power of two up to 256) filters that split any set of contacts by the last hex digits of their ids:
    /// one hex digit gives up to 16 pieces; two give 256 suffixes, 8 or fewer a piece.
    static func idGroups(_ pieces: Int) -> [JSONValue] {
        let (digits, classes) = pieces <= 16 ? (1, 16) : (2, 256)
        return (0..<pieces).map { piece in
            ExportRun.combined(
                "OR",
                stride(from: piece, to: classes, by: pieces).map {
                    ExportRun.filter("id", "$", .string(String($0, radix: 16).leftPadded(to: digits)))
                })
        }
    }

    /// How many pieces `count` contacts are split into by id: a power of two (so that every piece holds as many of
    /// the 16 or 256 suffixes), each of at least two pages (a smaller one costs a call for what paging would fetch
    /// anyway), whose pages `workers` finish within 2 % of the fewest rounds: the most of those up to 16 (more pieces
    /// balance better when a piece or a worker is slower than the rest, but past 16 each is an OR of suffixes, which
    /// the search tests one by one); 1 when no split pays.
    static func idPieces(count: Int, perPage: Int, workers: Int) -> Int {
        var options = [(pieces: 1, rounds: (count + perPage - 1) / max(1, perPage))]
        var pieces = 2
        while pieces <= 256 && count / pieces >= 2 * perPage {
            let pages = (count / pieces + perPage) / perPage
            options.append((pieces, (pieces + workers - 1) / max(1, workers) * pages))
            pieces *= 2
        }
        let fewest = options.map(\.rounds).min() ?? 1
        let good = options.filter { $0.rounds <= fewest + fewest / 50 }.map(\.pieces)
        return good.last { $0 <= max(16, good.first ?? 1) } ?? 1
    }

    /// Whether search takes `$` on `id` (one count, asked once a run).
    private func idSuffixesWork() async throws -> Bool {
        if let known = idSuffixes.value { return known }
        let works = splitByID ? try await Self.searchTakesIDSuffixes(client, role: role) : false
        idSuffixes.value = works
        return works
    }

    /// Whether the workspace's search takes `$` on `id` (a count).
    static func searchTakesIDSuffixes(_ client: IntercomClient, role: [JSONValue]) async throws -> Bool {
        let query = ExportRun.combined("AND", role + [ExportRun.filter("id", "$", .string("0"))])
        do {
            _ = try await client.searchContacts(query: query, perPage: 1)
            return true
        } catch {
            try throwUnlessRefusedAsQuery(error)
            return false
        }
    }

    /// Returns when `error` is a search refused as a query (400, 422: not what this workspace's search takes), and
    /// throws it otherwise (it stops the export as usual).
    static func throwUnlessRefusedAsQuery(_ error: any Error) throws {
        guard let error = error as? IntercomError, case .validation = error.kind else { throw error }
    }

    /// The `count` contacts of `filters` (one day of the previous field) by day ranges of `fields[level]` between
    /// their earliest and latest values (and `= null`); nil when the pieces' counts fall well short of the day's
    /// (the day is then paged as one).
    private func split(_ filters: [JSONValue], count: Int, level: Int, moved: Bool) async throws -> [Partition]? {
        let field = fields[level]
        let known = filters + [ExportRun.filter(field.name, ">", ExportRun.number(Self.earliest))]
        let query = ExportRun.combined("AND", role + known)
        let client = self.client
        let nullFilters = filters + [ExportRun.filter(field.name, "=", .null)]
        // One round: the edges and the contacts without a value (a split by dates comes after ids were refused).
        async let first = client.searchContacts(query: query, perPage: 1, sort: (field.name, true))
        async let last = client.searchContacts(query: query, perPage: 1, sort: (field.name, false))
        async let nullCount = field.hasNulls ? counts([nullFilters])[0] : 0
        let edges = (try await first.contacts.first, try await last.contacts.first)
        let nulls = try await nullCount
        var pieces: [CountedInterval] = []
        if let low = edges.0.flatMap({ Self.value(field.name, of: $0) }),
            let high = edges.1.flatMap({ Self.value(field.name, of: $0) })
        {
            let candidates = DayRanges(oldest: low, newest: max(low, high), count: max(2, count / max(1, target)))
            pieces = try await sized(candidates.intervals(newest: max(low, high)), field: field.name, base: filters)
        }
        // Contacts that change while the pieces are counted make the sums differ a little; a large gap would mean
        // that the search does not cover the day this way, and the day is paged as one.
        guard !pieces.isEmpty, pieces.reduce(0, { $0 + $1.count }) + nulls >= count - max(10, count / 50) else {
            return nil
        }
        var result = try await partitions(of: pieces, level: level, base: filters, moved: moved)
        if field.hasNulls {
            // Contacts without the field (leads have no sign-up date) can be many: split by id when they are.
            let canMove = moved || field.canMove
            result +=
                nulls > 2 * target
                ? try await byID(nullFilters, count: nulls, canMove: canMove)
                : [Partition(filters: nullFilters, count: nulls, canMove: canMove)]
        }
        return result
    }

    /// A contact's value of one of the split fields.
    static func value(_ field: String, of contact: IntercomContact) -> Int? {
        switch field {
        case "created_at": return contact.createdAt
        case "updated_at": return contact.updatedAt
        default: return contact.signedUpAt
        }
    }

    /// `intervals` of `field` (with the filters `base`), counted, split in halves where one holds too many and spans
    /// days (each round halves the days), then merged with neighbours that together hold no more than the target.
    /// - Parameter total: the contacts of `base`, when known: a single interval holds them all and is not counted.
    private func sized(_ intervals: [DayInterval], field: String, base: [JSONValue], total: Int? = nil) async throws
        -> [CountedInterval]
    {
        var ranges =
            if let total, intervals.count == 1 {
                [CountedInterval(interval: intervals[0], count: total)]
            } else {
                try await counted(intervals, field: field, base: base)
            }
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

    private func counted(_ intervals: [DayInterval], field: String, base: [JSONValue]) async throws
        -> [CountedInterval]
    {
        let sizes = try await counts(intervals.map { base + $0.filters(field) })
        return zip(intervals, sizes).map { CountedInterval(interval: $0, count: $1) }
    }

    /// The `total_count` of each query (AND of its filters and the role's), twice `concurrency` at a time: a count is
    /// cheap, and every round of them delays the first page by a round trip.
    private func counts(_ queries: [[JSONValue]]) async throws -> [Int] {
        var results = [Int](repeating: 0, count: queries.count)
        let everything = ExportRun.roleFilter(nil)
        let role = self.role
        let client = self.client
        let width = max(2, 2 * concurrency)
        for start in stride(from: 0, to: queries.count, by: width) {
            let end = min(queries.count, start + width)
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

extension String {
    /// The string with leading zeros up to `length` characters.
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
