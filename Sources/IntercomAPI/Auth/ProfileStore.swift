import Foundation
import JSONText

#if canImport(Glibc)
    import Glibc
#endif

/// Where profiles live: `$XDG_CONFIG_HOME/intercom-etl/` (or `~/.config/intercom-etl/`), a folder of mode 0700 that
/// holds `profiles.json` (no secret in it) and `tokens/NAME`, one token per file of mode 0600.
public struct ProfileStore: Sendable {
    /// The folder.
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The usual folder for this user.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ProfileStore {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return ProfileStore(directory: base + "/intercom-etl")
    }

    public var configPath: String { directory + "/profiles.json" }
    public var tokensDirectory: String { directory + "/tokens" }

    public func tokenPath(_ name: String) -> String { tokensDirectory + "/" + name }

    /// Every profile, by name.
    public func profiles() throws(IntercomError) -> [Profile] {
        guard let data = FileManager.default.contents(atPath: configPath) else { return [] }
        guard case .object(let root)? = try? JSONValue.parse(Array(data)),
            case .object(let entries)? = root["profiles"]
        else {
            throw IntercomError(.configuration, message: "\(configPath) is not a profiles file this version reads")
        }
        return entries.members.compactMap { member in
            let value = member.value
            return Profile(
                name: member.key,
                region: value["region"]?.stringValue.flatMap(IntercomConfiguration.Region.init(rawValue:)) ?? .us,
                baseURL: value["base_url"]?.stringValue, workspaceID: value["workspace_id"]?.stringValue,
                workspaceName: value["workspace_name"]?.stringValue, adminID: value["admin"]?["id"]?.stringValue,
                adminName: value["admin"]?["name"]?.stringValue, adminEmail: value["admin"]?["email"]?.stringValue,
                method: value["method"]?.stringValue ?? "token")
        }.sorted { $0.name < $1.name }
    }

    public func profile(named name: String) throws(IntercomError) -> Profile? {
        try profiles().first { $0.name == name }
    }

    /// Stores `profile` and its token: the token file first (0600, in a 0700 folder), then the profiles file.
    public func save(_ profile: Profile, token: AccessToken) throws(IntercomError) {
        guard Profile.isValidName(profile.name) else {
            throw IntercomError(
                .configuration, message: "'\(profile.name)' cannot name a profile: use letters, digits, - _ .")
        }
        try makePrivateDirectory(directory)
        try makePrivateDirectory(tokensDirectory)
        try writePrivately(Array((token.secret + "\n").utf8), to: tokenPath(profile.name))
        var all = try profiles().filter { $0.name != profile.name }
        all.append(profile)
        try writeConfig(all)
    }

    /// Forgets a profile and deletes its token file; false when there was no such profile.
    public func remove(named name: String) throws(IntercomError) -> Bool {
        let all = try profiles()
        let hadToken = FileManager.default.fileExists(atPath: tokenPath(name))
        guard all.contains(where: { $0.name == name }) || hadToken else { return false }
        try? FileManager.default.removeItem(atPath: tokenPath(name))
        try writeConfig(all.filter { $0.name != name })
        return true
    }

    /// The token of a profile; refused when its file can be read by others.
    public func token(for name: String) throws(IntercomError) -> AccessToken {
        let path = tokenPath(name)
        if let problem = AccessToken.exposure(of: path) {
            throw IntercomError(.configuration, message: "profile '\(name)': \(problem)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IntercomError(
                .configuration,
                message: "profile '\(name)' has no token (\(path) is missing): run auth login --profile \(name)")
        }
        let token = AccessToken(String(decoding: data, as: UTF8.self))
        guard !token.secret.isEmpty else {
            throw IntercomError(.configuration, message: "profile '\(name)': its token file \(path) is empty")
        }
        return token
    }

    private func writeConfig(_ profiles: [Profile]) throws(IntercomError) {
        var entries = JSONObject()
        for profile in profiles.sorted(by: { $0.name < $1.name }) {
            var entry: JSONObject = ["region": .string(profile.region.rawValue), "method": .string(profile.method)]
            if let baseURL = profile.baseURL { entry["base_url"] = .string(baseURL) }
            if let id = profile.workspaceID { entry["workspace_id"] = .string(id) }
            if let name = profile.workspaceName { entry["workspace_name"] = .string(name) }
            var admin = JSONObject()
            if let id = profile.adminID { admin["id"] = .string(id) }
            if let name = profile.adminName { admin["name"] = .string(name) }
            if let email = profile.adminEmail { admin["email"] = .string(email) }
            if !admin.members.isEmpty { entry["admin"] = .object(admin) }
            entries[profile.name] = .object(entry)
        }
        let root: JSONValue = .object([
            "note": .string("intercom-etl profiles; each token is in tokens/NAME (mode 0600), never here"),
            "profiles": .object(entries),
        ])
        try makePrivateDirectory(directory)
        try writePrivately(Array((root.prettyJSONText + "\n").utf8), to: configPath)
    }

    /// Creates `path` with mode 0700, or narrows an existing folder of ours to it.
    private func makePrivateDirectory(_ path: String) throws(IntercomError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            // The parent (`~/.config`) may be missing too.
            do {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw IntercomError(.configuration, message: "cannot create \(path): \(error.localizedDescription)")
            }
        }
        guard chmod(path, 0o700) == 0 else {
            throw IntercomError(.configuration, message: "cannot make \(path) private (chmod 700)")
        }
    }

    /// Writes `bytes` to a new file of mode 0600 beside `path`, then renames it over `path`: never readable by
    /// others, never half written.
    private func writePrivately(_ bytes: [UInt8], to path: String) throws(IntercomError) {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw IntercomError(.configuration, message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        // The mode given to open is narrowed by the umask, never widened: set it exactly.
        fchmod(descriptor, 0o600)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw IntercomError(.configuration, message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

extension AccessToken {
    /// Why the file at `path` exposes a secret (group or others may read or write it, or its folder), with the fix;
    /// nil when it is private or cannot be looked at.
    public static func exposure(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 != 0 else { return nil }
        return "\(path) can be read by others (mode \(String(mode, radix: 8))): run chmod 600 '\(path)'"
    }
}
