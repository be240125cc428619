import ContactIO
import IntercomAPI
import JSONText

/// What an update must send so that a contact holds a mapped payload: only the members that differ.
///
/// Contacts are compared through their *state*: the contact's values of the fields a mapping fills, in the shape of
/// a payload (`role`, standard fields, `custom_attributes`). A few hundred bytes, so a worker can keep it for a key
/// that later rows will touch again.
public enum ContactDiff {
    /// The members of `payload` whose values `contact` does not already hold (custom attributes one by one); empty
    /// when nothing would change.
    public static func changes(_ payload: JSONObject, comparedWith contact: IntercomContact) -> JSONObject {
        changes(payload, comparedWith: state(of: contact, standard: standardNames(in: payload), custom: nil))
    }

    /// The members of `payload` that differ from `state` (see ``state(of:standard:custom:)``).
    public static func changes(_ payload: JSONObject, comparedWith state: JSONObject) -> JSONObject {
        var changes = JSONObject()
        let custom: JSONObject
        if case .object(let attributes)? = state["custom_attributes"] { custom = attributes } else { custom = [:] }
        for member in payload.members {
            switch member.key {
            case "custom_attributes":
                guard case .object(let attributes) = member.value else { continue }
                var changed = JSONObject()
                for attribute in attributes.members where !same(attribute.value, custom[attribute.key]) {
                    changed.members.append(attribute)
                }
                if !changed.members.isEmpty {
                    changes.members.append(JSONObject.Member(key: member.key, value: .object(changed)))
                }
            case "unsubscribed_from_emails" where member.value == .null:
                // The flag has no empty value: Intercom keeps it as it is for a null (`empty: clear`), so a null is
                // never a change to send (sending it again every night would change nothing).
                continue
            case "email":
                // Intercom keeps an email as it was sent; the mapping lower-cases it, so compare without case.
                if member.value.stringValue?.lowercased() != state["email"]?.stringValue?.lowercased() {
                    changes.members.append(member)
                }
            default:
                if !same(member.value, state[member.key]) { changes.members.append(member) }
            }
        }
        return changes
    }

    /// The contact's values of the given standard fields and custom attributes (all of its custom attributes when
    /// `custom` is nil), in the shape of a payload; absent values are null.
    public static func state(of contact: IntercomContact, standard: [String], custom: [String]?) -> JSONObject {
        var state = JSONObject()
        state.members.reserveCapacity(standard.count + 2)
        state.members.append(JSONObject.Member(key: "role", value: .string(contact.role)))
        for name in standard where name != "role" {
            let value: JSONValue
            switch name {
            case "avatar": value = contact.avatarURL.map(JSONValue.string) ?? .null
            case "unsubscribed_from_emails": value = .bool(contact.unsubscribedFromEmails)
            default: value = contact.raw[name] ?? .null
            }
            state.members.append(JSONObject.Member(key: name, value: value))
        }
        var attributes = JSONObject()
        if let custom {
            for name in custom {
                attributes.members.append(JSONObject.Member(key: name, value: contact.customAttributes[name] ?? .null))
            }
        } else {
            attributes = contact.customAttributes
        }
        state.members.append(JSONObject.Member(key: "custom_attributes", value: .object(attributes)))
        return state
    }

    /// `state` after an update that sent `changes`.
    public static func applying(_ changes: JSONObject, to state: JSONObject) -> JSONObject {
        var result = state
        for member in changes.members {
            if member.key == "custom_attributes", case .object(let changed) = member.value,
                case .object(var attributes)? = result["custom_attributes"]
            {
                for attribute in changed.members { attributes[attribute.key] = attribute.value }
                result["custom_attributes"] = .object(attributes)
            } else {
                result[member.key] = member.value
            }
        }
        return result
    }

    private static func standardNames(in payload: JSONObject) -> [String] {
        payload.members.map(\.key).filter { $0 != "custom_attributes" }
    }

    /// Equal as Intercom would store them: null and absent alike, numbers by value, a number and its text alike
    /// (`owner_id` is an integer or a string depending on the API version).
    static func same(_ new: JSONValue, _ old: JSONValue?) -> Bool {
        switch (new, old ?? .null) {
        case (.null, .null):
            return true
        case (.number(let a), .number(let b)):
            return a == b || (Double(a) != nil && Double(a) == Double(b))
        case (.number(let a), .string(let b)), (.string(let b), .number(let a)):
            return a == b
        case (let a, let b):
            return a == b
        }
    }
}
