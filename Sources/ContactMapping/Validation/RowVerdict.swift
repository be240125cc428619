import ContactIO

/// What validation makes of one row: a reject, or a valid row whose key is met for the first time or again.
///
/// The run in order (``ValidationRun``) and the part after a cut (``RestValidation``) classify rows this way; they
/// differ in where the rejects go and in what they remember of a key's first row.
enum RowVerdict {
    /// `withRecord`: the report shows the row's values (every reject but a reader error other than a wrong number
    /// of fields, which has no values to show).
    case rejected(RejectedRow, withRecord: Bool)
    /// `warnings`: what the row is sent without (see ``FieldWarnings``); empty for most rows.
    case firstOfKey(keyHash: Int, warnings: [FieldReject])
    case repeatedKey(keyHash: Int, firstLine: Int32, warnings: [FieldReject])

    /// The verdict on the row `reader` just read (`result`); a valid row's key goes into `keys` with its line when
    /// it is new there, with `tag`.
    @inline(__always)
    static func of(
        _ result: ReadResult, in reader: RecordReader, mapper: ContactMapper, keys: KeyTable, tag: UInt32 = 0
    ) -> Self {
        let record = reader.current
        switch result {
        case .rowError(let error):
            return .rejected(RejectedRow(error), withRecord: error.reason == .fieldCountMismatch)
        case .record:
            let keyHash: Int
            var warnings: [FieldReject] = []
            switch mapper.check(record, onKeyHash: keys.prefetch) {
            case .valid(let hash):
                keyHash = hash
            case .warned(let hash, let found):
                keyHash = hash
                warnings = found
            case .rejected(let reject):
                return .rejected(RejectedRow(reject, file: reader.name, record: record), withRecord: true)
            }
            if let first = keys.firstLine(of: keyHash, orInsert: Int32(truncatingIfNeeded: record.line), tag: tag) {
                return .repeatedKey(keyHash: keyHash, firstLine: first, warnings: warnings)
            }
            return .firstOfKey(keyHash: keyHash, warnings: warnings)
        }
    }
}
