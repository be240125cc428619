extension JSONValue {
    /// The value as indented JSON (two spaces), for people reading a terminal.
    public var prettyJSONText: String {
        var text = ""
        appendPretty(to: &text, indent: 0)
        return text
    }

    private func appendPretty(to text: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch self {
        case .array(let elements) where !elements.isEmpty:
            text += "[\n"
            for (index, element) in elements.enumerated() {
                text += pad
                element.appendPretty(to: &text, indent: indent + 1)
                text += index < elements.count - 1 ? ",\n" : "\n"
            }
            text += closePad + "]"
        case .object(let object) where !object.members.isEmpty:
            text += "{\n"
            for (index, member) in object.members.enumerated() {
                text += pad + JSONValue.string(member.key).jsonText + ": "
                member.value.appendPretty(to: &text, indent: indent + 1)
                text += index < object.members.count - 1 ? ",\n" : "\n"
            }
            text += closePad + "}"
        default:
            text += jsonText
        }
    }
}
