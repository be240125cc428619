import ContactIO
import ContactSync
import Foundation
import IntercomAPI
import IntercomSandbox
import SandboxTestSupport
import Testing

struct ImportTests {
    static func rows(_ count: Int, name: String = "Name", plan: String = "pro") -> [TestRow] {
        (0..<count).map { TestRow(email: "person\($0)@example.com", name: "\(name) \($0)", plan: plan) }
    }

    static func options(_ change: (inout ImportOptions) -> Void) -> ImportOptions {
        var options = ImportOptions()
        change(&options)
        return options
    }

    @Test func firstImportCreatesEveryRowWithOneSearchPer15AndReimportWritesNothing() async throws {
        let rows = Self.rows(300)
        let path = try writeCSV(rows)
        // A debug build sharing two cores with other tests can read slower than a batch fills: wait longer for it.
        let options = Self.options { $0.linger = 0.25 }
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let first = try await runImport(path, client: client, options: options)
            #expect(first.read == 300 && first.created == 300 && first.failed == 0 && first.reconciles)
            let searches = first.statistics.calls["POST /contacts/search"]?[200] ?? 0
            #expect(searches <= 300 / 15 + 8)  // full batches, plus at most one partial batch per worker
            #expect(first.statistics.calls["POST /contacts"]?[200] == 300)
            #expect(workspaceRows(try await allContacts(client)) == expectedWorkspace(rows))

            let again = try await runImport(path, client: client, options: options)
            #expect(again.unchanged == 300 && again.created == 0 && again.updated == 0 && again.reconciles)
            #expect(again.statistics.calls["POST /contacts"] == nil)
            #expect(again.statistics.calls["PUT /contacts/{id}"] == nil)
            #expect(again.statistics.totalCalls <= 300 / 15 + 8)
        }
    }

    @Test func changedRowsAreUpdatedWithOnlyTheirChangedFields() async throws {
        let rows = Self.rows(40)
        var edited = rows
        edited[3].plan = "enterprise"
        edited[17].name = "Renamed"
        let changed = edited
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            _ = try await runImport(try writeCSV(rows), client: client)
            let second = try await runImport(try writeCSV(changed), client: client)
            #expect(second.updated == 2 && second.unchanged == 38 && second.reconciles)
            #expect(second.statistics.calls["PUT /contacts/{id}"]?[200] == 2)
            #expect(workspaceRows(try await allContacts(client)) == expectedWorkspace(changed))
        }
    }

    @Test func repeatedKeysMergeInFileOrderAndAReimportWritesNothing() async throws {
        // The later row sets the name and leaves the plan empty (empty cells send nothing): the contact keeps the
        // first row's plan and the last row's name, and a second run must not write the first row's name back.
        let text = "email,name,plan\nk@example.com,First,gold\nother@example.com,O,x\nk@example.com,Second,\n"
        let path = try temporaryPath(named: "repeated.csv", contents: text)
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let first = try await runImport(path, client: client)
            #expect(first.repeatedKeys == 1 && first.reconciles)
            let contacts = try await allContacts(client)
            #expect(
                workspaceRows(contacts)["k@example.com"]
                    == TestRow(email: "k@example.com", name: "Second", plan: "gold"))
            let again = try await runImport(path, client: client)
            #expect(again.unchanged == 3 && again.reconciles)
            #expect(again.statistics.calls.keys.sorted() == ["POST /contacts/search"])
        }
    }

    @Test func oneKeyRepeatedUnder32WorkersAndSearchLagMakesOneContactWithTheLastRow() async throws {
        // The sandbox's clock only moves when the client waits, so a 2-second lag hides every new contact from
        // search for the whole run: only the run's own memory of its keys prevents duplicates.
        var built: [TestRow] = []
        for index in 0..<400 {
            built.append(TestRow(email: "same@example.com", name: "Version \(index)", plan: "p\(index % 7)"))
            if index % 4 == 0 { built.append(TestRow(email: "other\(index)@example.com", name: "O", plan: "x")) }
        }
        let rows = built
        let path = try writeCSV(rows)
        let options = Self.options { $0.concurrency = 32 }
        try await withClient(
            sandbox: SandboxConfiguration(rateLimitPerMinute: 0, searchLagSeconds: 2), connections: 32
        ) { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let summary = try await runImport(path, client: client, options: options)
            #expect(summary.reconciles && summary.failed == 0)
            let contacts = try await allContacts(client)
            #expect(contacts.filter { $0.email == "same@example.com" }.count == 1)
            #expect(contacts.count == 101)
            #expect(workspaceRows(contacts) == expectedWorkspace(rows))
            #expect(workspaceRows(contacts)["same@example.com"]?.name == "Version 399")
        }
    }

    @Test func faultsAndA429BurstStillLeaveTheWorkspaceEqualToTheFile() async throws {
        let rows = Self.rows(360) + Self.rows(60, name: "Later")  // repeated keys: later rows win
        let path = try writeCSV(rows)
        var faults = FaultPlan()
        faults.serverErrors = 0.05
        faults.drops = 0.01
        faults.lostAnswers = 0.01
        let sandbox = SandboxConfiguration(rateLimitPerMinute: 600, faults: faults, seed: 7)
        try await withClient(sandbox: sandbox, retry: RetryPolicy(maxAttempts: 8)) { client, port in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            try await exhaustRateLimit(port: port, calls: 100)
            let summary = try await runImport(path, client: client)
            #expect(summary.statistics.rateLimited > 0)
            #expect(summary.statistics.retries > summary.statistics.rateLimited)  // 5xx and drops were retried
            #expect(summary.failed == 0 && summary.reconciles)
            #expect(summary.created == 360 && summary.updated == 60)
            let contacts = try await allContacts(client)
            #expect(contacts.count == 360)
            #expect(workspaceRows(contacts) == expectedWorkspace(rows))
        }
    }

    @Test func dryRunLooksUpButWritesNothing() async throws {
        let rows = Self.rows(50)
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            _ = try await runImport(try writeCSV(Array(rows[0..<20])), client: client)
            var changed = rows
            changed[0].plan = "changed"
            var options = ImportOptions()
            options.dryRun = true
            let summary = try await runImport(try writeCSV(changed), client: client, options: options)
            #expect(summary.created == 30 && summary.updated == 1 && summary.unchanged == 19 && summary.reconciles)
            let writes = summary.statistics.calls.filter { $0.key != "POST /contacts/search" }
            #expect(writes.isEmpty)
            #expect(workspaceRows(try await allContacts(client)) == expectedWorkspace(Array(rows[0..<20])))
        }
    }

    @Test func modesCreateAndUpdateLeaveTheOtherKindOfRowAlone() async throws {
        let rows = Self.rows(10)
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            _ = try await runImport(try writeCSV(Array(rows[0..<5])), client: client)
            let changed = rows.map { TestRow(email: $0.email, name: $0.name, plan: "new") }
            var options = ImportOptions()
            options.mode = .update
            let update = try await runImport(try writeCSV(changed), client: client, options: options)
            #expect(update.updated == 5 && update.created == 0 && update.unchanged == 5 && update.reconciles)
            #expect(update.skipped["no such contact in Intercom (--mode update)"] == 5)
            options.mode = .create
            let create = try await runImport(try writeCSV(rows), client: client, options: options)
            #expect(create.created == 5 && create.updated == 0 && create.unchanged == 5)
            #expect(create.skipped["the contact exists (--mode create)"] == 5)
            #expect(try await allContacts(client).count == 10)
        }
    }

    @Test func aContactSearchCannotSeeYetBecomesAnUpdateThroughThe409() async throws {
        try await withClient(sandbox: SandboxConfiguration(rateLimitPerMinute: 0, searchLagSeconds: 60)) { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let existing = try await client.createContact(["email": .string("lag@example.com"), "name": .string("Old")])
            let summary = try await runImport(
                try writeCSV([TestRow(email: "lag@example.com", name: "New", plan: "pro")]), client: client)
            #expect(summary.updated == 1 && summary.created == 0 && summary.reconciles)
            #expect(summary.statistics.calls["POST /contacts"]?[409] == 1)
            let contacts = try await allContacts(client)
            #expect(contacts.count == 1 && contacts[0].id == existing.id && contacts[0].name == "New")
        }
    }

    @Test func modeCreateNeverUpdatesEvenWhenSearchLagHidesTheContactUntilThe409() async throws {
        try await withClient(sandbox: SandboxConfiguration(rateLimitPerMinute: 0, searchLagSeconds: 60)) { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let existing = try await client.createContact(["email": .string("lag@example.com"), "name": .string("Old")])
            let options = Self.options { $0.mode = .create }
            let summary = try await runImport(
                try writeCSV([TestRow(email: "lag@example.com", name: "New", plan: "pro")]), client: client,
                options: options)
            #expect(summary.unchanged == 1 && summary.updated == 0 && summary.reconciles)
            #expect(summary.skipped["the contact exists (--mode create)"] == 1)
            #expect(summary.statistics.calls["PUT /contacts/{id}"] == nil)
            #expect(try await client.contact(id: existing.id).name == "Old")
        }
    }

    @Test func anArchivedMatchFailsWithItsIdUnlessUnarchiveIsGiven() async throws {
        let row = TestRow(email: "gone@example.com", name: "Back", plan: "pro")
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let archived = try await client.createContact(["email": .string(row.email)])
            try await client.setArchived(id: archived.id, true)
            let path = try writeCSV([row])
            let failed = try await runImport(path, client: client)
            #expect(failed.failed == 1 && failed.failedByReason["archived"] == 1 && failed.reconciles)
            #expect(failed.firstProblems.first?.contains("id=\(archived.id)") == true)
            var options = ImportOptions()
            options.unarchive = true
            let restored = try await runImport(path, client: client, options: options)
            #expect(restored.updated == 1 && restored.unarchived == 1 && restored.failed == 0)
            let contact = try await client.contact(id: archived.id)
            #expect(contact.name == "Back")
        }
    }

    @Test func aStoppedRunAccountsForEveryRowAndItsFailuresFileFinishesTheJob() async throws {
        let rows = Self.rows(600)
        let path = try writeCSV(rows)
        let failures = try temporaryPath(named: "failures.csv")
        let control = ImportControl()
        let options = Self.options { $0.concurrency = 4 }
        try await withClient(
            sandbox: SandboxConfiguration(rateLimitPerMinute: 0, latencyMilliseconds: 2)
        ) { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let watcher = Thread {
                while control.rowsDone < 100 { usleep(500) }
                control.stop("interrupted by the test")
            }
            watcher.start()
            let summary = try await runImport(
                path, client: client, options: options, failures: failures, control: control)
            #expect(summary.stoppedEarly == "interrupted by the test")
            #expect(summary.reconciles)
            #expect(summary.created >= 100 && summary.created < 600)
            let notSent = summary.failedByReason["not_sent"] ?? 0
            #expect(summary.failed == notSent && notSent > 0)
            #expect(try await allContacts(client).count == summary.created)

            // The failures file is the input's format and holds exactly the rows not sent: importing it as it is
            // creates them. Rows after the stop were never read; running the whole file again finishes the job.
            let text = try String(contentsOfFile: failures, encoding: .utf8)
            #expect(text.hasPrefix("email,name,plan,_failure\n"))
            let rest = try await runImport(failures, client: client)
            #expect(rest.created == notSent && rest.read == notSent && rest.reconciles)
            let whole = try await runImport(path, client: client)
            #expect(whole.created == 600 - summary.read && whole.unchanged == summary.read)
            #expect(workspaceRows(try await allContacts(client)) == expectedWorkspace(rows))
        }
    }

    @Test func anAuthenticationFailureStopsTheRunAndEveryRowIsAccounted() async throws {
        let path = try writeCSV(Self.rows(100))
        try await withClient(token: "revoked-token") { client, _ in
            let summary = try await runImport(path, client: client)
            #expect(summary.stoppedEarly?.contains("authentication failed") == true)
            #expect(summary.reconciles && summary.created == 0)
            #expect(summary.failedByReason["authentication"] ?? 0 > 0)
            #expect(summary.statistics.totalCalls < 20)  // stopped at once, not one 401 per row
        }
    }

    @Test func rejectedRowsAreCountedAndNeverSent() async throws {
        let text = "email,name,plan\nok@example.com,A,p\nnot-an-email,B,p\n,C,p\n"
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let summary = try await runImport(try temporaryPath(named: "r.csv", contents: text), client: client)
            #expect(summary.read == 3 && summary.created == 1 && summary.rejected == 2 && summary.reconciles)
            #expect(summary.rejectedByReason["invalid_email"] == 1)
        }
    }

    @Test func a409FromAnotherIdentifierFailsTheRowInsteadOfOverwritingThatContact() async throws {
        let mapping = """
            role: user
            match: email
            fields:
              email: {column: email, transforms: [trim, lower]}
              external_id: ext
              name: name
            """
        let path = try temporaryPath(named: "clash.csv", contents: "email,ext,name\nb@example.com,X1,Bee\n")
        try await withClient { client, _ in
            let other = try await client.createContact([
                "role": .string("user"), "email": .string("a@example.com"), "external_id": .string("X1"),
                "name": .string("Ay"),
            ])
            let summary = try await runImport(path, mapping: mapping, client: client)
            #expect(summary.failed == 1 && summary.failedByReason["conflict"] == 1 && summary.reconciles)
            #expect(summary.firstProblems.first?.contains("conflicts with contact \(other.id)") == true)
            let after = try await client.contact(id: other.id)
            #expect(after.email == "a@example.com" && after.name == "Ay")
            #expect(summary.statistics.calls["PUT /contacts/{id}"] == nil)
        }
    }

    @Test func aKeyForgottenBetweenItsLookupAndItsRowIsLookedUpAgainNotCreatedInto409s() async throws {
        // A tiny memory forgets keys all the time, also while the next batch's search is in flight.
        let rows = (0..<3).flatMap { round in
            (0..<150).map { TestRow(email: "k\($0)@example.com", name: "Round \(round)", plan: "p\($0 % 3)") }
        }
        let path = try writeCSV(rows)
        let options = Self.options {
            $0.rememberedKeys = 2
            $0.concurrency = 3
        }
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let first = try await runImport(path, client: client, options: options)
            #expect(first.failed == 0 && first.reconciles)
            #expect(first.statistics.calls["POST /contacts"]?[409] == nil)
            let again = try await runImport(path, client: client, options: options)
            #expect(again.unchanged == rows.count && again.statistics.calls["POST /contacts"] == nil)
            #expect(workspaceRows(try await allContacts(client)) == expectedWorkspace(rows))
        }
    }
}
