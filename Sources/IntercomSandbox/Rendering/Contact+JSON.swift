import JSONText

extension Contact {
    /// Appends the contact as Intercom 2.16 returns it, fields in Intercom's order, as compact JSON.
    ///
    /// Written straight to bytes rather than through a `JSONValue` tree: pages of 150 contacts are what an export
    /// asks for, and building and then encoding sixty members a contact took most of the sandbox's time.
    /// - Parameters:
    ///   - workspaceID: the workspace's id code.
    ///   - ownerAsInteger: `owner_id` as an integer, as API versions up to 2.15 send it (a string from 2.16).
    func appendJSON(workspaceID: String, ownerAsInteger: Bool, to bytes: inout [UInt8]) {
        func raw(_ text: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        func text(_ value: String?) {
            if let value { appendJSONString(value, to: &bytes) } else { raw("null") }
        }
        func number(_ value: Int?) {
            if let value { bytes.append(contentsOf: String(value).utf8) } else { raw("null") }
        }
        /// A sub-resource list: at most 10 addressable items (`type`, `id`, `url`), the count, and whether more are
        /// at the list's own url.
        func list(_ kind: StaticString, _ type: StaticString = "", _ ids: [String] = []) {
            raw(#"{"type":"list","data":["#)
            for (index, item) in ids.prefix(10).enumerated() {
                raw(index == 0 ? #"{"type":""# : #",{"type":""#)
                raw(type)
                raw(#"","id":"#)
                appendJSONString(item, to: &bytes)
                raw(#","url":"/"#)
                raw(kind)
                raw("/")
                bytes.append(contentsOf: item.utf8)
                raw(#""}"#)
            }
            raw(#"],"url":"/contacts/"#)
            bytes.append(contentsOf: id.utf8)
            raw("/")
            raw(kind)
            raw(#"","total_count":"#)
            bytes.append(contentsOf: String(ids.count).utf8)
            raw(ids.count > 10 ? #","has_more":true}"# : #","has_more":false}"#)
        }
        raw(#"{"type":"contact","id":"#)
        appendJSONString(id, to: &bytes)
        raw(#","workspace_id":"#)
        appendJSONString(workspaceID, to: &bytes)
        raw(#","external_id":"#)
        text(externalID)
        raw(#","role":"#)
        appendJSONString(role, to: &bytes)
        raw(#","email":"#)
        appendJSONString(email ?? "", to: &bytes)
        raw(#","email_domain":"#)
        appendJSONString(emailDomain ?? "", to: &bytes)
        raw(#","phone":"#)
        text(phone)
        raw(#","name":"#)
        text(name)
        raw(#","avatar":"#)
        if let avatar {
            raw(#"{"type":"avatar","image_url":"#)
            appendJSONString(avatar, to: &bytes)
            raw("}")
        } else {
            raw("null")
        }
        raw(#","owner_id":"#)
        if let ownerID {
            if ownerAsInteger { number(ownerID) } else { appendJSONString(String(ownerID), to: &bytes) }
        } else {
            raw("null")
        }
        raw(#","social_profiles":{"type":"list","data":[]},"has_hard_bounced":"#)
        raw(hasHardBounced ? "true" : "false")
        raw(#","marked_email_as_spam":"#)
        raw(markedEmailAsSpam ? "true" : "false")
        raw(#","unsubscribed_from_emails":"#)
        raw(unsubscribedFromEmails ? "true" : "false")
        raw(#","created_at":"#)
        number(createdAt)
        raw(#","updated_at":"#)
        number(updatedAt)
        raw(#","signed_up_at":"#)
        number(signedUpAt)
        raw(#","last_seen_at":"#)
        number(lastSeenAt)
        raw(
            #"""
            ,"last_replied_at":null,"last_contacted_at":null,"last_email_opened_at":null,\#
            "last_email_clicked_at":null,"language_override":null,"browser":null,"browser_version":null,\#
            "browser_language":null,"os":null,"location":{"type":"location","country":null,"region":null,\#
            "city":null,"country_code":null,"continent_code":null},"android_app_name":null,\#
            "android_app_version":null,"android_device":null,"android_os_version":null,\#
            "android_sdk_version":null,"android_last_seen_at":null,"ios_app_name":null,"ios_app_version":null,\#
            "ios_device":null,"ios_os_version":null,"ios_sdk_version":null,"ios_last_seen_at":null,\#
            "custom_attributes":
            """#)
        JSONValue.object(customAttributes).appendJSON(to: &bytes)
        raw(#","tags":"#)
        list("tags", "tag", tags.map(\.id))
        raw(#","notes":"#)
        list("notes")
        raw(#","companies":"#)
        list("companies", "company", companyIDs)
        raw(#","opted_out_subscription_types":"#)
        list("subscriptions")
        raw(#","opted_in_subscription_types":"#)
        list("subscriptions")
        raw(
            #"""
            ,"utm_campaign":null,"utm_content":null,"utm_medium":null,"utm_source":null,"utm_term":null,\#
            "referrer":null,"enabled_push_messaging":null}
            """#)
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
    /// The `data_type` Intercom answers: a list attribute is a string one with options (the spec's enum has no
    /// `options`, and Intercom answers `string`).
    var renderedType: String { dataType == .options ? DataType.string.rawValue : dataType.rawValue }

    /// The `data_attribute` object.
    var json: JSONValue {
        var object: JSONObject = [
            "type": .string("data_attribute"), "model": .string(model.rawValue), "name": .string(name),
            "full_name": .string(fullName), "label": .string(label), "description": .string(description),
            "data_type": .string(renderedType), "api_writable": .bool(apiWritable),
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
