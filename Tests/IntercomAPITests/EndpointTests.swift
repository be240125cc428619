import IntercomAPI
import Testing

/// Endpoints are values: the label statistics count them under, and paths whose parameters cannot reach another
/// endpoint.
struct EndpointTests {
    @Test func labelsAndPaths() {
        #expect(Endpoint.archiveContact.description == "POST /contacts/{id}/archive")
        #expect(Endpoint.archiveContact.path("abc") == "/contacts/abc/archive")
        #expect(Endpoint.contact.path("a/b c") == "/contacts/a%2Fb%20c")
        #expect(Endpoint.contactByExternalID.path("x?y#z") == "/contacts/find_by_external_id/x%3Fy%23z")
        #expect(Endpoint.me.path() == "/me")
    }
}
