import Hummingbird
import JSONText

extension SandboxRoutes {
    /// `/tags`, `/tags/{id}`, `/contacts/{id}/tags`.
    func registerTags(on router: Router<BasicRequestContext>) {
        router.get("/tags") { _, _ in
            json(.object(["type": .string("list"), "data": .array(store.allTags().map { $0.json() })]))
        }
        router.post("/tags") { request, _ in try tagRequest(try await body(request)) }
        router.get("/tags/:tag_id") { _, context in json(try store.tag(id: try parameter("tag_id", of: context)).json())
        }
        router.delete("/tags/:tag_id") { _, context in
            try store.deleteTag(id: try parameter("tag_id", of: context))
            return Response(status: .ok)
        }
        router.get("/contacts/:id/tags") { _, context in
            let applied = try store.contactTags(id: try parameter("id", of: context))
            let admin = store.settings.admin.id
            return json(
                .object([
                    "type": .string("list"),
                    "data": .array(applied.map { tag, at in tag.json(applied: at, by: admin) }),
                ]))
        }
        router.post("/contacts/:id/tags") { request, context in
            let contactID = try parameter("id", of: context)
            let tagID = try Self.identifier(try await body(request), "id")
            let (tag, applied) = try store.setContactTag(contactID: contactID, tagID: tagID, present: true)
            return json(tag.json(applied: applied, by: store.settings.admin.id))
        }
        router.delete("/contacts/:id/tags/:tag_id") { _, context in
            let (tag, applied) = try store.setContactTag(
                contactID: try parameter("id", of: context), tagID: try parameter("tag_id", of: context),
                present: false)
            return json(tag.json(applied: applied, by: store.settings.admin.id))
        }
    }

    /// `/companies`, `/companies/{id}`, `/contacts/{id}/companies`.
    func registerCompanies(on router: Router<BasicRequestContext>) {
        router.post("/companies") { request, _ in render(try store.upsertCompany(try await body(request))) }
        router.get("/companies") { request, _ in
            let query = request.uri.queryParameters
            // Paging values out of range are taken as the nearest allowed (no 400 is documented for them).
            let page = max(1, query["page"].flatMap { Int(String($0)) } ?? 1)
            let perPage = min(max(1, query["per_page"].flatMap { Int(String($0)) } ?? 15), 60)
            let companyID = query["company_id"].map(String.init)
            let name = query["name"].map(String.init)
            let result = store.companies(
                companyID: companyID, name: name, tagID: query["tag_id"].map(String.init), page: page,
                perPage: perPage)
            // A lookup by company_id or name that finds nothing is a 404, as Intercom answers it.
            if result.total == 0 && (companyID != nil || name != nil) { throw IntercomAPIError.companyNotFound }
            let context = store.companyContext()
            let totalPages = max(1, (result.total + perPage - 1) / perPage)
            return json(
                .object([
                    "type": .string("list"),
                    "data": .array(
                        result.companies.map {
                            $0.json(
                                workspaceID: store.settings.workspaceID, tags: context.tags, plans: context.plans)
                        }),
                    "pages": .object([
                        "type": .string("pages"),
                        // The spec's `next` is an object (`starting_after_paging`); this list pages by number.
                        "next": page < totalPages
                            ? .object(["per_page": .number(String(perPage)), "page": .number(String(page + 1))])
                            : .null,
                        "page": .number(String(page)), "per_page": .number(String(perPage)),
                        "total_pages": .number(String(totalPages)),
                    ]),
                    "total_count": .number(String(result.total)),
                ]))
        }
        router.get("/companies/:company_id") { _, context in
            render(try store.company(id: try parameter("company_id", of: context)))
        }
        router.post("/contacts/:id/companies") { request, context in
            let contactID = try parameter("id", of: context)
            let body = try await body(request)
            guard let companyID = body["id"]?.stringValue, !companyID.isEmpty else {
                throw IntercomAPIError(.badRequest, "parameter_not_found", "company not specified")
            }
            return render(try store.attachCompany(contactID: contactID, companyID: companyID))
        }
        router.get("/contacts/:id/companies") { _, context in
            let companies = try store.contactCompanies(id: try parameter("id", of: context))
            let tagsAndPlans = store.companyContext()
            let rendered = companies.map {
                $0.json(workspaceID: store.settings.workspaceID, tags: tagsAndPlans.tags, plans: tagsAndPlans.plans)
            }
            // The spec's schema names the list `companies`, its example (what Intercom answers) `data`: both.
            return json(
                .object([
                    "type": .string("list"), "data": .array(rendered), "companies": .array(rendered),
                    "total_count": .number(String(companies.count)),
                    "pages": .object([
                        "type": .string("pages"), "next": .null, "page": .number("1"),
                        "per_page": .number(String(max(companies.count, 1))), "total_pages": .number("1"),
                    ]),
                ]))
        }
        router.delete("/contacts/:id/companies/:company_id") { _, context in
            render(
                try store.detachCompany(
                    contactID: try parameter("id", of: context), companyID: try parameter("company_id", of: context)))
        }
    }

