import ContactIO
import ContactMapping
import JSONText

/// A stable 64-bit fingerprint of what a row would send (FNV-1a over the payload's JSON text).
///
/// Stable across runs and processes (unlike `Hasher`), so it can be kept in a state file and compared the next night.
public enum PayloadHash {
    public static func of(_ contact: MappedContact) -> UInt64 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        JSONValue.object(contact.payload).appendJSON(to: &bytes)
        return fnv1a(bytes)
    }

    /// FNV-1a, 64 bits.
    public static func fnv1a<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash
    }
}
