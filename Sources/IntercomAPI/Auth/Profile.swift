/// A named connection to one workspace: where it is and who signed in; its token lives in a file of its own.
public struct Profile: Sendable, Equatable {
    public var name: String
    public var region: IntercomConfiguration.Region
    /// The API root when it is not the region's (a sandbox), else nil.
    public var baseURL: String?
    public var workspaceID: String?
    public var workspaceName: String?
    public var adminID: String?
    public var adminName: String?
    public var adminEmail: String?
    /// How the token was obtained: `oauth` or `token` (a private app's access token).
    public var method: String

    public init(
        name: String, region: IntercomConfiguration.Region = .us, baseURL: String? = nil, workspaceID: String? = nil,
        workspaceName: String? = nil, adminID: String? = nil, adminName: String? = nil, adminEmail: String? = nil,
        method: String
    ) {
        self.name = name
        self.region = region
        self.baseURL = baseURL
        self.workspaceID = workspaceID
        self.workspaceName = workspaceName
        self.adminID = adminID
        self.adminName = adminName
        self.adminEmail = adminEmail
        self.method = method
    }

    /// The API root this profile talks to.
    public var apiBase: String { baseURL ?? region.baseURL }

    /// Whether `name` can name a profile (it names its token file too): letters, digits, `-`, `_`, `.`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "-" || $0 == "_" || $0 == "."
            }
    }
}
