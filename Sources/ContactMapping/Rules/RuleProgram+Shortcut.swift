import ContactIO

extension RuleProgram {
    /// What ``scan(_:isUser:onKeyHash:)`` makes of a rule's value or blank (its bits, whether it identifies the
    /// contact), and for a plain string rule (a column's text with no value map, no default, no list, not the match
    /// key) where its cell is, so that most of its verdicts are told from the cell alone.
    ///
    /// Such a rule's verdict in ``evaluate(_:_:_:verdictOnly:)`` is blank when the cell is spaces and tabs only, and
    /// its value when the cell has at most 255 bytes (trimming only shortens it; lower- or upper-casing ASCII keeps its
    /// length): ``quickVerdict(_:_:)`` gives exactly these two, and leaves every other cell to `evaluate` (a longer
    /// text, non-ASCII text that a transform re-cases, a key not kept yet). Generic, the loop spent about 150
    /// instructions a rule on a plain string (copying and spilling the rule's ``Step``, the outcome's switch): a
    /// quarter of validating NDJSON's rule time.
    struct Shortcut {
        /// The CSV column; ``keyed`` for an NDJSON key (``keySlot``); ``none`` for a rule that is always evaluated
        /// (its bits and ``identifies`` still hold).
        var column: Int
        /// The record's slot of the key's field index (``RecordBuffer/keptIndex(slot:owner:)``).
        var keySlot: Int
        /// A lower or upper transform: non-ASCII text may change length and is evaluated.
        var changesCase: Bool
        /// Whether a value gives the contact its identity (an email or an external id).
        var identifies: Bool
        /// The rule's bit in ``ScanResult/fields`` for a value, and for a blank (a null that clears), or 0: a
        /// contact field's, not the `id`'s, among the first 64 rules.
        var valueBit: UInt64
        var blankBit: UInt64

        static let keyed = -1
        static let none = -2
    }

    /// What a shortcut tells of a rule's verdict.
    enum QuickVerdict {
        case blank
        case value
        /// The rule must be evaluated.
        case unknown
    }

    /// The shortcut of every rule (see ``Shortcut``), in the order of `steps`: the one statement of a rule's bits.
    static func shortcuts(
        _ steps: [Step], keySlots: [Int], clearsBlanks: Bool
    ) -> [Shortcut] {
        steps.enumerated().map { index, step in
            var shortcut = Shortcut(
                column: Shortcut.none, keySlot: -1, changesCase: false, identifies: step.isEmail || step.isExternalID,
                valueBit: 0, blankBit: 0)
            if step.target == .contact && !step.isID && index < 64 {
                shortcut.valueBit = 1 << UInt64(index)
                if clearsBlanks { shortcut.blankBit = shortcut.valueBit }
            }
            guard step.source == .column, step.type == .string, !step.hasValueMap, !step.hasDefault, !step.isMatch,
                step.target == .contact, !step.isList
            else { return shortcut }
            if step.column >= 0 {
                shortcut.column = step.column
            } else if keySlots[Int(step.keySlotStart)] >= 0 {
                shortcut.column = Shortcut.keyed
                shortcut.keySlot = keySlots[Int(step.keySlotStart)]
            } else {
                return shortcut
            }
            var codes = step.transformCodes
            for _ in 0..<step.transformCount {
                if codes & 3 != 0 { shortcut.changesCase = true }
                codes >>= 2
            }
            return shortcut
        }
    }

    /// The verdict of a rule with a shortcut when its cell alone tells it, the same as `evaluate`'s.
    @inline(__always)
    func quickVerdict(_ shortcut: Shortcut, _ record: RecordBuffer) -> QuickVerdict {
        let text: UnsafeBufferPointer<UInt8>
        if shortcut.column >= 0 {
            text = RuleProgram.columnText(shortcut.column, record)
        } else if let field = record.keptIndex(slot: shortcut.keySlot, owner: identity) {
            text = RuleProgram.fieldText(field, record)
        } else {
            return .unknown
        }
        if RuleProgram.isBlank(text) { return .blank }
        guard text.count <= ContactMapper.maxStringLength,
            !shortcut.changesCase || RuleProgram.isASCII(text, in: record)
        else { return .unknown }
        return .value
    }
}
