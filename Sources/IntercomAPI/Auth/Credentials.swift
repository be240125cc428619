import Foundation

/// The token a command uses, where it came from, and which other credentials were set but not used.
///
/// Precedence: the command line (`--token-file`, `--profile`) beats the environment (`INTERCOM_ACCESS_TOKEN`, then
/// `INTERCOM_PROFILE`), which beats the profile named `default`. When several are set, the choice is named (a
/// leftover variable must not send a migration to the wrong workspace unnoticed).
public struct Credentials: Sendable {
    public var token: AccessToken
    /// The profile used, if the token is one's.
    public var profile: Profile?
    /// Where the token came from, for a person: `profile 'prod' (--profile)`, `INTERCOM_ACCESS_TOKEN`, ….
    public var source: String
    /// The other credentials that were set and lost to `source`.
    public var unused: [String]
    /// A warning about the token file (readable by others), if any.
    public var warning: String?

    /// One line naming the credential used, and those set but not used.
    public var description: String {
        "credentials: \(source)" + (unused.isEmpty ? "" : "; also set, not used: " + unused.joined(separator: ", "))
    }

    /// The profile variable.
    public static let profileVariable = "INTERCOM_PROFILE"

    /// Chooses the credential for a command.
    /// - Throws: ``IntercomError`` `.configuration` when none is set, both `--token-file` and `--profile` are given,
    ///   or the chosen profile or file is missing or exposed.
    public static func resolve(
        tokenFile: String?, profile profileName: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment, store: ProfileStore? = nil
    ) throws(IntercomError) -> Credentials {
        let store = store ?? ProfileStore.standard(environment: environment)
        if tokenFile != nil && profileName != nil {
            throw IntercomError(
                .configuration, message: "--token-file and --profile both name a token: give one of them")
        }
        let variableToken = environment[AccessToken.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        let variableProfile = environment[profileVariable].flatMap { $0.isEmpty ? nil : $0 }
        var set: [String] = []
        if let tokenFile { set.append("--token-file \(tokenFile)") }
        if let profileName { set.append("profile '\(profileName)' (--profile)") }
        if variableToken != nil { set.append(AccessToken.environmentVariable) }
        if let variableProfile { set.append("profile '\(variableProfile)' (\(profileVariable))") }
        func fromProfile(_ name: String, _ source: String) throws(IntercomError) -> Credentials {
            guard let profile = try store.profile(named: name) else {
                let known = (try? store.profiles().map(\.name)) ?? []
                throw IntercomError(
                    .configuration,
                    message: "no profile '\(name)' in \(store.configPath)"
                        + (known.isEmpty ? "" : " (there are: \(known.joined(separator: ", ")))")
                        + "; create it with auth login --profile \(name)")
            }
            return Credentials(
                token: try store.token(for: name), profile: profile, source: source,
                unused: set.filter { $0 != source }, warning: nil)
        }
        if let tokenFile {
            let token = try AccessToken.fromEnvironmentOrFile(path: tokenFile, environment: [:])
            let source = "--token-file \(tokenFile)"
            return Credentials(
                token: token, profile: nil, source: source, unused: set.filter { $0 != source },
                warning: AccessToken.exposure(of: tokenFile).map { "warning: \($0)" })
        }
        if let profileName { return try fromProfile(profileName, "profile '\(profileName)' (--profile)") }
        if let variableToken {
            return Credentials(
                token: AccessToken(variableToken), profile: nil, source: AccessToken.environmentVariable,
                unused: set.filter { $0 != AccessToken.environmentVariable }, warning: nil)
        }
        if let variableProfile {
            return try fromProfile(variableProfile, "profile '\(variableProfile)' (\(profileVariable))")
        }
        if try store.profile(named: "default") != nil { return try fromProfile("default", "profile 'default'") }
        throw IntercomError(
            .configuration,
            message: "no access token: set \(AccessToken.environmentVariable), pass --token-file PATH or --profile "
                + "NAME, or sign in with auth login (a token is never accepted as an argument, where it would show "
                + "in ps and shell history)")
    }
}
