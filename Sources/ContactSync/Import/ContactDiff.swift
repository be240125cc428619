import ContactIO
import IntercomAPI

/// What an update must send so that a contact holds a mapped payload: only the members that differ.
public enum ContactDiff {
    /// The members of `payload` whose values `contact` does not already hold (custom attributes one by one); empty
    /// when nothing would change.
    public static func changes(_ payload: JSONObject, comparedWith contact: IntercomContact) -> JSONObject {
        var changes = JSONObject()
        for member in payload.members {
            switch member.key {
            case "custom_attributes":
                guard case .object(let custom) = member.value else { continue }
                var changed = JSONObject()
                for attribute in custom.members
                where !same(attribute.value, contact.customAttributes[attribute.key]) {
                    changed.members.append(attribute)
                }
                if !changed.members.isEmpty {
                    changes.members.append(JSONObject.Member(key: member.key, value: .object(changed)))
                }
            case "role":
                if member.value.stringValue != contact.role { changes.members.append(member) }
            case "avatar":
                if !same(member.value, contact.avatarURL.map(JSONValue.string)) { changes.members.append(member) }
            case "email":
                // Intercom keeps an email as it was sent; the mapping lower-cases it, so compare without case.
                let existing = contact.email?.lowercased()
                if member.value.stringValue?.lowercased() != existing { changes.members.append(member) }
            default:
                if !same(member.value, contact.raw[member.key]) { changes.members.append(member) }
            }
        }
        return changes
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
        case (.string(let a), .string(let b)):
            return a == b
        case (.bool(let a), .bool(let b)):
            return a == b
        case (let a, let b):
            return a == b
        }
    }
}
