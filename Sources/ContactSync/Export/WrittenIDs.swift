import Synchronization

/// The ids a partitioned export has written, when a contact can move between its partitions. Intercom's ids are 24
/// hex digits: kept as their 12 bytes, exactly (no hash that two ids could share), 16 bytes a contact; any other id
/// is kept as it is.
final class WrittenIDs: Sendable {
    struct Packed: Hashable, Sendable {
        var high: UInt64
        var low: UInt32
    }

    private let state = Mutex<(packed: Set<Packed>, other: Set<String>, duplicates: Int)>(([], [], 0))

    /// Records `id`; false (and counted as a duplicate) when it was written already.
    func insert(_ id: String) -> Bool {
        let packed = Self.pack(id)
        return state.withLock { state in
            let inserted = packed.map { state.packed.insert($0).inserted } ?? state.other.insert(id).inserted
            if !inserted { state.duplicates += 1 }
            return inserted
        }
    }

    var duplicates: Int { state.withLock { $0.duplicates } }

    /// The 12 bytes of a 24-hex-digit id (lower case, as Intercom writes them), or nil for any other id.
    static func pack(_ id: String) -> Packed? {
        var high: UInt64 = 0
        var low: UInt32 = 0
        var count = 0
        for byte in id.utf8 {
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 97...102: digit = byte - 87
            default: return nil
            }
            if count < 16 { high = high << 4 | UInt64(digit) } else { low = low << 4 | UInt32(digit) }
            count += 1
        }
        return count == 24 ? Packed(high: high, low: low) : nil
    }
}
