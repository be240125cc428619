import Foundation

/// The Intercom access token: read from the environment or a file, never from a command-line argument, and never
/// printed (its descriptions are redacted, so it cannot leak through logs, errors or reports by accident).
public struct AccessToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The environment variable read by ``fromEnvironmentOrFile(path:environment:)``.
    public static let environmentVariable = "INTERCOM_ACCESS_TOKEN"

    let secret: String

    public init(_ secret: String) {
        self.secret = secret.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var description: String { "<redacted access token>" }

    /// A fingerprint that tells whether a later run uses the same token, without keeping the token: FNV-1a (64 bits,
    /// hex) of `salt` and the token. Not a cryptographic hash; a random salt kept beside it and a long random token
    /// make recovering the token from it impractical.
    public func fingerprint(salt: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in salt.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0x1F) &* 0x100_0000_01b3
        for byte in secret.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
    public var debugDescription: String { description }

    /// The token from `--token-file PATH` when given, else from `INTERCOM_ACCESS_TOKEN`.
    /// - Throws: ``IntercomError`` of kind `.configuration` with what to do, when neither has a token.
    public static func fromEnvironmentOrFile(
        path: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(IntercomError) -> AccessToken {
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw IntercomError(.configuration, message: "cannot read the token file '\(path)'")
            }
            let token = AccessToken(String(decoding: data, as: UTF8.self))
            guard !token.secret.isEmpty else {
                throw IntercomError(.configuration, message: "the token file '\(path)' is empty")
            }
            return token
        }
        guard let value = environment[environmentVariable], !value.isEmpty else {
            throw IntercomError(
                .configuration,
                message: "no access token: set \(environmentVariable) or pass --token-file PATH "
                    + "(it is never accepted as an argument, where it would show in ps and shell history)")
        }
        return AccessToken(value)
    }
}
