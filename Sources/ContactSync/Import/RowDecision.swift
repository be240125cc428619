import ContactIO
import ContactMapping
import IntercomAPI
import JSONText

/// What an import does with one row, given what it knows of the row's contact: a pure function of the row, the
/// contact and the options, with no call and no memory of its own (the workers carry the action out).
///
/// Every path of the import ends here: a key found by search, one the run wrote a moment ago, one whose id the sync
/// state keeps, a create that met an existing or archived contact (409). So the rules that decide between a create,
/// an update of some fields, nothing, a skip and a failure are stated once, and tested exhaustively without a
/// network.
enum RowDecision {
    /// What is known of the contact that the row's key names.
    enum Contact: Equatable {
        /// The lookup found none.
        case absent
        /// It exists with these values of the mapping's fields (found by search, fetched, or remembered from a
        /// write of this run). The id is empty in a dry run for a contact that would have been created.
        case found(id: String, state: JSONObject)
        /// This run wrote it with a payload whose hash is `payloadHash`; its values were not kept.
        case written(id: String, payloadHash: UInt64)
        /// The sync state keeps its id, and the row changed since the last write.
        case stored(id: String)
        /// A create met it (409), not archived; whether it holds the row's key is not known yet.
        case conflict(id: String)
        /// A create met it (409), archived.
        case archived(id: String)
        /// A create met it (409), but it holds another value of the match key: the conflict is over another
        /// identifier, and the contact belongs to someone else.
        case other(id: String, email: String?, externalID: String?)

        /// The contact's id, when there is one.
        var id: String? {
            switch self {
            case .absent: nil
            case .found(let id, _), .written(let id, _), .stored(let id), .conflict(let id), .archived(let id),
                .other(let id, _, _):
                id
            }
        }
    }

    /// What to do.
    enum Action: Equatable {
        case create
        /// Send these fields to the contact (only those that differ when its values are known).
        case update(id: String, fields: JSONObject)
        /// Fetch the contact a create met, and decide again with what it holds.
        case fetch(id: String)
        /// Restore the archived contact, then send the row's payload.
        case unarchiveAndUpdate(id: String, fields: JSONObject)
        /// Nothing differs: no call (the sync state may record the row).
        case unchanged(id: String)
        /// The mode leaves the row alone; counted unchanged, with the reason.
        case skip(String)
        /// A dry run: the create or update that would be sent (an update with an empty id follows a create).
        case wouldCreate
        case wouldUpdate(id: String, fields: JSONObject)
        case fail(reason: String, message: String)
    }

    /// The row, as the decision needs it.
    struct Row {
        var payload: JSONObject
        var hash: UInt64
        var key: String
        /// Later rows of the file have the same key: their role is the one that counts.
        var hasLater = false
        /// An earlier row had the key: in a dry run, it would have created the contact.
        var hadEarlier = false
    }

    /// The options that decide.
    struct Rules {
        var mode: ImportMode = .upsert
        var dryRun = false
        var match: MappingFile.MatchKey = .email
        var unarchive = false
    }

    static let existsInCreateMode = "the contact exists (--mode create)"
    static let absentInUpdateMode = "no such contact in Intercom (--mode update)"

    /// The action for `row` when its contact is `contact`.
    static func decide(_ row: Row, _ contact: Contact, _ rules: Rules) -> Action {
        if case .absent = contact { return absent(row, rules) }
        // What this run wrote already is unchanged, whatever the mode.
        if case .written(let id, let payloadHash) = contact, payloadHash == row.hash { return .unchanged(id: id) }
        // Every other case is a contact that exists: create mode never touches one.
        guard rules.mode != .create else { return .skip(existsInCreateMode) }
        switch contact {
        case .absent:
            return absent(row, rules)
        case .found(let id, let state):
            var changes = ContactDiff.changes(row.payload, comparedWith: state)
            // A later row of the key sets the role as well, and it is the one that counts: this row's role is no
            // change to make (a user cannot be made a lead again, so a rerun would fail the row every night).
            if row.hasLater { changes.members.removeAll { $0.key == "role" } }
            if changes.members.isEmpty { return .unchanged(id: id) }
            return send(id: id, changes, rules)
        case .written(let id, _), .stored(let id):
            return send(id: id, row.payload, rules)
        case .conflict(let id):
            // The search missed a contact that exists (index lag, or someone else created it meanwhile): it is ours
            // to update, not to duplicate, if it is the contact of this row's key.
            return .fetch(id: id)
        case .archived(let id):
            guard rules.unarchive else {
                return .fail(
                    reason: "archived",
                    message: "an archived contact (id=\(id)) has this key; re-run with --unarchive to restore and "
                        + "update it")
            }
            return rules.dryRun
                ? .wouldUpdate(id: id, fields: row.payload) : .unarchiveAndUpdate(id: id, fields: row.payload)
        case .other(let id, let email, let externalID):
            return .fail(
                reason: "conflict",
                message: "creating it conflicts with contact \(id) (email \(email ?? "none"), external_id "
                    + "\(externalID ?? "none")), which has another \(rules.match.rawValue); fix the row or that contact"
            )
        }
    }

    /// No contact has the row's key.
    private static func absent(_ row: Row, _ rules: Rules) -> Action {
        guard rules.mode != .update else { return .skip(absentInUpdateMode) }
        guard rules.match != .id else {
            return .fail(
                reason: "not_found",
                message: "no contact has id '\(row.key)', and a contact cannot be created with a given id")
        }
        guard rules.dryRun else { return .create }
        // An earlier row of this key would have created the contact, even if this run no longer remembers it.
        return row.hadEarlier ? .wouldUpdate(id: "", fields: row.payload) : .wouldCreate
    }

    /// An update of an existing contact, or what it would be in a dry run (or for a contact a dry run "created").
    private static func send(id: String, _ fields: JSONObject, _ rules: Rules) -> Action {
        rules.dryRun || id.isEmpty ? .wouldUpdate(id: id, fields: fields) : .update(id: id, fields: fields)
    }
}
