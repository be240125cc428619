import ContactIO
import ContactSync
import IntercomAPI
import JSONText
import Testing

struct ContactDiffTests {
    func contact(_ extra: JSONObject = [:]) throws -> IntercomContact {
        var object: JSONObject = [
            "type": .string("contact"), "id": .string("c1"), "role": .string("user"),
            "email": .string("Ada@Example.com"), "name": .string("Ada"), "owner_id": .string("991267816"),
            "avatar": .object(["type": .string("avatar"), "image_url": .string("https://x.example/a.png")]),
            "created_at": .number("1"), "updated_at": .number("2"), "signed_up_at": .number("100"),
            "phone": .null,
            "custom_attributes": .object(["seats": .number("3"), "price": .number("1.5"), "plan": .string("pro")]),
        ]
        for member in extra.members { object[member.key] = member.value }
        return try IntercomContact(json: .object(object))
    }

    @Test func equalValuesInAnotherSpellingAreNotChanges() throws {
        let payload: JSONObject = [
            "role": .string("user"), "email": .string("ada@example.com"), "owner_id": .number("991267816"),
            "avatar": .string("https://x.example/a.png"), "signed_up_at": .number("100"), "phone": .null,
            "custom_attributes": .object(["seats": .number("3"), "price": .number("1.50"), "plan": .string("pro")]),
        ]
        #expect(ContactDiff.changes(payload, comparedWith: try contact()).members.isEmpty)
    }

    @Test func onlyTheDifferingMembersAreSent() throws {
        let payload: JSONObject = [
            "role": .string("user"), "name": .string("Ada L."), "phone": .string("+442079460001"),
            "custom_attributes": .object(["seats": .number("4"), "plan": .string("pro"), "new": .bool(true)]),
        ]
        let changes = ContactDiff.changes(payload, comparedWith: try contact())
        #expect(
            changes
                == [
                    "name": .string("Ada L."), "phone": .string("+442079460001"),
                    "custom_attributes": .object(["seats": .number("4"), "new": .bool(true)]),
                ])
    }

    @Test func aRoleChangeAndAClearedFieldAreChanges() throws {
        let payload: JSONObject = ["role": .string("user"), "name": .null]
        let changes = ContactDiff.changes(payload, comparedWith: try contact(["role": .string("lead")]))
        #expect(changes == ["role": .string("user"), "name": .null])
    }
}
