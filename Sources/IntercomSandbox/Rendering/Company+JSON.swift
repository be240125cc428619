import JSONText

extension Company {
    /// The company object as Intercom 2.16 returns it.
    func json(workspaceID: String, tags: [String: Tag], plans: [String: String]) -> JSONValue {
        func number(_ value: Int?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        // Fields the spec does not make nullable are left out when unset, not sent as null.
        var object: JSONObject = [
            "type": .string("company"), "company_id": .string(companyID), "id": .string(id),
            "app_id": .string(workspaceID),
        ]
        if let name { object["name"] = .string(name) }
        if let remoteCreatedAt { object["remote_created_at"] = number(remoteCreatedAt) }
        object["created_at"] = number(createdAt)
        object["updated_at"] = number(updatedAt)
        if let lastRequestAt { object["last_request_at"] = number(lastRequestAt) }
        object["monthly_spend"] = number(monthlySpend)
        object["session_count"] = .number("0")
        object["user_count"] = number(userCount)
        if let size { object["size"] = number(size) }
        if let website { object["website"] = .string(website) }
        if let industry { object["industry"] = .string(industry) }
        object["tags"] = .object([
            "type": .string("tag.list"),
            "tags": .array(tagIDs.compactMap { tags[$0] }.map { $0.json() }),
        ])
        object["segments"] = .object(["type": .string("segment.list"), "segments": .array([])])
        if let plan, let planID = plans[plan] {
            object["plan"] = .object(["type": .string("plan"), "id": .string(planID), "name": .string(plan)])
        } else {
            object["plan"] = .object([:])
        }
        object["custom_attributes"] = .object(customAttributes)
        return .object(object)
    }
}

extension Tag {
    /// `{"type":"tag","id":…,"name":…}`, with when and by whom it was applied on a contact.
    func json(applied: AppliedTag? = nil, by admin: Int? = nil) -> JSONValue {
        var object: JSONObject = ["type": .string("tag"), "id": .string(id), "name": .string(name)]
        if let applied {
            object["applied_at"] = .number(String(applied.appliedAt))
            object["applied_by"] =
                admin.map { .object(["type": .string("admin"), "id": .string(String($0))]) } ?? .null
        }
        return .object(object)
    }
}
