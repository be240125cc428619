import ContactIO
import JSONText
import Synchronization

/// A mapping compiled once for one input's layout: the single statement of what every rule makes of a record.
///
/// ``ContactMapper/map(_:)`` (the payload an import sends), ``ContactMapper/check(_:)`` (the verdict `validate`
/// gives), the match key and the look at repeated keys all run ``evaluate(_:_:_:_:)``; `check` only skips building
/// the JSON. So `validate` cannot pass what `import` refuses: there is no second copy of a rule to drift.
///
/// The per-rule values a row needs are plain (``Step``); arrays a rule needs besides are kept by the rule's index, so
/// that reading a step for every rule of every row copies a few words and retains nothing.
final class RuleProgram: @unchecked Sendable {
    /// One rule, in plain values.
    ///
    /// Its yes-or-no facts are bits of one word (``Flags``): as separate booleans, every rule of every row copied
    /// them into registers and spilled them to the stack one by one.
    struct Step: Sendable {
        var type: MappingFile.ValueType
        var source: SourceKind
        /// Where the value goes: the contact's payload, its tags or its companies.
        var target: MappingFile.Target
        var flags: Flags
        /// The CSV column of a `column` source (-1 for NDJSON, whose rules find their key by name).
        var column: Int
        /// The transforms in order, two bits each (``MappingFile/TextTransform`` by position), and how many.
        var transformCodes: UInt64
        var transformCount: Int
        /// Where the rule's CSV columns are in ``columnIndexes`` (-1: a column is an NDJSON key, see ``columns``), and
        /// how many it has.
        var columnStart: Int32
        var columnCount: Int32
        /// Where the rule's sources are in ``keySlots``.
        var keySlotStart: Int32
        /// Where the rule's date formats are in ``formats``, and how many.
        var formatStart: Int32
        var formatCount: Int32

        struct Flags: OptionSet, Sendable {
            let rawValue: UInt16

            static let hasValueMap = Flags(rawValue: 1 << 0)
            static let hasDefault = Flags(rawValue: 1 << 1)
            static let isEmail = Flags(rawValue: 1 << 2)
            static let isExternalID = Flags(rawValue: 1 << 3)
            static let isMatch = Flags(rawValue: 1 << 4)
            static let isID = Flags(rawValue: 1 << 5)
            static let isCustomAttribute = Flags(rawValue: 1 << 6)
            static let hasRegionColumn = Flags(rawValue: 1 << 7)
            static let hasPhoneRegion = Flags(rawValue: 1 << 8)
            static let takesExtension = Flags(rawValue: 1 << 9)
            static let extensionMapped = Flags(rawValue: 1 << 10)
            static let skipsInvalid = Flags(rawValue: 1 << 11)
            static let isList = Flags(rawValue: 1 << 12)
        }

        var hasValueMap: Bool { flags.contains(.hasValueMap) }
        var hasDefault: Bool { flags.contains(.hasDefault) }
        var isEmail: Bool { flags.contains(.isEmail) }
        var isExternalID: Bool { flags.contains(.isExternalID) }
        var isMatch: Bool { flags.contains(.isMatch) }
        /// The standard `id` field: it finds the contact and is never sent.
        var isID: Bool { flags.contains(.isID) }
        var isCustomAttribute: Bool { flags.contains(.isCustomAttribute) }
        /// A phone rule whose region comes from a column of each row (``RuleProgram/regionColumns``).
        var hasRegionColumn: Bool { flags.contains(.hasRegionColumn) }
        /// A phone rule with a region for numbers without their calling code.
        var hasPhoneRegion: Bool { flags.contains(.hasPhoneRegion) }
        /// The rule gives its phone number's extension, not the number (`extension_to`).
        var takesExtension: Bool { flags.contains(.takesExtension) }
        /// A phone rule whose extensions another rule sends: they are not dropped.
        var extensionMapped: Bool { flags.contains(.extensionMapped) }
        /// `invalid: skip`: a refused value leaves the field out with a warning instead of rejecting the row.
        var skipsInvalid: Bool { flags.contains(.skipsInvalid) }
        /// The cell names several (tags, companies), split at ``RuleProgram/listSeparators``: each piece is checked.
        var isList: Bool { flags.contains(.isList) }

