/// A data attribute of the contact model: a standard one or a custom one created through the API.
struct DataAttribute: Sendable, Equatable {
    enum DataType: String, Sendable, CaseIterable {
        case string
        case integer
        case float
        case boolean
        case date
        case datetime
        case options
    }

    var id: Int?
    var name: String
    var fullName: String
    var label: String
    var description: String
    var dataType: DataType
    var options: [String]
    var custom: Bool
    var apiWritable: Bool
    var messengerWritable: Bool
    var createdAt: Int?
    var updatedAt: Int?

    /// The standard contact attributes that `GET /data_attributes?model=contact` lists before the custom ones.
    static let standardContactAttributes: [DataAttribute] = [
        ("name", "Name", "The name of a user or lead", DataType.string),
        ("email", "Email", "The email of a user or lead", .string),
        ("phone", "Phone", "The phone number of a user or lead", .string),
        ("external_id", "User ID", "A unique identifier for a user", .string),
        ("role", "Role", "Whether the contact is a user or a lead", .string),
        ("owner_id", "Owner", "The owner of the contact", .integer),
        ("unsubscribed_from_emails", "Unsubscribed from emails", "Whether the contact is unsubscribed", .boolean),
        ("created_at", "Created at", "When the contact was created", .date),
        ("updated_at", "Updated at", "When the contact was last updated", .date),
        ("signed_up_at", "Signed up", "When the user signed up", .date),
        ("last_seen_at", "Last seen", "When the contact was last seen", .date),
    ].map { name, label, description, type in
        DataAttribute(
            id: nil, name: name, fullName: name, label: label, description: description, dataType: type, options: [],
            custom: false, apiWritable: name != "created_at" && name != "updated_at", messengerWritable: false,
            createdAt: nil, updatedAt: nil)
    }
}
