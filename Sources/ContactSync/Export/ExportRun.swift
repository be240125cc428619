import ContactIO
import Dispatch
import Foundation
import IntercomAPI
import JSONText

/// Pages through the workspace's contacts and writes them to a file that appears only when complete.
///
/// Three ways to page:
/// - sequential: `GET /contacts` with the cursor (or a search sorted by `created_at` with `--role`), each page
///   written as it arrives;
/// - partitioned (`concurrency > 1`): disjoint `created_at` ranges of whole days, each paged by search in parallel
///   into a spool file, the spools appended to the output in range order as soon as every earlier one is done;
/// - incremental (`updatedSince`): a search on `updated_at` from the day before (date search is day-granular, in
///   the workspace's time zone), keeping exactly the contacts updated at or after the time, each id once.
public enum ExportRun {
    /// Exports to `path` (`-` for stdout) and returns what it did.
    /// - Throws: ``ExportError`` or the client's ``IntercomError``; the output is then removed (nothing at `path`).
    public static func run(
        client: IntercomClient, options: ExportOptions, path: String, control: ExportControl = ExportControl()
    ) async throws -> ExportSummary {
        let started = DispatchTime.now()
        let before = client.statistics
        var summary = ExportSummary(output: path == "-" ? "<stdout>" : path, format: options.format)
        summary.updatedSince = options.updatedSince
        summary.updatedSinceIsBareDate = options.updatedSinceIsBareDate
        let columns = try await columns(client: client, options: options)
        let relations = try await ExportRelations.load(client: client, columns: columns, format: options.format)
        let encoder = ContactEncoder(options: options, columns: columns, relations: relations)
        let file = try OutputFile(path: path)
        do {
            let sink: ByteSink =
                options.gzip || path.lowercased().hasSuffix(".gz") ? try GzipSink(next: file, name: path) : file
            let output = LockedSink(sink)
            if options.format == .csv {
                var header: [UInt8] = []
                CSVWriter.appendRow(columns.names, to: &header)
                try output.write(header)
            }
            if let since = options.updatedSince {
                try await incremental(
                    client, options, since: since, encoder, output, control, spoolNear: path, &summary)
            } else if options.concurrency > 1 && options.role == nil {
                // The plain listing's first page says how many contacts there are: a workspace that pages in fewer
                // rounds than partitioning costs is listed on from that page, so it is never slower than sequential.
                let first = try await client.listContacts(perPage: options.perPage, startingAfter: nil)
                if let total = first.totalCount, !partitioningPays(total: total, options) {
                    summary.sequentialBecause =
                        "\(total) contacts page in \(max(1, (total + options.perPage - 1) / options.perPage)) calls, "
                        + "fewer than partitioning takes"
                    try await sequential(
                        client, options, encoder, output, control, &summary,
                        first: try await encoder.relations.complete(first, client: client))
                } else {
                    try await partitioned(
                        client, options, encoder, output, control, spoolNear: path,
                        edges: try await createdEdges(client, options), &summary)
                }
            } else if options.concurrency > 1 {
                try await partitioned(
                    client, options, encoder, output, control, spoolNear: path,
                    edges: try await createdEdges(client, options), &summary)
            } else {
                try await sequential(client, options, encoder, output, control, &summary)
            }
            try output.finish()
        } catch {
            file.abort()
            throw error
        }
        summary.pages = control.pages
        summary.statistics = client.statistics.since(before)
        summary.elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    /// The columns: from the workspace's custom attributes for CSV (and for NDJSON with `--fields`).
    static func columns(client: IntercomClient, options: ExportOptions) async throws -> ExportColumns {
        guard options.format == .csv || options.fields != nil else { return try ExportColumns(custom: []) }
        var custom: [(name: String, dataType: String)] = []
        for item in try await client.dataAttributes(model: "contact") where item["custom"] == .bool(true) {
            if let name = item["name"]?.stringValue {
                custom.append((name, item["data_type"]?.stringValue ?? "string"))
            }
        }
        return try ExportColumns(custom: custom, fields: options.fields)
    }

    // MARK: Queries

    static func filter(_ field: String, _ operation: String, _ value: JSONValue) -> JSONValue {
        .object(["field": .string(field), "operator": .string(operation), "value": value])
    }

    /// A group of filters (a single one stands alone).
    static func combined(_ operation: String, _ items: [JSONValue]) -> JSONValue {
        items.count == 1 ? items[0] : .object(["operator": .string(operation), "value": .array(items)])
    }

    static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    /// Contacts of the chosen role, or of both.
    static func roleFilter(_ role: String?) -> JSONValue {
        chosenRole(role).first ?? filter("role", "IN", .array([.string("user"), .string("lead")]))
    }

    /// The filter of the chosen role, if one was chosen (to AND with others).
    static func chosenRole(_ role: String?) -> [JSONValue] {
        role.map { [filter("role", "=", .string($0))] } ?? []
    }

    /// `field` on the day of `day` or later (`>` alone would skip the rest of that day).
    static func onOrAfterDay(_ field: String, _ day: Int) -> JSONValue {
        combined("OR", [filter(field, "=", number(day)), filter(field, ">", number(day))])
    }

    /// Whether paging `total` contacts in parallel ranges takes fewer rounds of calls than one cursor: partitioning
    /// costs two probes, then at least one search per range besides the pages, `concurrency` at a time.
    public static func partitioningPays(total: Int, _ options: ExportOptions) -> Bool {
        let pages = max(1, (total + options.perPage - 1) / options.perPage)
        let ranges = options.concurrency * options.rangesPerWorker
        let partitionedRounds = 2 + (pages + ranges + options.concurrency - 1) / options.concurrency
        return partitionedRounds < pages
    }

    // MARK: Sequential

    /// - Parameter first: the listing's first page, when it was fetched already.
    private static func sequential(
        _ client: IntercomClient, _ options: ExportOptions, _ encoder: ContactEncoder, _ output: LockedSink,
        _ control: ExportControl, _ summary: inout ExportSummary, first: ContactPage? = nil
    ) async throws {
        // No set of ids here, so memory stays flat over a million contacts: the list cursor (and a search sorted by
        // created_at, which never changes) continues after the last contact of the page, so a contact created or
        // updated meanwhile cannot come twice.
        try await pages(control, output, &summary, first: first) { cursor in
            try await encoder.relations.complete(
                options.role == nil
                    ? try await client.listContacts(perPage: options.perPage, startingAfter: cursor)
                    : try await client.searchContacts(
                        query: roleFilter(options.role), perPage: options.perPage, startingAfter: cursor,
                        sort: ("created_at", true)), client: client)
        } each: { page, index, buffer, summary in
            encoder.append(page, at: index, to: &buffer)
            summary.contacts += 1
        }
    }

    /// Pages until the cursor ends: each page's contacts go through `each` into one buffer, written at once.
    ///
    /// The next page is asked for as soon as a page's cursor is known, and arrives while this one is encoded and
    /// written: one page in flight, but the two cores render, parse and write at the same time.
    private static func pages(
        _ control: ExportControl, _ output: LockedSink, _ summary: inout ExportSummary, first: ContactPage? = nil,
        fetch: @escaping @Sendable (String?) async throws -> ContactPage,
        each: (ContactPage, Int, inout [UInt8], inout ExportSummary) -> Void
    ) async throws {
        var buffer: [UInt8] = []
        try checkStopped(control)
        var page: ContactPage
        if let first { page = first } else { page = try await fetch(nil) }
        while true {
            control.pageCount.add(1, ordering: .relaxed)
            if summary.totalCount == nil, let total = page.totalCount {
                summary.totalCount = total
                control.expected.store(total, ordering: .relaxed)
            }
            let next: Task<ContactPage, any Error>? = page.nextCursor.map { cursor in Task { try await fetch(cursor) } }
            do {
                buffer.removeAll(keepingCapacity: true)
                for index in page.contacts.indices { each(page, index, &buffer, &summary) }
                try output.write(buffer)
                control.written.store(summary.contacts, ordering: .relaxed)
                try checkStopped(control)
            } catch {
                next?.cancel()
                throw error
            }
            guard let next else { return }
            page = try await next.value
        }
    }

    // MARK: Incremental

    /// Contacts updated at or after `since`: one search on `updated_at` from the day before (the search matches whole
    /// days in the workspace's time zone, which may be behind UTC), or, with `--concurrency` and enough of them, that
    /// window partitioned by `updated_at`, then `created_at` and `signed_up_at` days.
    private static func incremental(
        _ client: IntercomClient, _ options: ExportOptions, since: Int, _ encoder: ContactEncoder,
        _ output: LockedSink, _ control: ExportControl, spoolNear path: String, _ summary: inout ExportSummary
    ) async throws {
        let window = onOrAfterDay("updated_at", since - 86_400)
        let query = combined("AND", chosenRole(options.role) + [window])
        let fetch: @Sendable (String?) async throws -> ContactPage = { cursor in
            try await client.searchContacts(
                query: query, perPage: options.perPage, startingAfter: cursor, sort: ("updated_at", true))
        }
        // With --concurrency, the first page of each id piece of the window is asked for with the window's own first
        // page: when the window is more than a page, they are the partitions' first pages (a round saved); a refusal
        // says that ids do not split here; a window of one page wastes them (calls, not time).
        let groups = options.splitByID ? idGroups(options) : []
        async let pieceFirsts = firstPages(client, encoder, control, options, window: window, groups: groups)
        var first = try await fetch(nil)
        let speculated = try await pieceFirsts
        if let speculated, first.nextCursor != nil, let total = first.totalCount {
            let scope = PartitionScope(
                base: [window], fields: [.updated], oldest: since, newest: since, total: total, since: since,
                idSplit: true, preset: zip(groups, speculated).map { ($0, $1) })
            try await partitioned(client, options, encoder, output, control, spoolNear: path, scope, &summary)
            return
        }
        // The first page says how many contacts the window holds; one that pages in fewer rounds than partitioning
        // costs is paged on from it.
        if options.concurrency > 1, let total = first.totalCount {
            if partitioningPays(total: total, options), let oldest = first.contacts.first?.updatedAt {
                // The window ends now: its last range is open above, so the newest contact need not be asked for.
                let scope = PartitionScope(
                    base: [window], fields: [.updated, .created, .signedUp], oldest: oldest,
                    // Here ids do not split (not wanted, or refused): a window that they split was paged above.
                    newest: max(oldest, Int(client.now)), total: total, since: since, idSplit: false)
                try await partitioned(client, options, encoder, output, control, spoolNear: path, scope, &summary)
                return
            }
            summary.sequentialBecause =
                "\(total) contacts updated since the day before page in "
                + "\(max(1, (total + options.perPage - 1) / options.perPage)) calls, fewer than partitioning takes"
        }
        first = try await encoder.relations.complete(first, client: client)
        var seen = Set<String>()
        try await pages(control, output, &summary, first: first) { cursor in
            try await encoder.relations.complete(try await fetch(cursor), client: client)
        } each: { page, index, buffer, summary in
            let contact = page.contacts[index]
            guard contact.updatedAt >= since else {
                summary.olderDropped += 1
                return
            }
            // A contact updated during the export moves to a later page: written once, at its first sight.
            guard seen.insert(contact.id).inserted else {
                summary.duplicatesDropped += 1
                return
            }
            encoder.append(page, at: index, to: &buffer)
            summary.contacts += 1
            summary.newestUpdate = max(summary.newestUpdate ?? contact.updatedAt, contact.updatedAt)
        }
    }

    // MARK: Partitioned

    /// What a partitioned export covers and how it is split.
    struct PartitionScope: Sendable {
        /// Filters every partition has (the incremental window).
        var base: [JSONValue] = []
        var fields: [SplitField] = [.created, .signedUp]
        /// The first field's oldest and newest values, and the contacts in scope.
        var oldest: Int
        var newest: Int
        var total: Int
        /// Incremental: contacts updated before this are left out.
        var since: Int?
        /// Whether the search splits by id, when asked already.
        var idSplit: Bool?
        /// The partitions when chosen already (id pieces), with their first pages.
        var preset: [(filter: JSONValue, first: ContactPage)]?
    }

    /// The id pieces a window is split into at once: as many as the workers, a power of two up to 16 (one suffix or
    /// two a piece); none without concurrency.
    static func idGroups(_ options: ExportOptions) -> [JSONValue] {
        var pieces = 1
        while pieces * 2 <= min(16, options.concurrency) { pieces *= 2 }
        return pieces > 1 ? PartitionPlanner.idGroups(pieces) : []
    }

    /// The first page of each id piece of `window` (sorted by `created_at`), at the same time; nil when there are no
    /// pieces or the search refuses `$` on `id`.
    private static func firstPages(
        _ client: IntercomClient, _ encoder: ContactEncoder, _ control: ExportControl, _ options: ExportOptions,
        window: JSONValue, groups: [JSONValue]
    ) async throws -> [ContactPage]? {
        guard !groups.isEmpty else { return nil }
        do {
            return try await withThrowingTaskGroup(of: (Int, ContactPage).self) { group in
                for (index, piece) in groups.enumerated() {
                    let query = combined("AND", chosenRole(options.role) + [window, piece])
                    group.addTask {
                        (
                            index,
                            try await searchPage(
                                client, encoder, control, query: query, perPage: options.perPage, after: nil,
                                sort: ("created_at", true))
                        )
                    }
                }
                var pages = [ContactPage?](repeating: nil, count: groups.count)
                for try await (index, page) in group { pages[index] = page }
                return pages.compactMap { $0 }
            }
        } catch {
            try PartitionPlanner.throwUnlessRefusedAsQuery(error)
            return nil
        }
    }

    /// What paging a partition did.
    struct PartitionCounts: Sendable {
        var written = 0
        var older = 0
        var newest: Int?

        mutating func add(_ other: PartitionCounts) {
            written += other.written
            older += other.older
            newest = [newest, other.newest].compactMap { $0 }.max()
        }
    }

    /// The oldest and the newest contact by `created_at` (one-contact searches), and whether the search splits by id,
    /// all at the same time.
    private static func createdEdges(_ client: IntercomClient, _ options: ExportOptions) async throws
        -> (first: ContactPage, last: ContactPage, idSplit: Bool)
    {
        let everything = roleFilter(options.role)
        async let firstPage = client.searchContacts(query: everything, perPage: 1, sort: ("created_at", true))
        async let lastPage = client.searchContacts(query: everything, perPage: 1, sort: ("created_at", false))
        async let idSplit =
            options.splitByID
            ? PartitionPlanner.searchTakesIDSuffixes(client, role: chosenRole(options.role)) : false
        return try await (firstPage, lastPage, idSplit)
    }

    /// Every contact, split by `created_at` days (then `signed_up_at` days for a day too big).
    private static func partitioned(
        _ client: IntercomClient, _ options: ExportOptions, _ encoder: ContactEncoder, _ output: LockedSink,
        _ control: ExportControl, spoolNear path: String,
        edges: (first: ContactPage, last: ContactPage, idSplit: Bool), _ summary: inout ExportSummary
    ) async throws {
        let (first, last, idSplit) = edges
        control.pageCount.add(2, ordering: .relaxed)
        guard let oldest = first.contacts.first?.createdAt, let newest = last.contacts.first?.createdAt else {
            summary.totalCount = first.totalCount
            return
        }
        let scope = PartitionScope(oldest: oldest, newest: newest, total: first.totalCount ?? 0, idSplit: idSplit)
        try await partitioned(client, options, encoder, output, control, spoolNear: path, scope, &summary)
    }

    /// Pages the partitions of `scope` in parallel, each into a spool appended to the output in order.
    ///
    /// Where a contact can move between partitions (a split by a field that can change), writes are de-duplicated by
    /// id and a catch-up search for contacts updated since the start writes one that moved past its partition.
    private static func partitioned(
        _ client: IntercomClient, _ options: ExportOptions, _ encoder: ContactEncoder, _ output: LockedSink,
        _ control: ExportControl, spoolNear path: String, _ scope: PartitionScope, _ summary: inout ExportSummary
    ) async throws {
        summary.totalCount = scope.total
        control.expected.store(scope.total, ordering: .relaxed)
        // Ten minutes of margin for search-index lag and a server clock ahead of ours (the catch-up reads the
        // contacts updated since, newest first, and drops by id what was written already).
        let started = Int(client.now) - ExportBookmark.lag
        let planner = PartitionPlanner(
            client: client, role: chosenRole(options.role), concurrency: options.concurrency,
            // Partitions of at least four pages: a smaller one spends a probe and a part page for little.
            target: max(4 * options.perPage, scope.total / max(1, options.concurrency * options.rangesPerWorker)),
            base: scope.base, fields: scope.fields, perPage: options.perPage, splitByID: options.splitByID,
            idSuffixes: PartitionPlanner.Answer(scope.idSplit))
        let partitions =
            if let preset = scope.preset {
                preset.map {
                    Partition(filters: scope.base + [$0.filter], count: $0.first.totalCount ?? 0, canMove: true)
                }
            } else {
                try await planner.plan(oldest: scope.oldest, newest: scope.newest, total: scope.total)
            }
        summary.ranges = partitions.count
        let movable = partitions.contains(where: \.canMove)
        // Where no contact can move (only a full export's partitions, by created_at days and ids), a partition can
        // still miss one created while it is paged (after its cursor has passed the end): only those are kept by id,
        // and looked for at the end: created at or after the newest contact at the start (the server's clock).
        let createdFrom = scope.newest
        let written = WrittenIDs()
        let directory = path == "-" || !path.contains("/") ? "." : String(path[..<path.lastIndex(of: "/")!])
        let merger = RangeMerger(count: partitions.count, output: output, directory: directory)
        defer { merger.removeSpools() }
        let counts = try await withThrowingTaskGroup(of: PartitionCounts.self) { group in
            for _ in 0..<min(options.concurrency, partitions.count) {
                group.addTask {
                    var counts = PartitionCounts()
                    while let index = merger.claim() {
                        let filters = chosenRole(options.role) + partitions[index].filters
                        let query = filters.isEmpty ? roleFilter(nil) : combined("AND", filters)
                        let spool = try merger.spool(index)
                        let paged = try await page(
                            client, query: query, options: options, encoder: encoder, into: spool, control: control,
                            since: scope.since, written: written, onlyCreatedFrom: movable ? nil : createdFrom,
                            first: scope.preset?[index].first)
                        try merger.complete(index, contacts: paged.written)
                        counts.add(paged)
                    }
                    return counts
                }
            }
            var total = PartitionCounts()
            for try await counts in group { total.add(counts) }
            return total
        }
        summary.contacts = merger.contacts
        summary.olderDropped = counts.older
        summary.newestUpdate = counts.newest
        await control.partitionsDone?()
        // Split by id where the search takes it, so that many recent changes (an export started just after an import,
        // within the margin for search-index lag) are read in one round and not page after page.
        let pieces = planner.idSuffixes.value == true ? idGroups(options) : []
        let groups: [JSONValue?] = pieces.isEmpty ? [nil] : pieces
        let caught = try await withThrowingTaskGroup(of: PartitionCounts.self) { group in
            for piece in groups {
                group.addTask {
                    try await catchUp(
                        client, options, encoder, output, control, written: written,
                        from: movable ? ("updated_at", started) : ("created_at", createdFrom), since: scope.since,
                        piece: piece)
                }
            }
            var total = PartitionCounts()
            for try await counts in group { total.add(counts) }
            return total
        }
        summary.contacts += caught.written
        summary.newestUpdate = [summary.newestUpdate, caught.newest].compactMap { $0 }.max()
        summary.duplicatesDropped = written.duplicates
    }

    /// Writes the contacts updated (or created) at or after `from` that no partition wrote: one that moved from a
    /// partition not paged yet into one paged already (or was created after its partition was paged).
    ///
    /// Newest first, stopping at the first one older than `from` (the date filter alone matches whole days,
    /// and a workspace imported today would be read again whole). A contact updated while a pass pages jumps ahead
    /// of its cursor, so a pass of more than one page is followed by one for contacts updated at or after the
    /// newest it saw (one call when there are none).
    /// - Parameter piece: the filter of one of the pieces read at the same time (by id), if any.
    private static func catchUp(
        _ client: IntercomClient, _ options: ExportOptions, _ encoder: ContactEncoder, _ output: LockedSink,
        _ control: ExportControl, written: WrittenIDs, from: (field: String, time: Int), since: Int?,
        piece: JSONValue?
    ) async throws -> PartitionCounts {
        var counts = PartitionCounts()
        var threshold = from.time
        var buffer: [UInt8] = []
        for _ in 0..<8 {
            let query = combined(
                "AND",
                chosenRole(options.role) + [onOrAfterDay(from.field, threshold - 86_400)] + [piece].compactMap { $0 })
            var cursor: String?
            var pages = 0
            var newest = threshold
            repeat {
                let page = try await searchPage(
                    client, encoder, control, query: query, perPage: options.perPage, after: cursor,
                    sort: (from.field, false))
                pages += 1
                cursor = page.nextCursor
                buffer.removeAll(keepingCapacity: true)
                let before = counts.written
                for (index, contact) in page.contacts.enumerated() {
                    guard let value = PartitionPlanner.value(from.field, of: contact), value >= threshold else {
                        cursor = nil
                        break
                    }
                    newest = max(newest, value)
                    guard contact.updatedAt >= since ?? Int.min, written.insert(contact.id) else { continue }
                    encoder.append(page, at: index, to: &buffer)
                    counts.written += 1
                    counts.newest = max(counts.newest ?? contact.updatedAt, contact.updatedAt)
                }
                try output.write(buffer)
                control.written.add(counts.written - before, ordering: .relaxed)
            } while cursor != nil
            guard pages > 1 else { break }
            threshold = newest
        }
        return counts
    }

    /// Pages one partition into its spool, sorted by `created_at`, which never changes: the cursor continues after
    /// the page's last contact, so no contact comes twice within it and no set of ids is needed for partitions that
    /// contacts cannot leave (eight ranges in flight over a million contacts held 40 MB of them).
    /// - Parameters:
    ///   - since: incremental: contacts updated before it are counted and left out.
    ///   - written: the ids written so far (with `onlyCreatedFrom`, of the contacts created at or after it): a contact
    ///     already written is not written again.
    private static func page(
        _ client: IntercomClient, query: JSONValue, options: ExportOptions, encoder: ContactEncoder,
        into spool: SpoolFile, control: ExportControl, since: Int?, written: WrittenIDs, onlyCreatedFrom: Int?,
        first: ContactPage? = nil
    ) async throws -> PartitionCounts {
        var cursor: String?
        var buffer: [UInt8] = []
        var counts = PartitionCounts()
        repeat {
            let page =
                if cursor == nil, let first {
                    first
                } else {
                    try await searchPage(
                        client, encoder, control, query: query, perPage: options.perPage, after: cursor,
                        sort: ("created_at", true))
                }
            buffer.removeAll(keepingCapacity: true)
            var count = 0
            for (index, contact) in page.contacts.enumerated() {
                if let since, contact.updatedAt < since {
                    counts.older += 1
                    continue
                }
                if contact.createdAt >= onlyCreatedFrom ?? Int.min, !written.insert(contact.id) { continue }
                encoder.append(page, at: index, to: &buffer)
                count += 1
                counts.newest = max(counts.newest ?? contact.updatedAt, contact.updatedAt)
            }
            try spool.write(buffer)
            counts.written += count
            control.written.add(count, ordering: .relaxed)
            cursor = page.nextCursor
        } while cursor != nil
        return counts
    }

    /// One page of a search, its tag and company lists completed, counted (unless the export was stopped).
    private static func searchPage(
        _ client: IntercomClient, _ encoder: ContactEncoder, _ control: ExportControl, query: JSONValue, perPage: Int,
        after cursor: String?, sort: (String, Bool)
    ) async throws -> ContactPage {
        try checkStopped(control)
        let page = try await encoder.relations.complete(
            try await client.searchContacts(query: query, perPage: perPage, startingAfter: cursor, sort: sort),
            client: client)
        control.pageCount.add(1, ordering: .relaxed)
        return page
    }

    private static func checkStopped(_ control: ExportControl) throws {
        if control.isStopped { throw ExportError("the export was interrupted; no file was written") }
    }
}
