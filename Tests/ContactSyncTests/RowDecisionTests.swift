import ContactIO
import ContactMapping
import JSONText
import Testing

@testable import ContactSync

/// Every combination of what is known of a row's contact, the row, and the options that decide, against the
/// import's rules as the README and `import --help` state them (written out here case by case, not with the
/// decision's own code).
struct RowDecisionTests {
    typealias Contact = RowDecision.Contact
    typealias Action = RowDecision.Action

    static let payload: JSONObject = [
        "role": .string("user"), "email": .string("ann@example.com"), "name": .string("Ann"),
    ]
    static let hash: UInt64 = 42

    /// Contacts that exist with values like the payload's, and the fields a row would change (before `hasLater`).
    static let states: [(state: JSONObject, changes: JSONObject)] = [
        (payload, [:]),
        (["role": .string("user"), "email": .string("Ann@Example.COM"), "name": .string("Ann")], [:]),
        (
            ["role": .string("user"), "email": .string("ann@example.com"), "name": .string("Anne")],
            ["name": .string("Ann")]
        ),
        (
            ["role": .string("lead"), "email": .string("ann@example.com"), "name": .string("Ann")],
            ["role": .string("user")]
        ),
        (
            ["role": .string("lead"), "email": .string("ann@example.com")],
            ["role": .string("user"), "name": .string("Ann")]
        ),
    ]

    static var contacts: [Contact] {
        var all: [Contact] = [.absent]
        for id in ["c1", ""] { all += states.map { .found(id: id, state: $0.state) } }
        all += [
            .written(id: "c1", payloadHash: hash), .written(id: "c1", payloadHash: 7), .written(id: "", payloadHash: 7),
            .stored(id: "c1"), .conflict(id: "c1"), .archived(id: "c1"),
            .other(id: "c2", email: "bob@example.com", externalID: nil),
        ]
        return all
    }

    @Test func everyCombinationFollowsTheImportsRules() {
        var cases = 0
        for contact in Self.contacts {
            for mode in ImportMode.allCases {
                for dryRun in [false, true] {
                    for match in [MappingFile.MatchKey.email, .externalID, .id] {
                        for unarchive in [false, true] {
                            for hasLater in [false, true] {
                                for hadEarlier in [false, true] {
                                    let row = RowDecision.Row(
                                        payload: Self.payload, hash: Self.hash, key: "ann@example.com",
                                        hasLater: hasLater, hadEarlier: hadEarlier)
                                    let rules = RowDecision.Rules(
                                        mode: mode, dryRun: dryRun, match: match, unarchive: unarchive)
                                    let actual = RowDecision.decide(row, contact, rules)
                                    let wanted = Self.expected(contact, row, rules)
                                    #expect(
                                        Self.same(actual, wanted),
                                        "\(contact) \(mode) dry=\(dryRun) \(match) unarchive=\(unarchive) later=\(hasLater) earlier=\(hadEarlier)"
                                    )
                                    cases += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(cases == Self.contacts.count * 3 * 2 * 3 * 2 * 2 * 2)
    }

    /// The rules, case by case.
    static func expected(_ contact: Contact, _ row: RowDecision.Row, _ rules: RowDecision.Rules) -> Action {
        let exists = Action.skip("the contact exists (--mode create)")
        switch contact {
        case .absent:
            if rules.mode == .update { return .skip("no such contact in Intercom (--mode update)") }
            if rules.match == .id { return .fail(reason: "not_found", message: row.key) }
            if rules.dryRun { return row.hadEarlier ? .wouldUpdate(id: "", fields: payload) : .wouldCreate }
            return .create
        case .written(let id, let written) where written == hash:
            return .unchanged(id: id)
        case .found(let id, let state):
            if rules.mode == .create { return exists }
            var changes = states.first { $0.state == state }!.changes
            if row.hasLater { changes["role"] = nil }
            if changes.members.isEmpty { return .unchanged(id: id) }
            return rules.dryRun || id.isEmpty ? .wouldUpdate(id: id, fields: changes) : .update(id: id, fields: changes)
        case .written(let id, _), .stored(let id):
            if rules.mode == .create { return exists }
            return rules.dryRun || id.isEmpty ? .wouldUpdate(id: id, fields: payload) : .update(id: id, fields: payload)
        case .conflict(let id):
            return rules.mode == .create ? exists : .fetch(id: id)
        case .archived(let id):
            if rules.mode == .create { return exists }
            if !rules.unarchive { return .fail(reason: "archived", message: id) }
            return rules.dryRun ? .wouldUpdate(id: id, fields: payload) : .unarchiveAndUpdate(id: id, fields: payload)
        case .other(let id, _, _):
            return rules.mode == .create ? exists : .fail(reason: "conflict", message: id)
        }
    }

    /// Equal, except that a failure's message only has to name what `wanted`'s message names.
    static func same(_ actual: Action, _ wanted: Action) -> Bool {
        if case .fail(let reason, let message) = actual, case .fail(let wantedReason, let names) = wanted {
            return reason == wantedReason && message.contains(names) && !message.isEmpty
        }
        return actual == wanted
    }

    @Test func aFailureNamesWhatToDo() {
        let row = RowDecision.Row(payload: Self.payload, hash: Self.hash, key: "ann@example.com")
        let archived = RowDecision.decide(row, .archived(id: "c9"), RowDecision.Rules())
        #expect(
            archived
                == .fail(
                    reason: "archived",
                    message:
                        "an archived contact (id=c9) has this key; re-run with --unarchive to restore and update it"))
        let other = RowDecision.decide(
            row, .other(id: "c2", email: "bob@example.com", externalID: "b-1"), RowDecision.Rules())
        guard case .fail(_, let message) = other else {
            Issue.record("expected a failure, got \(other)")
            return
        }
        #expect(message.contains("bob@example.com") && message.contains("b-1") && message.contains("another email"))
    }
}