        init(
            type: MappingFile.ValueType, source: SourceKind, column: Int, transformCodes: UInt64, transformCount: Int,
            hasValueMap: Bool, hasDefault: Bool, isEmail: Bool, isExternalID: Bool, isMatch: Bool, isID: Bool,
            isCustomAttribute: Bool, hasRegionColumn: Bool, hasPhoneRegion: Bool, takesExtension: Bool,
            extensionMapped: Bool, skipsInvalid: Bool, columnStart: Int32, columnCount: Int32, keySlotStart: Int32,
            formatStart: Int32, formatCount: Int32, target: MappingFile.Target, isList: Bool
        ) {
            self.type = type
            self.source = source
            self.target = target
            self.column = column
            self.transformCodes = transformCodes
            self.transformCount = transformCount
            self.columnStart = columnStart
            self.columnCount = columnCount
            self.keySlotStart = keySlotStart
            self.formatStart = formatStart
            self.formatCount = formatCount
            let facts: [(Bool, Flags)] = [
                (hasValueMap, .hasValueMap), (hasDefault, .hasDefault), (isEmail, .isEmail),
                (isExternalID, .isExternalID), (isMatch, .isMatch), (isID, .isID),
                (isCustomAttribute, .isCustomAttribute), (hasRegionColumn, .hasRegionColumn),
                (hasPhoneRegion, .hasPhoneRegion), (takesExtension, .takesExtension),
                (extensionMapped, .extensionMapped), (skipsInvalid, .skipsInvalid), (isList, .isList),
            ]
            flags = Flags(facts.filter(\.0).map(\.1))
        }
    }

    enum SourceKind: Sendable {
        case column
        case constant
        case concat
        case coalesce
    }

    /// Transforms fit two bits each; a longer list than this is refused by the mapping loader's limit below.
    static let maxTransforms = 32

    /// The steps, in memory the program owns: read for every rule of every row without reference counting.
    let steps: UnsafeMutableBufferPointer<Step>
    let names: [String]
    let columns: [[ContactMapper.ColumnReference]]
    /// Constants, separators and defaults, in ``storage``: the program owns them, so their bytes stay put.
    let constants: [UnsafeBufferPointer<UInt8>]
    let separators: [UnsafeBufferPointer<UInt8>]
    let defaults: [UnsafeBufferPointer<UInt8>]
    /// The separators of list rules (tags, companies), empty for others.
    let listSeparators: [UnsafeBufferPointer<UInt8>]
    /// Company id rules made from the name (``MappingFile/Rule/slug``).
    let slugs: [Bool]
    /// Value maps by their exact keys.
    let valueMaps: [[String: [UInt8]]]
    /// The CSV column of every rule's every source, and every rule's date formats, one rule after another in memory
    /// the program owns: walked for every row without retaining an array (``Step`` says where a rule's are).
    let columnIndexes: UnsafeMutableBufferPointer<Int>
    let formats: UnsafeMutableBufferPointer<DateFormat>
    /// For every rule's every source that is an NDJSON key: the slot where records keep its field index for this
    /// program (``RecordBuffer/keptIndex(slot:owner:)``), -1 for other sources; and the program's number, unique in
    /// the process (an address could be a freed program's).
    let keySlots: UnsafeMutableBufferPointer<Int>
    let identity: Int
    private static let identities = Atomic<Int>(1)
    /// Each phone rule's region for numbers without their calling code, and the column naming each row's.
    let regions: [PhoneRegion?]
    let regionColumns: [ContactMapper.ColumnReference?]
    /// Each phone rule's region's facts for the fast path, in memory the program owns (read on every row).
    let phoneFacts: UnsafeMutableBufferPointer<PhoneRegion.FastFacts?>
    /// Each date rule's time zone for timestamps without an offset (nil: UTC).
    let zones: [TimeZoneOffsets?]
    /// The match key's rule, if the mapping has one.
    let matchRule: Int?
    /// Whether a fixed role is `user` (which needs an email or an external id); nil when the role is a column's.
    let fixedRoleIsUser: Bool?
    /// `empty: clear`: a blank rule sends null.
    let clearsBlanks: Bool
    /// Every rule's ``Shortcut``, in memory the program owns (read for every rule of every row).
    let shortcuts: UnsafeMutableBufferPointer<Shortcut>
    private let storage: UnsafeMutableBufferPointer<UInt8>

