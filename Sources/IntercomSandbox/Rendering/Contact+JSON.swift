import ContactIO

extension Contact {
    /// The contact as Intercom 2.16 returns it, fields in Intercom's order.
    /// - Parameters:
    ///   - workspaceID: the workspace's id code.
    ///   - ownerAsInteger: `owner_id` as an integer, as API versions up to 2.15 send it (a string from 2.16).
    func json(workspaceID: String, ownerAsInteger: Bool) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func number(_ value: Int?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        func list(_ kind: String) -> JSONValue {
            .object([
                "type": .string("list"), "data": .array([]), "url": .string("/contacts/\(id)/\(kind)"),
                "total_count": .number("0"), "has_more": .bool(false),
            ])
        }
        let owner: JSONValue =
            ownerID.map { ownerAsInteger ? .number(String($0)) : .string(String($0)) } ?? .null
        let avatarValue: JSONValue =
            avatar.map { .object(["type": .string("avatar"), "image_url": .string($0)]) } ?? .null
        var members: [JSONObject.Member] = []
        func add(_ key: String, _ value: JSONValue) { members.append(JSONObject.Member(key: key, value: value)) }
        add("type", .string("contact"))
        add("id", .string(id))
        add("workspace_id", .string(workspaceID))
        add("external_id", text(externalID))
        add("role", .string(role))
        add("email", .string(email ?? ""))
        add("email_domain", .string(emailDomain ?? ""))
        add("phone", text(phone))
        add("name", text(name))
        add("avatar", avatarValue)
        add("owner_id", owner)
        add("social_profiles", .object(["type": .string("list"), "data": .array([])]))
        add("has_hard_bounced", .bool(hasHardBounced))
        add("marked_email_as_spam", .bool(markedEmailAsSpam))
        add("unsubscribed_from_emails", .bool(unsubscribedFromEmails))
        add("created_at", .number(String(createdAt)))
        add("updated_at", .number(String(updatedAt)))
        add("signed_up_at", number(signedUpAt))
        add("last_seen_at", number(lastSeenAt))
        for key in ["last_replied_at", "last_contacted_at", "last_email_opened_at", "last_email_clicked_at"] {
            add(key, .null)
        }
        for key in ["language_override", "browser", "browser_version", "browser_language", "os"] {
            add(key, .null)
        }
        add(
            "location",
            .object([
                "type": .string("location"), "country": .null, "region": .null, "city": .null,
                "country_code": .null, "continent_code": .null,
            ]))
        for key in [
            "android_app_name", "android_app_version", "android_device", "android_os_version", "android_sdk_version",
            "android_last_seen_at", "ios_app_name", "ios_app_version", "ios_device", "ios_os_version",
            "ios_sdk_version", "ios_last_seen_at",
        ] {
            add(key, .null)
        }
        add("custom_attributes", .object(customAttributes))
        add("tags", list("tags"))
        add("notes", list("notes"))
        add("companies", list("companies"))
        add("opted_out_subscription_types", list("subscriptions"))
        add("opted_in_subscription_types", list("subscriptions"))
        for key in ["utm_campaign", "utm_content", "utm_medium", "utm_source", "utm_term", "referrer"] {
            add(key, .null)
        }
        add("enabled_push_messaging", .null)
        return .object(JSONObject(members))
    }

    /// `{"type":"contact","id":…,"external_id":…,"deleted":true}` and the archive variants.
    func stub(_ flag: String, _ value: Bool) -> JSONValue {
        .object([
            "type": .string("contact"), "id": .string(id),
            "external_id": externalID.map(JSONValue.string) ?? .null, flag: .bool(value),
        ])
    }
}

extension DataAttribute {
    /// The `data_attribute` object.
    var json: JSONValue {
        var object: JSONObject = [
            "type": .string("data_attribute"), "model": .string("contact"), "name": .string(name),
            "full_name": .string(fullName), "label": .string(label), "description": .string(description),
            "data_type": .string(dataType.rawValue), "api_writable": .bool(apiWritable),
            "messenger_writable": .bool(messengerWritable), "ui_writable": .bool(true), "custom": .bool(custom),
            "archived": .bool(false),
        ]
        if let id { object.members.insert(JSONObject.Member(key: "id", value: .number(String(id))), at: 1) }
        if !options.isEmpty { object["options"] = .array(options.map(JSONValue.string)) }
        if let createdAt { object["created_at"] = .number(String(createdAt)) }
        if let updatedAt { object["updated_at"] = .number(String(updatedAt)) }
        if custom { object["admin_id"] = .string("991267816") }
        return .object(object)
    }
}
