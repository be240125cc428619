import JSONText

extension Record {
    /// The record as a JSON object: NDJSON fields with their kinds, CSV cells as strings.
    public var jsonObject: JSONObject {
        var object = JSONObject()
        object.members.reserveCapacity(fields.count)
        for field in fields {
            let value: JSONValue
            switch field.kind {
            case .string: value = .string(field.text)
            case .null: value = .null
            case .number: value = .number(field.text)
            case .bool: value = .bool(field.text == "true")
            case .object, .array: value = (try? JSONValue.parse(field.text)) ?? .string(field.text)
            }
            object.members.append(JSONObject.Member(key: field.key, value: value))
        }
        return object
    }
}
