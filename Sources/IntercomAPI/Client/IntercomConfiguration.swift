/// Where and how the client talks to Intercom.
public struct IntercomConfiguration: Sendable {
    /// Intercom's regional API hosts.
    public enum Region: String, Sendable, CaseIterable {
        case us
        case eu
        case au

        public var baseURL: String {
            switch self {
            case .us: "https://api.intercom.io"
            case .eu: "https://api.eu.intercom.io"
            case .au: "https://api.au.intercom.io"
            }
        }
    }

    /// The API root, without a trailing slash.
    public var baseURL: String
    public var token: AccessToken
    /// Sent as `Intercom-Version`; nil sends none (the workspace's default applies).
    public var version: String?
    /// How long one request may take before it counts as a transport failure, in seconds.
    public var requestTimeout: Double
    public var retry: RetryPolicy

    /// - Throws: ``IntercomError`` `.configuration` for a base URL that is not https (plain http is allowed only for
    ///   loopback addresses, where the sandbox runs).
    public init(
        baseURL: String, token: AccessToken, version: String? = "2.16", requestTimeout: Double = 30,
        retry: RetryPolicy = RetryPolicy()
    ) throws(IntercomError) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        if url.hasPrefix("http://") {
            let rest = url.dropFirst("http://".count)
            let host =
                rest.hasPrefix("[")
                ? String(rest.prefix { $0 != "]" }.dropFirst()) : String(rest.prefix { $0 != ":" && $0 != "/" })
            guard host == "localhost" || host.hasPrefix("127.") || host == "::1" else {
                throw IntercomError(
                    .configuration,
                    message: "refusing plain http to '\(host)': the access token would cross the network "
                        + "unencrypted; use https (plain http is allowed only for loopback addresses)")
            }
        } else if !url.hasPrefix("https://") {
            throw IntercomError(.configuration, message: "the base URL must start with https:// (got '\(baseURL)')")
        }
        self.baseURL = url
        self.token = token
        self.version = version
        self.requestTimeout = requestTimeout
        self.retry = retry
    }
}

/// How often and how long to retry what is worth retrying.
public struct RetryPolicy: Sendable {
    /// Attempts for a request failing with 5xx, a timeout or a dropped connection (the first one included).
    public var maxAttempts: Int
    /// Attempts for a request answered 429 (each waits for the window to reset).
    public var maxRateLimitedAttempts: Int
    /// The first backoff step; step n is up to `baseDelay * 2^n` ("full jitter"), capped at `maxDelay`.
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 5, maxRateLimitedAttempts: Int = 10, baseDelay: Double = 0.5, maxDelay: Double = 20)
    {
        self.maxAttempts = maxAttempts
        self.maxRateLimitedAttempts = maxRateLimitedAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }
}
