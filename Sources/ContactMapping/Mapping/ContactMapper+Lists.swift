import ContactIO
import JSONText

/// The tags and companies of one row, gathered rule by rule while it is mapped.
struct ListValues {
    private var tags: [String] = []
    private var seenTags: Set<String> = []
    private var ids: [String] = []
    private var names: [String] = []
    private var fields = JSONObject()
    private var custom = JSONObject()

    /// Adds what rule `index` (a tag or company rule) gave.
    mutating func add(_ index: Int, _ value: RuleValue, _ program: RuleProgram) {
        let step = program.steps[index]
        func pieces(keepBlanks: Bool = false) -> [String] {
            guard case .text(let text) = value else { return [] }
            return RuleProgram.pieces(text, program.listSeparators[index], keepBlanks: keepBlanks).map {
                String(decoding: $0, as: UTF8.self)
            }
        }
        switch step.target {
        case .contact:
            return
        case .tag:
            // Intercom's tag names ignore case: the first spelling stands for the others.
            for tag in pieces() where seenTags.insert(tag.lowercased()).inserted { tags.append(tag) }
        case .company:
            let name = program.names[index]
            if step.isCustomAttribute {
                custom.members.append(JSONObject.Member(key: name, value: value.json))
            } else if name == "company_id" {
                // Blank positions kept, so that ids and names pair up; a blank id gives no company.
                ids = pieces(keepBlanks: true).map { $0.isEmpty ? "" : program.slugs[index] ? Slug.make($0) : $0 }
            } else if name == "name" {
                names = pieces(keepBlanks: true)
            } else {
                fields.members.append(JSONObject.Member(key: name, value: value.json))
            }
        }
    }

    /// The tags, and the companies (ids and names paired by position; the other fields belong to a single company).
    func finish() -> (tags: [String], companies: [CompanyInput]) {
        var companies: [CompanyInput] = []
        var seen: Set<String> = []
        for (position, id) in ids.enumerated() where !id.isEmpty && seen.insert(id).inserted {
            var payload = JSONObject()
            payload.members.append(JSONObject.Member(key: "company_id", value: .string(id)))
            if position < names.count && !names[position].isEmpty {
                payload.members.append(JSONObject.Member(key: "name", value: .string(names[position])))
            }
            payload.members += fields.members
            if !custom.members.isEmpty {
                payload.members.append(JSONObject.Member(key: "custom_attributes", value: .object(custom)))
            }
            companies.append(CompanyInput(companyID: id, payload: payload))
        }
        return (tags, companies)
    }
}

/// A company id made from a company's name: lower case, letters and digits kept (any script), every other run of
/// characters one `-`; the same name always gives the same id ("ACME, Inc." and "Acme Inc" give `acme-inc`).
public enum Slug {
    public static func make(_ name: String) -> String {
        var result = ""
        var pendingDash = false
        for scalar in name.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if pendingDash && !result.isEmpty { result.append("-") }
                pendingDash = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        // A name of only punctuation keeps itself rather than become no id at all.
        return result.isEmpty ? name.lowercased() : result
    }
}

extension ContactMapper {
    /// The reject of a row whose company rules do not name companies Intercom can create.
    func companyProblem(_ reason: RejectReason, _ pieces: CompanyPieces) -> FieldReject {
        switch reason {
        case .missingCompanyID:
            return FieldReject(
                field: "company_id", value: nil, reason: reason,
                message: "a company is named but its company_id is empty; Intercom needs one to create the company "
                    + "(or derive it: company_id: {from: name, slug: true})")
        default:
            return FieldReject(
                field: "company_id", value: nil, reason: reason,
                message: "the row names \(pieces.names) companies but \(pieces.ids) company ids; each company needs "
                    + "its own id, in the same order")
        }
    }
}
