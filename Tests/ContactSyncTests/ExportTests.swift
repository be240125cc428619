import ContactIO
import ContactMapping
import ContactSync
import Foundation
import IntercomAPI
import IntercomSandbox
import JSONText
import SandboxTestSupport
import Testing

/// `export`: complete, exact, in order, incremental without gaps (issue #7).
struct ExportTests {
    static func options(_ change: (inout ExportOptions) -> Void = { _ in }) -> ExportOptions {
        var options = ExportOptions()
        change(&options)
        return options
    }

    /// The rows of a CSV export, as dictionaries by column.
    static func csvRows(_ path: String) throws -> [[String: String]] {
        let input = try InputOpener.open(path)
        let header = try #require((input.reader as? CSVReader)?.header)
        var rows: [[String: String]] = []
        while let result = try input.reader.next() {
            guard case .record = result else { continue }
            let record = input.reader.current
            rows.append(Dictionary(uniqueKeysWithValues: (0..<header.count).map { (header[$0], record.value($0)) }))
        }
        return rows
    }

    /// Creates `count` contacts one `spacing` seconds apart on the sandbox's clock, with a plan and a score.
    static func populate(_ client: IntercomClient, clock: ManualSandboxClock, count: Int, spacing: Double) async throws
        -> [String: String]
    {
        _ = try await client.createDataAttribute(name: "plan", dataType: "string")
        _ = try await client.createDataAttribute(name: "score", dataType: "integer")
        var plans: [String: String] = [:]
        for index in 0..<count {
            clock.advance(by: spacing)
            let contact = try await client.createContact([
                "role": .string(index % 5 == 0 ? "lead" : "user"), "email": .string("p\(index)@example.com"),
                "name": .string("Person \(index)"),
                "custom_attributes": .object(["plan": .string("plan-\(index % 7)"), "score": .number("\(index)")]),
            ])
            plans[contact.id] = "plan-\(index % 7)"
        }
        return plans
    }

