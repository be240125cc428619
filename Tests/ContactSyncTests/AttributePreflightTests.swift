import AsyncHTTPClient
import ContactMapping
import ContactSync
import Hummingbird
import HummingbirdTesting
import IntercomAPI
import IntercomSandbox
import Logging
import SandboxTestSupport
import Testing

struct AttributePreflightTests {
    let yaml = """
        match: email
        fields:
          email: Email
        custom_attributes:
          plan: {column: Plan, type: string}
          seats: {column: Seats, type: integer}
          renewal: {column: Renewal, type: date}
        """

    @Test func missingAttributesStopTheRunWithOneMessageListingThem() async throws {
        let mapping = try MappingFile.parse(yaml, path: "m.yml")
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "plan", dataType: "string")
            let error = await #expect(throws: PreflightError.self) {
                _ = try await AttributePreflight.run(mapping: mapping, client: client, createMissing: false)
            }
            #expect(
                error?.description == "custom attributes missing from the workspace: seats (integer), renewal (date); "
                    + "create them in Intercom or run with --create-attributes")
            #expect(client.statistics.calls["POST /data_attributes"]?[200] == 1)  // only the test's own
        }
    }

    @Test func createAttributesMakesTheMissingOnesWithTheirTypes() async throws {
        let mapping = try MappingFile.parse(yaml, path: "m.yml")
        try await withClient { client, _ in
            let created = try await AttributePreflight.run(mapping: mapping, client: client, createMissing: true)
            #expect(created == ["plan", "seats", "renewal"])
            let attributes = try await client.dataAttributes()
            #expect(attributes.contains { $0["name"] == .string("seats") && $0["data_type"] == .string("integer") })
            #expect(try await AttributePreflight.run(mapping: mapping, client: client, createMissing: false) == [])
        }
    }

    @Test func aTypeMismatchIsReportedEvenWithCreateAttributes() async throws {
        let mapping = try MappingFile.parse(yaml, path: "m.yml")
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "seats", dataType: "string")
            let error = await #expect(throws: PreflightError.self) {
                _ = try await AttributePreflight.run(mapping: mapping, client: client, createMissing: true)
            }
            #expect(
                error?.description == "custom attributes with another type in the workspace: seats is string in "
                    + "Intercom but integer in the mapping; change the mapping's type")
        }
    }

    /// Company custom attributes (issue #25) are the company model's: checked and created there, not on contacts.
    @Test func companyAttributesAreCheckedAndMadeOnTheCompanyModel() async throws {
        let mapping = try MappingFile.parse(
            """
            fields:
              email: Email
            company:
              company_id: Company ID
              custom_attributes:
                segment: {column: Segment}
                arr: {column: ARR, type: float}
            """, path: "m.yml")
        try await withClient { client, _ in
            _ = try await client.createDataAttribute(name: "segment", dataType: "string")  // a contact attribute
            let error = await #expect(throws: PreflightError.self) {
                _ = try await AttributePreflight.run(mapping: mapping, client: client, createMissing: false)
            }
            #expect(error?.description.contains("company.segment (string), company.arr (float)") == true)
            let created = try await AttributePreflight.run(mapping: mapping, client: client, createMissing: true)
            #expect(created == ["company.segment", "company.arr"])
            let company = try await client.dataAttributes(model: "company")
            #expect(company.contains { $0["name"] == .string("arr") && $0["data_type"] == .string("float") })
            let contact = try await client.dataAttributes(model: "contact")
            #expect(!contact.contains { $0["name"] == .string("arr") })
        }
    }
}
