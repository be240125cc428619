import Crypto
import Foundation
import JSONText

/// Makes paging cursors opaque and tamper-proof: a cursor is base64 of a keyed MAC followed by its JSON payload.
///
/// A client can only hand back a cursor the sandbox made, so no request can steer paging arithmetic with values of
/// its own (a page counter of `Int.max`, a sort value of 1e300): a tampered, truncated or foreign cursor fails the MAC
/// check and gets Intercom's 400, as an unknown one does on the real service.
struct CursorSealer: Sendable {
    /// Bytes of HMAC-SHA256 kept in a cursor: 128 bits, far beyond guessing within any rate limit.
    static let macLength = 16
    /// Longer cursors are refused before any work: a real one is a few dozen bytes plus a sort value.
    static let maxLength = 8_192

    private let key: SymmetricKey

    /// A sealer with the given secret (at least 16 bytes), or a fresh random one.
    init(secret: [UInt8]? = nil) {
        key = secret.map { SymmetricKey(data: $0) } ?? SymmetricKey(size: .bits256)
    }

    /// A new random secret, to be kept with a persistent workspace so that its cursors survive a restart.
    static func randomSecret() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// The cursor for `payload`.
    func seal(_ payload: JSONValue) -> String {
        let body = Array(payload.jsonText.utf8)
        return Data(mac(body) + body).base64EncodedString()
    }

    /// The payload of a cursor this sealer made; nil for anything else.
    func open(_ text: String) -> JSONValue? {
        guard text.utf8.count <= Self.maxLength, let data = Data(base64Encoded: text),
            data.count > Self.macLength
        else { return nil }
        let bytes = Array(data)
        let body = Array(bytes[Self.macLength...])
        let expected = mac(body)
        // Compare every byte, so the time taken says nothing about where a forged MAC goes wrong.
        var difference: UInt8 = 0
        for index in 0..<Self.macLength { difference |= bytes[index] ^ expected[index] }
        guard difference == 0 else { return nil }
        return try? JSONValue.parse(body)
    }

    private func mac(_ body: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: body, using: key)).prefix(Self.macLength).map { $0 }
    }
}
