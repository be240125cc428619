import AsyncHTTPClient
import JSONText
import Logging

/// The last step of every sign-in: the token is checked with `GET /me` (which names the workspace and the admin)
/// and only then stored, so that a refused token leaves nothing behind.
public enum SignIn {
    /// Checks `token` against `apiBase` and stores it as profile `name`.
    /// - Returns: the stored profile.
    public static func verifyAndStore(
        token: AccessToken, name: String, region: IntercomConfiguration.Region, baseURL: String?, method: String,
        store: ProfileStore, http: HTTPClient, timeout: Double = 30
    ) async throws(IntercomError) -> Profile {
        guard Profile.isValidName(name) else {
            throw IntercomError(.configuration, message: "'\(name)' cannot name a profile: use letters, digits, - _ .")
        }
        let me = try await whoami(token: token, apiBase: baseURL ?? region.baseURL, http: http, timeout: timeout)
        let profile = Profile(
            name: name, region: region, baseURL: baseURL == region.baseURL ? nil : baseURL,
            workspaceID: me["app"]?["id_code"]?.stringValue, workspaceName: me["app"]?["name"]?.stringValue,
            adminID: me["id"]?.stringValue ?? me["id"]?.int64Value.map(String.init), adminName: me["name"]?.stringValue,
            adminEmail: me["email"]?.stringValue, method: method)
        try store.save(profile, token: token)
        return profile
    }

    /// `GET /me` with `token`: the admin and, under `app`, the workspace.
    public static func whoami(token: AccessToken, apiBase: String, http: HTTPClient, timeout: Double = 30)
        async throws(IntercomError) -> JSONValue
    {
        let configuration = try IntercomConfiguration(
            baseURL: apiBase, token: token, requestTimeout: timeout, retry: RetryPolicy(maxAttempts: 2))
        var logger = Logger(label: "intercom-etl.auth")
        logger.logLevel = .critical
        return try await IntercomClient(http: http, configuration: configuration, logger: logger).me()
    }
}