    init(
        _ mapping: MappingFile, columns: [[ContactMapper.ColumnReference]],
        regionColumns: [ContactMapper.ColumnReference?]
    ) {
        var steps: [Step] = []
        var texts: [[UInt8]] = []
        var flatColumns: [Int] = []
        var flatFormats: [DateFormat] = []
        var flatSlots: [Int] = []
        for (rule, ruleColumns) in zip(mapping.rules, columns) {
            let source: SourceKind
            var constant = "", separator = ""
            switch rule.source {
            case .column: source = .column
            case .constant(let text): source = .constant; constant = text
            case .concat(_, let text): source = .concat; separator = text
            case .coalesce: source = .coalesce
            }
            texts += [
                Array(constant.utf8), Array(separator.utf8), Array((rule.defaultValue ?? "").utf8),
                Array((rule.listSeparator ?? "").utf8),
            ]
            var codes: UInt64 = 0
            let kept = rule.transforms.prefix(Self.maxTransforms)
            for (position, transform) in kept.enumerated() {
                let code: UInt64 =
                    switch transform {
                    case .trim: 0
                    case .lower: 1
                    case .upper: 2
                    }
                codes |= code << UInt64(2 * position)
            }
            var column = -1
            if source == .column, case .index(let index)? = ruleColumns.first { column = index }
            let standard = !rule.isCustomAttribute && rule.target == .contact
            var columnStart: Int32 = -1
            let indexes = ruleColumns.compactMap { reference -> Int? in
                if case .index(let index) = reference { return index } else { return nil }
            }
            if indexes.count == ruleColumns.count {
                columnStart = Int32(flatColumns.count)
                flatColumns += indexes
            }
            let keySlotStart = Int32(flatSlots.count)
            for reference in ruleColumns {
                if case .key = reference { flatSlots.append(flatSlots.count) } else { flatSlots.append(-1) }
            }
            let formatStart = Int32(flatFormats.count)
            // Copies down to a pattern's tokens: the programs of two threads must share no reference count (a
            // count that both cores change on every row moves one cache line between them all the time).
            flatFormats += rule.dateFormats.map { format in
                guard case .pattern(let text, let tokens) = format else { return format }
                return .pattern(String(decoding: Array(text.utf8), as: UTF8.self), tokens.map { $0 })
            }
            steps.append(
                Step(
                    type: rule.type, source: source, column: column, transformCodes: codes,
                    transformCount: kept.count, hasValueMap: !rule.valueMap.isEmpty,
                    hasDefault: rule.defaultValue != nil,
                    isEmail: standard && rule.name == "email", isExternalID: standard && rule.name == "external_id",
                    isMatch: standard && rule.name == mapping.match.rawValue, isID: standard && rule.name == "id",
                    isCustomAttribute: rule.isCustomAttribute, hasRegionColumn: rule.regionColumn != nil,
                    hasPhoneRegion: rule.region != nil,
                    takesExtension: rule.takesExtension, extensionMapped: rule.extensionTo != nil,
                    skipsInvalid: rule.skipsInvalid, columnStart: columnStart,
                    columnCount: Int32(ruleColumns.count), keySlotStart: keySlotStart, formatStart: formatStart,
                    formatCount: Int32(rule.dateFormats.count), target: rule.target,
                    isList: rule.listSeparator != nil))
        }
        storage = .allocate(capacity: max(1, texts.reduce(0) { $0 + $1.count }))
        var offset = 0
        var slices: [UnsafeBufferPointer<UInt8>] = []
        for text in texts {
            _ = UnsafeMutableBufferPointer(rebasing: storage[offset..<(offset + text.count)]).initialize(from: text)
            slices.append(UnsafeBufferPointer(rebasing: storage[offset..<(offset + text.count)]))
            offset += text.count
        }
        constants = stride(from: 0, to: slices.count, by: 4).map { slices[$0] }
        separators = stride(from: 1, to: slices.count, by: 4).map { slices[$0] }
        defaults = stride(from: 2, to: slices.count, by: 4).map { slices[$0] }
        listSeparators = stride(from: 3, to: slices.count, by: 4).map { slices[$0] }
        self.steps = .allocate(capacity: max(1, steps.count))
        _ = self.steps.initialize(from: steps)
        columnIndexes = .allocate(capacity: max(1, flatColumns.count))
        _ = columnIndexes.initialize(from: flatColumns)
        formats = .allocate(capacity: max(1, flatFormats.count))
        _ = formats.initialize(from: flatFormats)
        keySlots = .allocate(capacity: max(1, flatSlots.count))
        _ = keySlots.initialize(from: flatSlots)
        identity = Self.identities.add(1, ordering: .relaxed).oldValue
        names = mapping.rules.map(\.name)
        slugs = mapping.rules.map(\.slug)
        self.columns = columns
        // Copies, not the mapping's own arrays, so that the programs of two threads share no reference count.
        valueMaps = mapping.rules.map { $0.valueMap.mapValues { Array($0.utf8) } }
        regions = mapping.rules.map(\.region)
        phoneFacts = .allocate(capacity: max(1, mapping.rules.count))
        _ = phoneFacts.initialize(from: mapping.rules.map { $0.region?.fast })
        self.regionColumns = regionColumns
        zones = mapping.rules.map { $0.timeZone.flatMap(TimeZoneOffsets.init(identifier:)) }
        matchRule = steps.firstIndex(where: \.isMatch)
        count = steps.count
        if case .fixed(let role) = mapping.role { fixedRoleIsUser = role == "user" } else { fixedRoleIsUser = nil }
        clearsBlanks = mapping.empty == .clear
        shortcuts = .allocate(capacity: max(1, steps.count))
        _ = shortcuts.initialize(
            from: Self.shortcuts(steps, keySlots: flatSlots, clearsBlanks: clearsBlanks))
    }

