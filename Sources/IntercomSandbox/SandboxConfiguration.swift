import Foundation

/// How to run the sandbox: address, token, and the service behaviours to reproduce.
public struct SandboxConfiguration: Sendable {
    /// The address to listen on; loopback by default.
    public var host: String
    /// The port; 0 picks a free one (tests).
    public var port: Int
    /// The access token clients must send as `Authorization: Bearer TOKEN`.
    public var token: String
    /// Calls per minute per token, enforced in fixed 10-second windows of ceil(perMinute / 6); 0 turns it off.
    public var rateLimitPerMinute: Int
    /// Extra latency added to every authenticated request, in milliseconds.
    public var latencyMilliseconds: Int
    /// Seconds before a created or changed contact becomes visible to search.
    public var searchLagSeconds: Double
    /// Injected failures.
    public var faults: FaultPlan
    /// Seeds ids and fault decisions, so runs are reproducible.
    public var seed: UInt64
    /// Synthetic contacts created at start (for benchmarks and rehearsals).
    public var preloadContacts: Int
    /// How the preloaded contacts are spread in time (``PreloadShape``), over how many days.
    public var preloadShape = PreloadShape.spread
    public var preloadDays = 365
    /// Migration shape: the import ran on the day this many days ago (0: it has just ended).
    public var preloadImportedDaysAgo = 0
    /// The share of the preloaded contacts (percent) updated in the last six hours.
    public var preloadChangedPercent = 0
    /// An SQLite file that keeps the workspace across restarts; nil keeps it in memory.
    public var dataPath: String?
    /// The secret (at least 16 bytes) that seals paging cursors; nil uses the `dataPath` workspace's own, or a
    /// random one for a workspace in memory. Tests set it to build cursors of their own.
    public var cursorSecret: [UInt8]?
    /// The workspace's admins besides the token's own (``SandboxAdmin/owner``), as `GET /admins` lists them and
    /// `owner_id` accepts them; nil: a few of every kind of name that CRM exports hold (``SandboxAdmin/teammates``).
    public var admins: [SandboxAdmin]?
    /// OAuth apps, client id to client secret: `GET /oauth` approves them at once and `POST /auth/eagle/token`
    /// exchanges their codes for tokens that work on every endpoint.
    public var oauthClients: [String: String] = [:]
    /// The most contacts one `POST /tags` may tag (Intercom documents no limit; a larger batch is answered 400, so
    /// that a client's halving can be tested).
    public var tagBatchLimit = 1_000

    public init(
        host: String = "127.0.0.1",
        port: Int = 4010,
        token: String = "sandbox-token",
        rateLimitPerMinute: Int = 10_000,
        latencyMilliseconds: Int = 0,
        searchLagSeconds: Double = 0,
        faults: FaultPlan = FaultPlan(),
        seed: UInt64 = 1,
        preloadContacts: Int = 0,
        dataPath: String? = nil,
        cursorSecret: [UInt8]? = nil
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.rateLimitPerMinute = rateLimitPerMinute
        self.latencyMilliseconds = latencyMilliseconds
        self.searchLagSeconds = searchLagSeconds
        self.faults = faults
        self.seed = seed
        self.preloadContacts = preloadContacts
        self.dataPath = dataPath
        self.cursorSecret = cursorSecret
    }

    /// The per-window limit: ceil(perMinute / 6).
    var windowLimit: Int { (rateLimitPerMinute + 5) / 6 }
}

/// An admin (teammate) of the sandbox workspace.
public struct SandboxAdmin: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var email: String

    public init(id: Int, name: String, email: String) {
        self.id = id
        self.name = name
        self.email = email
    }

    /// The admin whose token the sandbox takes (`GET /me`).
    public static let owner = SandboxAdmin(id: 991_267_816, name: "Sandbox Admin", email: "admin@sandbox.example")

    /// The teammates of a new sandbox: names as CRM exports write their owners (accents, a double name).
    public static let teammates = [
        SandboxAdmin(id: 991_267_817, name: "Jane Smith", email: "jane.smith@sandbox.example"),
        SandboxAdmin(id: 991_267_818, name: "Max Mustermann", email: "max.mustermann@sandbox.example"),
        SandboxAdmin(id: 991_267_819, name: "Élodie Dubois", email: "elodie.dubois@sandbox.example"),
        SandboxAdmin(id: 991_267_820, name: "José María García", email: "jose.garcia@sandbox.example"),
    ]

    /// Parses `Name <email>` (the CLI's `--admin`); the id is given by the caller.
    public init?(_ text: String, id: Int) {
        guard let open = text.lastIndex(of: "<"), text.hasSuffix(">") else { return nil }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let email = text[text.index(after: open)..<text.index(before: text.endIndex)]
        guard !name.isEmpty, email.contains("@") else { return nil }
        self.init(id: id, name: name, email: String(email))
    }
}
