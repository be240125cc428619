import Hummingbird
import Logging

/// Builds the sandbox application; the `sandbox` command and the tests both use it.
/// - Parameters:
///   - configuration: address, token and behaviours.
///   - clock: the time source (a ``ManualSandboxClock`` in tests).
///   - logger: where the server logs; quiet by default.
///   - onServerRunning: called with the port once the server listens (useful with port 0).
/// - Throws: when the `--data` database cannot be opened or read.
public func buildApplication(
    configuration: SandboxConfiguration,
    clock: SandboxClock = SystemSandboxClock(),
    logger: Logger? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let router = try buildRouter(configuration: configuration, clock: clock)
    var quiet = Logger(label: "intercom-sandbox")
    quiet.logLevel = .warning
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "intercom-etl-sandbox"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger ?? quiet
    )
}

/// Builds the router: the gateway middleware (token, rate limit, Accept, faults) in front of the endpoints.
/// - Throws: when the `--data` database cannot be opened or read.
public func buildRouter(configuration: SandboxConfiguration, clock: SandboxClock) throws -> Router<BasicRequestContext>
{
    var settings = WorkspaceStore.Settings(searchLag: configuration.searchLagSeconds, seed: configuration.seed)
    settings.cursorSecret = configuration.cursorSecret
    settings.tagBatchLimit = configuration.tagBatchLimit
    settings.admins = [.owner] + (configuration.admins ?? SandboxAdmin.teammates)
    if let path = configuration.dataPath {
        settings.database = try WorkspaceDatabase(path: path)
    }
    let store = try WorkspaceStore(settings: settings, clock: clock)
    store.preload(
        count: configuration.preloadContacts, shape: configuration.preloadShape, days: configuration.preloadDays,
        importedDaysAgo: configuration.preloadImportedDaysAgo, changedPercent: configuration.preloadChangedPercent)
    let router = Router(context: BasicRequestContext.self)
    let oauth = OAuthRegistry(clients: configuration.oauthClients)
    router.add(
        middleware: GatewayMiddleware(
            configuration: configuration, clock: clock, rateLimiter: RateLimiter(limit: configuration.windowLimit),
            faults: FaultInjector(plan: configuration.faults, seed: configuration.seed), oauth: oauth))
    SandboxRoutes(store: store, clock: clock).register(on: router)
    OAuthRoutes(registry: oauth, clock: clock).register(on: router)
    return router
}