    deinit {
        storage.deallocate()
        steps.deallocate()
        phoneFacts.deallocate()
        columnIndexes.deallocate()
        keySlots.deallocate()
        shortcuts.deallocate()
        formats.deinitialize()
        formats.deallocate()
    }

    /// How many rules.
    let count: Int
}

/// What one rule makes of one record.
enum RuleOutcome {
    /// Empty after the transforms, the value map and the default.
    case blank
    case value(RuleValue)
    /// Refused, with the value that was (valid only inside the evaluation, like a text value): small, so that
    /// passing an outcome costs little; ``RuleProgram/fieldReject(_:_:_:)`` makes the report when one is wanted.
    case rejected(RejectReason, UnsafeBufferPointer<UInt8>)
}

/// A rule's final value, in the canonical form of its type. Text points into the record, the program or the row's
/// scratch space: valid only inside the `evaluate` call that gives it.
enum RuleValue {
    /// A string, a lower-cased email or a URL.
    case text(UnsafeBufferPointer<UInt8>)
    /// An E.164 phone number, and whether the text had an extension (not part of it).
    case phone(UnsafeBufferPointer<UInt8>, hasExtension: Bool)
    case integer(Int64)
    /// A finite float, with its JSON text (as written when that is canonical JSON, else Swift's shortest form).
    case float(UnsafeBufferPointer<UInt8>)
    case date(Int)
    case boolean(Bool)

    /// The value as JSON.
    var json: JSONValue {
        switch self {
        case .text(let bytes), .phone(let bytes, _): .string(String(decoding: bytes, as: UTF8.self))
        case .integer(let number): .number(String(number))
        case .float(let bytes): .number(String(decoding: bytes, as: UTF8.self))
        case .date(let seconds): .number(String(seconds))
        case .boolean(let flag): .bool(flag)
        }
    }
}

/// Room for the intermediate values of one rule (a concatenation, a lower-cased copy, an E.164 number), reused rule
/// after rule: on the stack for the usual sizes, on the heap beyond.
struct Scratch: ~Copyable {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var used = 0
    private var spilled: [UnsafeMutableBufferPointer<UInt8>] = []

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    /// `count` bytes that stay valid until ``reset()``.
    @inline(__always)
    mutating func take(_ count: Int) -> UnsafeMutableBufferPointer<UInt8> {
        if used + count <= capacity {
            defer { used += count }
            return UnsafeMutableBufferPointer(start: base + used, count: count)
        }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 1))
        spilled.append(buffer)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
    }

    /// Makes all the room available again (the values taken before are then invalid).
    @inline(__always)
    mutating func reset() {
        used = 0
        guard !spilled.isEmpty else { return }
        for buffer in spilled { buffer.deallocate() }
        spilled.removeAll(keepingCapacity: true)
    }

    deinit {
        for buffer in spilled { buffer.deallocate() }
    }

    /// Runs `body` with scratch space on the stack: 1 KB, the most that the standard library puts there without
    /// asking the system (4 KB went to the heap, a malloc and a free on every row).
    @inline(__always)
    static func with<R>(_ body: (inout Scratch) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { buffer in
            var scratch = Scratch(buffer)
            return try body(&scratch)
        }
    }
}