    private func render(_ company: Company) -> Response {
        let context = store.companyContext()
        return json(company.json(workspaceID: store.settings.workspaceID, tags: context.tags, plans: context.plans))
    }

    /// `POST /tags`: create or rename a tag, tag or untag companies, or tag (and untag) contacts.
    private func tagRequest(_ body: JSONValue) throws -> Response {
        guard case .object = body, let name = body["name"]?.stringValue, !name.isEmpty else {
            throw IntercomAPIError.invalid("invalid tag parameters")
        }
        if case .array(let users)? = body["users"] {
            guard users.count <= store.settings.tagBatchLimit else {
                throw IntercomAPIError.invalid(
                    "(sandbox) at most \(store.settings.tagBatchLimit) users can be tagged in one call", field: "users")
            }
            let ids = try users.map { user in
                guard let id = user["id"]?.stringValue, !id.isEmpty else {
                    throw IntercomAPIError.invalid("invalid tag parameters", field: "users")
                }
                return (id: id, untag: user["untag"] == .bool(true))
            }
            let tag = try store.tagContacts(named: name, ids: ids)
            return json(
                .object([
                    "type": .string("tag"), "id": .string(tag.id), "name": .string(tag.name),
                    "users": .array(
                        ids.map { .object(["id": .string($0.id), "tagged": .bool(!$0.untag)]) }),
                    "companies": .array([]),
                ]))
        }
        if case .array(let companies)? = body["companies"] {
            let references = try companies.map { company -> (reference: CompanyReference, untag: Bool) in
                let untag = company["untag"] == .bool(true) || company["untag"]?.stringValue == "true"
                if let id = company["id"]?.stringValue { return (.id(id), untag) }
                if let remote = company["company_id"]?.stringValue ?? company["company_id"]?.int64Value.map(String.init)
                {
                    return (.companyID(remote), untag)
                }
                throw IntercomAPIError.invalid("invalid tag parameters", field: "companies")
            }
            let (tag, changed) = try store.tagCompanies(named: name, references: references)
            return json(
                .object([
                    "type": .string("tag"), "id": .string(tag.id), "name": .string(tag.name), "users": .array([]),
                    "companies": .array(
                        changed.map { .object(["id": .string($0.id), "tagged": .bool($0.tagged)]) }),
                ]))
        }
        if let id = body["id"]?.stringValue ?? body["id"]?.int64Value.map(String.init) {
            return json(try store.renameTag(id: id, to: name).json())
        }
        return json(try store.findOrCreateTag(named: name).json())
    }

    /// A required id in a body, string or number.
    private static func identifier(_ body: JSONValue, _ field: String) throws -> String {
        guard let id = body[field]?.stringValue ?? body[field]?.int64Value.map(String.init), !id.isEmpty else {
            throw IntercomAPIError(.badRequest, "parameter_not_found", "\(field) is required", field: field)
        }
        return id
    }
}
