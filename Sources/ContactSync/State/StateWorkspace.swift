import ContactIO
import Foundation
import IntercomAPI

/// A state file used with another workspace than the one it was built for.
public struct StateWorkspaceMismatch: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var stored: String
    public var current: String

    public var description: String {
        "state file \(path) belongs to workspace \(stored), but this token opens workspace \(current): its ids and "
            + "fingerprints would be wrong here; use another --state file, or `intercom-etl state reset \(path)`"
    }
}

/// Ties a state file to one Intercom workspace, and remembers which mapping's attributes were checked, so that a
/// nightly run with nothing to send makes no call at all.
///
/// Without this, the same state file pointed at another workspace (a staging token) would count every row
/// unchanged and send nothing. `GET /me` names the workspace; it is called only when the token differs from the last
/// run's (a salted fingerprint of it is kept, never the token).
public enum StateWorkspace {
    /// Checks that the state belongs to the token's workspace, and binds an empty state to it.
    /// - Throws: ``StateWorkspaceMismatch``, ``SyncStateError``, or the client's ``IntercomError``.
    public static func bind(_ store: SyncStateStore, client: IntercomClient) async throws {
        let salt = try store.meta("salt") ?? String(UInt64.random(in: 0...UInt64.max), radix: 16)
        // The token alone: it opens one workspace wherever it is sent, and a sandbox's port changes every start.
        let credential = client.configuration.token.fingerprint(salt: salt)
        let stored = try store.meta("workspace")
        if stored != nil, try store.meta("credential") == credential { return }
        let me = try await client.me()
        guard let workspace = me["app"]?["id_code"]?.stringValue else {
            throw IntercomError(.invalidResponse, message: "GET /me did not name the workspace (app.id_code)")
        }
        if let stored, stored != workspace {
            throw StateWorkspaceMismatch(path: store.path, stored: stored, current: workspace)
        }
        try store.setMeta(["salt": salt, "credential": credential, "workspace": workspace])
    }

    /// True when the custom attributes of the mapping with this fingerprint were already found in the workspace.
    public static func attributesChecked(_ store: SyncStateStore, mapping fingerprint: UInt64) throws -> Bool {
        try store.meta("attributes_checked") == String(fingerprint, radix: 16)
    }

    /// Remembers that the mapping's custom attributes exist in the workspace.
    public static func markAttributesChecked(_ store: SyncStateStore, mapping fingerprint: UInt64) throws {
        try store.setMeta(["attributes_checked": String(fingerprint, radix: 16)])
    }
}
