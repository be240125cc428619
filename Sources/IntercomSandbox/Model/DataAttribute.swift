/// A data attribute of the contact or company model: a standard one or a custom one created through the API.
struct DataAttribute: Sendable, Equatable {
    /// The model an attribute describes; each has its own list.
    enum Model: String, Sendable {
        case contact
        case company
    }

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
    var model: Model = .contact
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
            id: nil, model: .contact, name: name, fullName: name, label: label, description: description,
            dataType: type, options: [], custom: false, apiWritable: name != "created_at" && name != "updated_at",
            messengerWritable: false, createdAt: nil, updatedAt: nil)
    }

    /// The standard company attributes that `GET /data_attributes?model=company` lists before the custom ones.
    static let standardCompanyAttributes: [DataAttribute] = [
        ("name", "name", "Company name", "The name of the company", DataType.string),
        ("company_id", "company_id", "Company ID", "A unique identifier for the company", .string),
        ("created_at", "created_at", "Company created at", "When the company was added to Intercom", .date),
        ("remote_created_at", "remote_created_at", "Company remote created at", "When the company was created", .date),
        ("last_request_at", "last_request_at", "Company last seen", "When a user of the company was last seen", .date),
        ("plan", "plan.name", "Company plan", "The plan the company is on", .string),
        ("monthly_spend", "monthly_spend", "Company monthly spend", "How much the company pays", .float),
        ("size", "size", "Company size", "The number of employees", .integer),
        ("website", "website", "Company website", "The company's website", .string),
        ("industry", "industry", "Company industry", "The company's industry", .string),
        ("user_count", "user_count", "Company users", "The number of users in the company", .integer),
    ].map { name, fullName, label, description, type in
        DataAttribute(
            id: nil, model: .company, name: name, fullName: fullName, label: label, description: description,
            dataType: type, options: [], custom: false, apiWritable: !["created_at", "user_count"].contains(name),
            messengerWritable: false, createdAt: nil, updatedAt: nil)
    }

    /// The standard attributes of `model`.
    static func standard(_ model: Model) -> [DataAttribute] {
        model == .contact ? standardContactAttributes : standardCompanyAttributes
    }
}
