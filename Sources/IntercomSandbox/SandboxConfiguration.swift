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
    /// An SQLite file that keeps the workspace across restarts; nil keeps it in memory.
    public var dataPath: String?
    /// The secret (at least 16 bytes) that seals paging cursors; nil uses the `dataPath` workspace's own, or a
    /// random one for a workspace in memory. Tests set it to build cursors of their own.
    public var cursorSecret: [UInt8]?

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
