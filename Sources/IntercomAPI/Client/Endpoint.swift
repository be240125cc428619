import Foundation
import NIOHTTP1

/// One of Intercom's endpoints as a value: its method, its path template, and the label that calls are counted and
/// logged under (`POST /contacts/{id}/archive`, never a concrete id).
public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
    public let method: HTTPMethod
    public let template: String

    public init(_ method: HTTPMethod, _ template: String) {
        self.method = method
        self.template = template
    }

    /// How statistics and logs name the endpoint.
    public var description: String { "\(method.rawValue) \(template)" }

    /// The path, with the template's `{…}` parameters replaced in order by `values`, each percent-encoded as one
    /// path component (a `/` in an id cannot reach another endpoint).
    public func path(_ values: String...) -> String {
        path(values)
    }

    /// ``path(_:)-(String...)`` with the values in an array.
    public func path(_ values: [String]) -> String {
        var path = ""
        var rest = Substring(template)
        var values = values[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            path += rest[..<open]
            path += Self.component(values.popFirst() ?? "")
            rest = rest[rest.index(after: close)...]
        }
        return path + rest
    }

    static func component(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: "/"))) ?? text
    }

    public static let createContact = Endpoint(.POST, "/contacts")
    public static let updateContact = Endpoint(.PUT, "/contacts/{id}")
    public static let contact = Endpoint(.GET, "/contacts/{id}")
    public static let deleteContact = Endpoint(.DELETE, "/contacts/{id}")
    public static let archiveContact = Endpoint(.POST, "/contacts/{id}/archive")
    public static let unarchiveContact = Endpoint(.POST, "/contacts/{id}/unarchive")
    public static let contactByExternalID = Endpoint(.GET, "/contacts/find_by_external_id/{external_id}")
    public static let listContacts = Endpoint(.GET, "/contacts")
    public static let searchContacts = Endpoint(.POST, "/contacts/search")
    public static let dataAttributes = Endpoint(.GET, "/data_attributes")
    public static let createDataAttribute = Endpoint(.POST, "/data_attributes")
    public static let sendMessage = Endpoint(.POST, "/messages")
    public static let me = Endpoint(.GET, "/me")
    public static let listAdmins = Endpoint(.GET, "/admins")
    public static let listTags = Endpoint(.GET, "/tags")
    public static let tagContacts = Endpoint(.POST, "/tags")
    public static let contactTags = Endpoint(.GET, "/contacts/{id}/tags")
    public static let listCompanies = Endpoint(.GET, "/companies")
    public static let upsertCompany = Endpoint(.POST, "/companies")
    public static let contactCompanies = Endpoint(.GET, "/contacts/{id}/companies")
    public static let attachCompany = Endpoint(.POST, "/contacts/{id}/companies")
}
