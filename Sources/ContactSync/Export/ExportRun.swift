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
        let relations = try await ExportRelations.load(client: client, columns: columns)
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
                if options.concurrency > 1 {
                    summary.sequentialBecause = "an incremental export pages one updated_at search"
                }
                try await incremental(client, options, since: since, encoder, output, control, &summary)
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
                    try await partitioned(client, options, encoder, output, control, spoolNear: path, &summary)
                }
            } else if options.concurrency > 1 {
                try await partitioned(client, options, encoder, output, control, spoolNear: path, &summary)
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

    private static func incremental(
        _ client: IntercomClient, _ options: ExportOptions, since: Int, _ encoder: ContactEncoder,
        _ output: LockedSink, _ control: ExportControl, _ summary: inout ExportSummary
    ) async throws {
        // From the day before: the search matches whole days in the workspace's time zone, which may be behind UTC.
        let query = combined("AND", chosenRole(options.role) + [onOrAfterDay("updated_at", since - 86_400)])
        var seen = Set<String>()
        try await pages(control, output, &summary) { cursor in
            try await encoder.relations.complete(
                try await client.searchContacts(
                    query: query, perPage: options.perPage, startingAfter: cursor, sort: ("updated_at", true)),
                client: client)
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

    private static func partitioned(
        _ client: IntercomClient, _ options: ExportOptions, _ encoder: ContactEncoder, _ output: LockedSink,
        _ control: ExportControl, spoolNear path: String, _ summary: inout ExportSummary
    ) async throws {
        let everything = roleFilter(options.role)
        let first = try await client.searchContacts(query: everything, perPage: 1, sort: ("created_at", true))
        let last = try await client.searchContacts(query: everything, perPage: 1, sort: ("created_at", false))
        control.pageCount.add(2, ordering: .relaxed)
        summary.totalCount = first.totalCount
        control.expected.store(first.totalCount ?? -1, ordering: .relaxed)
        guard let oldest = first.contacts.first?.createdAt, let newest = last.contacts.first?.createdAt else { return }
        // Ten minutes of margin for a server clock ahead of ours (what the catch-up writes again is dropped by id).
        let started = Int(client.now) - 600
        let total = first.totalCount ?? 0
        let planner = PartitionPlanner(
            client: client, role: chosenRole(options.role), concurrency: options.concurrency,
            target: max(options.perPage, total / max(1, options.concurrency * options.rangesPerWorker)))
        let partitions = try await planner.plan(oldest: oldest, newest: newest, total: total)
        summary.ranges = partitions.count
        // A contact can move between partitions split by signed_up_at (it can change): those are written once, by
        // id, and a catch-up search for contacts updated since the start finds one that moved past its partition.
        let movable = partitions.contains(where: \.canMove)
        let written = WrittenIDs()
        let directory = path == "-" || !path.contains("/") ? "." : String(path[..<path.lastIndex(of: "/")!])
        let merger = RangeMerger(count: partitions.count, output: output, directory: directory)
        defer { merger.removeSpools() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<min(options.concurrency, partitions.count) {
                group.addTask {
                    while let index = merger.claim() {
                        let filters = chosenRole(options.role) + partitions[index].filters
                        let query = filters.isEmpty ? everything : combined("AND", filters)
                        let spool = try merger.spool(index)
                        let count = try await page(
                            client, query: query, options: options, encoder: encoder, into: spool, control: control,
                            written: movable ? written : nil)
                        try merger.complete(index, contacts: count)
                    }
                }
            }
            try await group.waitForAll()
        }
        summary.contacts = merger.contacts
        guard movable else { return }
        // Contacts updated since the start (day-granular search, then exact): one that moved from a partition not
        // paged yet into one paged already is written here; one written already is not written again.
        let catchUp = combined("AND", chosenRole(options.role) + [onOrAfterDay("updated_at", started - 86_400)])
        var cursor: String?
        var buffer: [UInt8] = []
        repeat {
            try checkStopped(control)
            let page = try await encoder.relations.complete(
                try await client.searchContacts(
                    query: catchUp, perPage: options.perPage, startingAfter: cursor, sort: ("updated_at", true)),
                client: client)
            control.pageCount.add(1, ordering: .relaxed)
            buffer.removeAll(keepingCapacity: true)
            for (index, contact) in page.contacts.enumerated()
            where contact.updatedAt >= started && written.insert(contact.id) {
                encoder.append(page, at: index, to: &buffer)
                summary.contacts += 1
            }
            try output.write(buffer)
            cursor = page.nextCursor
        } while cursor != nil
        summary.duplicatesDropped = written.duplicates
    }

    /// Pages one range into its spool, sorted by `created_at`, which never changes: the cursor continues after the
    /// page's last contact, so no contact comes twice and no set of ids is needed (eight ranges in flight over a
    /// million contacts held 40 MB of them).
    /// - Parameter written: the ids written so far, when contacts can move between partitions: a contact already
    ///   written is not written again.
    private static func page(
        _ client: IntercomClient, query: JSONValue, options: ExportOptions, encoder: ContactEncoder,
        into spool: SpoolFile, control: ExportControl, written: WrittenIDs? = nil
    ) async throws -> Int {
        var cursor: String?
        var buffer: [UInt8] = []
        var total = 0
        repeat {
            try checkStopped(control)
            let page = try await encoder.relations.complete(
                try await client.searchContacts(
                    query: query, perPage: options.perPage, startingAfter: cursor, sort: ("created_at", true)),
                client: client)
            control.pageCount.add(1, ordering: .relaxed)
            buffer.removeAll(keepingCapacity: true)
            var count = 0
            for index in page.contacts.indices where written?.insert(page.contacts[index].id) ?? true {
                encoder.append(page, at: index, to: &buffer)
                count += 1
            }
            try spool.write(buffer)
            total += count
            control.written.add(count, ordering: .relaxed)
            cursor = page.nextCursor
        } while cursor != nil
        return total
    }

    private static func checkStopped(_ control: ExportControl) throws {
        if control.isStopped { throw ExportError("the export was interrupted; no file was written") }
    }
}
