import ContactIO
import ContactSync
import Foundation
import IntercomAPI
import IntercomSandbox
import SandboxTestSupport
import Testing

/// `import --state`: nightly runs that send only what changed (issue #8).
struct StateImportTests {
    static func full(_ value: Bool) -> ImportOptions {
        var options = ImportOptions()
        options.full = value
        return options
    }

    @Test func anUnchangedRerunMakesNoCallAndOneChangedRowMakesOne() async throws {
        let rows = ImportTests.rows(60)
        let state = try temporaryPath(named: "state.sqlite")
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let first = try await runImport(try writeCSV(rows), client: client, state: state)
            #expect(first.created == 60 && first.reconciles)
            #expect(first.state?.recorded == 60 && first.state?.unchanged == 0)

            let again = try await runImport(try writeCSV(rows), client: client, state: state)
            #expect(again.unchanged == 60 && again.state?.unchanged == 60 && again.reconciles)
            #expect(again.statistics.totalCalls == 0)

            var edited = rows
            edited[41].plan = "enterprise"
            let changed = edited
            let third = try await runImport(try writeCSV(changed), client: client, state: state)
            #expect(third.updated == 1 && third.unchanged == 59 && third.state?.updatedByID == 1 && third.reconciles)
            #expect(third.statistics.totalCalls == 1)
            #expect(third.statistics.calls["PUT /contacts/{id}"]?[200] == 1)
            #expect(third.state?.recorded == 1)
            #expect(workspaceRows(try await allContacts(client)) == expectedWorkspace(changed))

            let fourth = try await runImport(try writeCSV(changed), client: client, state: state)
            #expect(fourth.statistics.totalCalls == 0 && fourth.unchanged == 60)

            // The same rows in another order: still nothing to send (the entries follow the rows; see
            // SyncStateStoreTests for the order itself).
            let shuffled = Array(changed[30...]) + Array(changed[..<30]).reversed()
            let fifth = try await runImport(try writeCSV(shuffled), client: client, state: state)
            #expect(fifth.statistics.totalCalls == 0 && fifth.unchanged == 60 && fifth.state?.unchanged == 60)
        }
    }

    @Test func aContactDeletedInIntercomIsRecreatedAndReported() async throws {
        let rows = ImportTests.rows(30)
        let state = try temporaryPath(named: "state.sqlite")
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            _ = try await runImport(try writeCSV(rows), client: client, state: state)
            let byEmail = Dictionary(uniqueKeysWithValues: try await allContacts(client).map { ($0.email ?? "", $0) })
            let changedID = try #require(byEmail["person7@example.com"]?.id)
            let unchangedID = try #require(byEmail["person9@example.com"]?.id)
            _ = try await client.deleteContact(id: changedID)
            _ = try await client.deleteContact(id: unchangedID)

            // The changed row's stored id answers 404: reported, looked up, created again.
            var edited = rows
            edited[7].name = "Back again"
            let changed = edited
            let second = try await runImport(try writeCSV(changed), client: client, state: state)
            #expect(second.created == 1 && second.unchanged == 29 && second.failed == 0 && second.reconciles)
            #expect(second.state?.gone == 1)
            #expect(
                second.state?.goneExamples.first?.contains("key 'person7@example.com' (was id \(changedID))") == true)
            #expect(second.text.contains("1 stored ids gone from Intercom"))
            var contacts = try await allContacts(client)
            #expect(contacts.count == 29)  // the unchanged row cost nothing, so its deletion is not seen yet

            // --full compares with Intercom instead of the state, and brings the other one back too.
            let full = try await runImport(
                try writeCSV(changed), client: client, options: Self.full(true), state: state)
            #expect(full.created == 1 && full.unchanged == 29 && full.state?.unchanged == 0 && full.reconciles)
            contacts = try await allContacts(client)
            #expect(workspaceRows(contacts) == expectedWorkspace(changed) && contacts.count == 30)
            let after = try await runImport(try writeCSV(changed), client: client, state: state)
            #expect(after.statistics.totalCalls == 0)
        }
    }

    @Test func eachRowOfARepeatedKeyHasItsOwnStateSoOneChangedRowMakesOneCall() async throws {
        let text = "email,name,plan\nk@example.com,First,gold\nother@example.com,O,x\nk@example.com,Second,\n"
        let state = try temporaryPath(named: "state.sqlite")
        let path = try temporaryPath(named: "repeated.csv", contents: text)
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let first = try await runImport(path, client: client, state: state)
            #expect(first.repeatedKeys == 1 && first.state?.recorded == 3 && first.reconciles)
            let again = try await runImport(path, client: client, state: state)
            #expect(again.statistics.totalCalls == 0 && again.unchanged == 3)

            // The first row of the key changes: that row alone is sent, by id.
            let edited = text.replacingOccurrences(of: "gold", with: "silver")
            let changed = try temporaryPath(named: "repeated.csv", contents: edited)
            let third = try await runImport(changed, client: client, state: state)
            #expect(third.statistics.totalCalls == 1 && third.statistics.calls["PUT /contacts/{id}"]?[200] == 1)
            #expect(third.updated == 1 && third.unchanged == 2 && third.reconciles)
            #expect(
                workspaceRows(try await allContacts(client))["k@example.com"]
                    == TestRow(email: "k@example.com", name: "Second", plan: "silver"))

            // The later row now sets the plan too: the first row no longer sends it, so both rows' states change.
            let later = edited.replacingOccurrences(of: "Second,\n", with: "Second,bronze\n")
            let fourthPath = try temporaryPath(named: "repeated.csv", contents: later)
            let fourth = try await runImport(fourthPath, client: client, state: state)
            #expect(fourth.failed == 0 && fourth.reconciles)
            #expect(
                workspaceRows(try await allContacts(client))["k@example.com"]
                    == TestRow(email: "k@example.com", name: "Second", plan: "bronze"))
            let fifth = try await runImport(fourthPath, client: client, state: state)
            #expect(fifth.statistics.totalCalls == 0)
        }
    }

    @Test func aStoppedRunResumesAndItsDoneRowsCostNothing() async throws {
        let rows = ImportTests.rows(400)
        let path = try writeCSV(rows)
        let state = try temporaryPath(named: "state.sqlite")
        try await withClient(sandbox: SandboxConfiguration(rateLimitPerMinute: 0, latencyMilliseconds: 2)) {
            client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let control = ImportControl()
            let watcher = Thread {
                while control.rowsDone < 120 { usleep(500) }
                control.stop("test stop")
            }
            watcher.start()
            let stopped = try await runImport(path, client: client, control: control, state: state)
            #expect(stopped.stoppedEarly == "test stop" && stopped.reconciles)
            let recorded = try #require(stopped.state?.recorded)
            #expect(recorded == stopped.created && recorded > 0)

            let resumed = try await runImport(path, client: client, state: state)
            #expect(resumed.state?.unchanged == recorded)
            #expect(resumed.created == 400 - recorded && resumed.failed == 0 && resumed.reconciles)
            let contacts = try await allContacts(client)
            #expect(contacts.count == 400 && workspaceRows(contacts) == expectedWorkspace(rows))
        }
    }

    @Test func aDryRunReadsTheStateButRecordsNothing() async throws {
        let rows = ImportTests.rows(20)
        let state = try temporaryPath(named: "state.sqlite")
        var dry = ImportOptions()
        dry.dryRun = true
        let options = dry
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let first = try await runImport(try writeCSV(rows), client: client, options: options, state: state)
            #expect(first.created == 20 && first.state?.recorded == 0)
            #expect(try SyncStateStore(path: state).overview().keys == 0)
            #expect(try await allContacts(client).isEmpty)
        }
    }

    @Test func aStateFileOfAnotherWorkspaceIsRefused() async throws {
        let state = try temporaryPath(named: "state.sqlite")
        try await withClient { client, _ in
            let store = try SyncStateStore(path: state)
            try await StateWorkspace.bind(store, client: client)
            let workspace = try #require(try store.meta("workspace"))
            try await StateWorkspace.bind(store, client: client)  // same token: no call needed
            #expect(client.statistics.calls["GET /me"]?[200] == 1)

            try store.setMeta(["workspace": "another1", "credential": "0"])
            let error = await #expect(throws: StateWorkspaceMismatch.self) {
                try await StateWorkspace.bind(store, client: client)
            }
            #expect(error?.description.contains("belongs to workspace another1") == true)
            #expect(error?.description.contains(workspace) == true)
        }
    }
}