    @Test(arguments: [1, 6])
    func everyContactOnceWithItsValuesWhileContactsChangeDuringTheExport(concurrency: Int) async throws {
        let clock = ManualSandboxClock()
        let path = try temporaryPath(named: "contacts.csv")
        try await withClient(clock: clock) { client, _ in
            let plans = try await Self.populate(client, clock: clock, count: 1_500, spacing: 3_600 * 5)
            // Created and updated while the export runs: the export must still hold every contact of the start
            // exactly once (and may hold the new ones).
            let writer = Task {
                for index in 0..<60 {
                    _ = try await client.createContact(["role": .string("user"), "email": .string("new\(index)@x.io")])
                    let id = plans.keys.sorted()[index * 7]
                    _ = try await client.updateContact(id: id, ["name": .string("Renamed \(index)")])
                }
            }
            let summary = try await ExportRun.run(
                client: client, options: Self.options { $0.concurrency = concurrency }, path: path)
            try await writer.value
            let rows = try Self.csvRows(path)
            let ids = rows.compactMap { $0["id"] }
            #expect(Set(ids).count == ids.count, "an id written twice")
            #expect(Set(plans.keys).isSubset(of: Set(ids)), "a contact of the start is missing")
            #expect(rows.count == summary.contacts && rows.count >= 1_500 && rows.count <= 1_560)
            for row in rows where plans[row["id"]!] != nil {
                #expect(row["custom_attributes.plan"] == plans[row["id"]!])
                #expect(
                    row["custom_attributes.score"] == row["email"].map { String($0.dropFirst().prefix { $0 != "@" }) })
            }
            if concurrency > 1 {
                #expect(summary.ranges > 1)
                #expect(summary.pages >= 1_500 / 150)
            }
            let header = try String(contentsOfFile: path, encoding: .utf8).prefix { $0 != "\n" }
            #expect(header.hasPrefix("id,external_id,role,email,phone,name,avatar,owner_id,"))
            #expect(
                header.hasSuffix(
                    ",location.city,tags,companies,company_ids,custom_attributes.plan,custom_attributes.score"))
        }
    }

    @Test func rangesNeitherLoseNorRepeatAContactAtADayBoundary() async throws {
        let clock = ManualSandboxClock()
        let path = try temporaryPath(named: "contacts.ndjson")
        try await withClient(clock: clock) { client, _ in
            let midnight = 1_767_225_600.0  // 2026-01-01T00:00:00Z
            var created: [String] = []
            for day in 0..<12 {
                for offset in [-1.0, 0, 1, 43_200] {  // 23:59:59, 00:00:00, 00:00:01, noon
                    clock.set(midnight + Double(day) * 86_400 + offset)
                    let contact = try await client.createContact([
                        "role": .string("user"), "email": .string("d\(day)-\(Int(offset))@example.com"),
                    ])
                    created.append(contact.id)
                }
            }
            for concurrency in [2, 5, 48] {
                let summary = try await ExportRun.run(
                    client: client,
                    options: Self.options {
                        // One contact a page: so many pages that partitioning pays even for 48 contacts.
                        $0.concurrency = concurrency; $0.format = .ndjson; $0.perPage = 1
                    }, path: path)
                let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
                let ids = try lines.map { line -> String in
                    let object = try JSONValue.parse(Array(line.utf8))
                    return try #require(object["id"]?.stringValue)
                }
                #expect(ids.sorted() == created.sorted(), "concurrency \(concurrency)")
                #expect(summary.difference == 0 && summary.ranges > 1)
                // Written in range order, which is created_at order while partitions are whole days (at 48, a day
                // of four contacts is split further, by the ids' last digits).
                if concurrency < 48 { #expect(ids == created, "concurrency \(concurrency)") }
            }
        }
    }

    @Test func updatedSinceKeepsExactlyTheContactsUpdatedFromThatSecondAroundMidnight() async throws {
        let clock = ManualSandboxClock()
        let path = try temporaryPath(named: "changed.csv")
        try await withClient(clock: clock) { client, _ in
            let midnight = 1_767_225_600.0 + 10 * 86_400
            var ids: [Double: String] = [:]
            for offset in [-86_401.0, -3_600, -1, 0, 1, 7_200] {
                clock.set(midnight + offset)
                let contact = try await client.createContact([
                    "role": .string("user"), "email": .string("u\(Int(offset + 90_000))@example.com"),
                ])
                ids[offset] = contact.id
            }
            clock.set(midnight + 9_000)
            for since in [midnight, midnight - 1, midnight + 1] {
                let summary = try await ExportRun.run(
                    client: client, options: Self.options { $0.updatedSince = Int(since) }, path: path)
                let exported = Set(try Self.csvRows(path).compactMap { $0["id"] })
                let expected = Set(ids.filter { midnight + $0.key >= since }.map(\.value))
                #expect(exported == expected, "since \(since - midnight)")
                #expect(summary.contacts == expected.count)
            }
        }
    }

    @Test func anInterruptedOrFailedExportLeavesNoFile() async throws {
        let clock = ManualSandboxClock()
        let directory = try temporaryPath(named: "x")
        let path = (directory as NSString).deletingLastPathComponent + "/out.csv"
        try "previous export\n".write(toFile: path, atomically: true, encoding: .utf8)
        try await withClient(clock: clock) { client, _ in
            _ = try await Self.populate(client, clock: clock, count: 400, spacing: 86_400)
            for concurrency in [1, 4] {
                let control = ExportControl()
                let stopper = Thread {
                    while control.pages < 2 { usleep(200) }
                    control.stop()
                }
                stopper.start()
                await #expect(throws: ExportError.self) {
                    _ = try await ExportRun.run(
                        client: client,
                        options: Self.options {
                            $0.concurrency = concurrency; $0.perPage = 20
                        },
                        path: path, control: control)
                }
                // The previous file is untouched, and no temporary or spool file is left beside it.
                #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous export\n")
                let left = try FileManager.default.contentsOfDirectory(
                    atPath: (path as NSString).deletingLastPathComponent)
                #expect(left.sorted() == ["out.csv"], "concurrency \(concurrency): \(left)")
            }
        }
    }

    @Test func safeCSVDefusesFormulasAndTimestampsAreISOUnlessEpoch() async throws {
        let clock = ManualSandboxClock()
        let path = try temporaryPath(named: "safe.csv")
        try await withClient(clock: clock) { client, _ in
            _ = try await client.createContact([
                "role": .string("user"), "email": .string("f@example.com"), "name": .string("=HYPERLINK(\"x\")"),
                "phone": .string("+14155550123"),
            ])
            _ = try await ExportRun.run(client: client, options: Self.options { $0.safeCSV = true }, path: path)
            let safe = try #require(try Self.csvRows(path).first)
            #expect(safe["name"] == "'=HYPERLINK(\"x\")" && safe["phone"] == "'+14155550123")
            #expect(safe["created_at"] == "2026-01-01T00:00:00Z")
            _ = try await ExportRun.run(client: client, options: Self.options { $0.epoch = true }, path: path)
            let plain = try #require(try Self.csvRows(path).first)
            #expect(plain["name"] == "=HYPERLINK(\"x\")" && plain["created_at"] == "1767225600")
        }
    }

    @Test func anExportImportedBackWithTheMappingInitMappingWritesNothing() async throws {
        let clock = ManualSandboxClock()
        let path = try temporaryPath(named: "workspace.csv")
        try await withClient(clock: clock) { client, _ in
            _ = try await Self.populate(client, clock: clock, count: 120, spacing: 600)
            _ = try await ExportRun.run(client: client, options: Self.options(), path: path)
            let input = try InputOpener.open(path)
            let sample = try MappingDraft.sample(input.reader, limit: 1_000)
            let yaml = MappingDraft.make(header: sample.header, samples: sample.rows, source: path)
            let summary = try await runImport(path, mapping: yaml, client: client)
            #expect(summary.read == 120 && summary.unchanged == 120 && summary.reconciles, "\(yaml)")
            #expect(summary.statistics.calls.keys.sorted() == ["POST /contacts/search"])
        }
    }

    /// The same round trip on a workspace as migrations leave it (issue #22): users and leads, phones of several
    /// countries, postal codes and ids with leading zeros, unsubscribed people, sign-up dates, avatars, accents, and
    /// custom attributes of every type. Exported as CSV, `mapping init` on the export, imported back: not one write.
    @Test func aVariedWorkspaceExportedAndImportedBackWritesNothing() async throws {
        let clock = ManualSandboxClock()
        let path = try temporaryPath(named: "export.csv")
        try await withClient(clock: clock) { client, _ in
            for (name, type) in [
                ("zip", "string"), ("seats", "integer"), ("score", "float"), ("vip", "boolean"), ("renewal", "date"),
                ("plan", "string"),
            ] {
                _ = try await client.createDataAttribute(name: name, dataType: type)
            }
            let phones = ["+4930532019", "+442079460001", "+14155550123", "+33618829228", "+819012345678", nil]
            let names = ["Ann Smith", "Élodie Dubois", "Jürgen Groß", "O'Brien, Pat", "李雷", "Zoë \"Z\" Ray"]
            for index in 0..<60 {
                clock.advance(by: 3_600)
                var fields: JSONObject = [
                    "role": .string(index % 4 == 0 ? "lead" : "user"),
                    "name": .string(names[index % names.count] + " \(index)"),
                    "custom_attributes": .object([
                        "zip": .string(String(format: "%05d", index * 7)), "seats": .number("\(index % 9)"),
                        "score": .number("\(index).5"), "vip": .bool(index % 3 == 0),
                        "renewal": .number("\(1_735_689_600 + index * 86_400)"), "plan": .string("Plan \(index % 4)"),
                    ]),
                ]
                if index % 4 != 0 || index % 8 == 0 { fields["email"] = .string("person\(index)@example.com") }
                if index % 4 != 0 { fields["external_id"] = .string(String(format: "%06d", index)) }
                if let phone = phones[index % phones.count] { fields["phone"] = .string(phone) }
                if index % 5 == 0 { fields["unsubscribed_from_emails"] = .bool(true) }
                if index % 2 == 0 { fields["signed_up_at"] = .number("\(1_700_000_000 + index * 3_600)") }
                if index % 6 == 0 { fields["avatar"] = .string("https://img.example/\(index).png") }
                _ = try await client.createContact(fields)
            }
            _ = try await ExportRun.run(client: client, options: Self.options(), path: path)
            let input = try InputOpener.open(path)
            let sample = try MappingDraft.sample(input.reader, limit: 1_000, readToEnd: true)
            let yaml = MappingDraft.make(
                header: sample.header, samples: sample.rows, source: path, dateOrders: sample.dateOrders)
            let summary = try await runImport(path, mapping: yaml, client: client)
            #expect(
                summary.read == 60 && summary.rejected == 0,
                "\(summary.rejectedByReason) \(summary.firstProblems)\n\(yaml)")
            #expect(summary.unchanged == 60 && summary.reconciles, "\(yaml)")
            #expect(yaml.contains("match: id "))
            let calls = summary.statistics.calls.keys
            #expect(calls.allSatisfy { $0.hasSuffix("/search") || $0.hasPrefix("GET") }, "\(calls.sorted())")
        }
    }

    /// A small workspace is never slower partitioned: the listing's first page says it pages in fewer calls than the
    /// partitioning's own, and the export goes on from that page (issue #24).
    @Test func aSmallWorkspaceIsListedNotPartitioned() async throws {
        let clock = ManualSandboxClock()
        try await withClient(clock: clock) { client, _ in
            _ = try await Self.populate(client, clock: clock, count: 300, spacing: 3_600)
            let path = try temporaryPath(named: "small.csv")
            let summary = try await ExportRun.run(
                client: client, options: Self.options { $0.concurrency = 8 }, path: path)
            #expect(summary.contacts == 300 && summary.ranges == 0)
            #expect(summary.sequentialBecause?.contains("300 contacts page in 2 calls") == true, "\(summary.text)")
            // The calls of a sequential export (two pages), besides the attribute list: no probe, no range.
            #expect(
                summary.statistics.calls.keys.sorted() == [
                    "GET /companies", "GET /contacts", "GET /data_attributes", "GET /tags",
                ],
                "\(summary.statistics.calls)")
            #expect(summary.statistics.calls["GET /contacts"]?[200] == 2)
            #expect(Set(try Self.csvRows(path).map { $0["id"] ?? "" }).count == 300)
            #expect(ExportRun.partitioningPays(total: 60_000, Self.options { $0.concurrency = 8 }))
            #expect(!ExportRun.partitioningPays(total: 1_000, Self.options { $0.concurrency = 8 }))
        }
    }
}
