import ContactIO
import JSONText

extension InputInspection {
    /// The report for a person.
    var text: String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) {
            lines.append(label.padding(toLength: 14) + value)
        }
        row("file:", name)
        row("format:", format.rawValue)
        row("compression:", compression.rawValue)
        row("encoding:", encoding.description)
        if let delimiter {
            row("delimiter:", InputInspection.delimiterName(delimiter))
        }
        if let header {
            row("header:", "\(header.count) columns: " + header.joined(separator: ", "))
        }
        if let keys {
            row("keys:", "\(keys.count) distinct: " + keys.prefix(50).joined(separator: ", "))
        }
        row("records:", "\(records)")
        row("row errors:", "\(rowErrors)")
        for reason in RowError.Reason.allCases {
            if let count = rowErrorsByReason[reason] {
                row("", "\(count) \(reason.rawValue)")
            }
        }
        if let replaced = replacements.summary(encoding: encoding.encoding) {
            lines.append("replaced:     " + replaced)
        }
        if let skippedFooter { lines.append("note:         " + skippedFooter.description) }
        if !firstErrors.isEmpty {
            lines.append("first row errors:")
            for error in firstErrors {
                lines.append("  \(error)")
            }
        }
        if let failure {
            lines.append("stopped early: \(failure)")
        }
        return lines.joined(separator: "\n")
    }

    /// The report as one JSON object, for scripts.
    var jsonText: String {
        var object: JSONObject = [
            "file": .string(name),
            "format": .string(format.rawValue),
            "compression": .string(compression.rawValue),
            "encoding": .string(encoding.encoding.name),
            "encoding_evidence": .string(encoding.description),
            "replaced_cells": .number(String(replacements.count)),
            "records": .number(String(records)),
            "row_errors": .number(String(rowErrors)),
        ]
        if let delimiter {
            object["delimiter"] = .string(String(UnicodeScalar(delimiter)))
        }
        if let header {
            object["header"] = .array(header.map(JSONValue.string))
        }
        if let keys {
            object["keys"] = .array(keys.map(JSONValue.string))
        }
        object["row_errors_by_reason"] = .object(
            JSONObject(
                RowError.Reason.allCases.compactMap { reason in
                    rowErrorsByReason[reason].map {
                        JSONObject.Member(key: reason.rawValue, value: .number(String($0)))
                    }
                }))
        object["first_errors"] = .array(
            firstErrors.map { error in
                var item: JSONObject = [
                    "line": .number(String(error.line)),
                    "record": .number(String(error.recordNumber)),
                    "reason": .string(error.reason.rawValue),
                    "message": .string(error.message),
                ]
                if let field = error.field { item["field"] = .string(field) }
                return .object(item)
            })
        if let failure {
            object["failure"] = .string(failure.description)
        }
        return JSONValue.object(object).jsonText
    }

    static func delimiterName(_ byte: UInt8) -> String {
        switch byte {
        case 0x09: "tab"
        default: "'\(Character(UnicodeScalar(byte)))'"
        }
    }
}

extension String {
    /// The string padded with spaces to `length` characters.
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
