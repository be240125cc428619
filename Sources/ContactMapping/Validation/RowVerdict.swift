import ContactIO

/// What validation makes of one row: a reject, or a valid row whose key is met for the first time or again.
///
/// The run in order (``ValidationRun``) and the part after a cut (``RestValidation``) classify rows this way; they
/// differ in where the rejects go and in what they remember of a key's first row.
enum RowVerdict {
    /// `withRecord`: the report shows the row's values (every reject but a reader error other than a wrong number
    /// of fields, which has no values to show).
    case rejected(RejectedRow, withRecord: Bool)
    /// A reject asked for by its reason alone (see `reasonOnly`).
    case refused(RejectReason)
    /// `warnings`: what the row is sent without (see ``FieldWarnings``); empty for most rows.
    case firstOfKey(keyHash: Int, warnings: [FieldReject])
    /// `firstLine`: ``KeyTable/unknownLine`` when the table keeps no lines.
    case repeatedKey(keyHash: Int, firstLine: Int32, warnings: [FieldReject])

    /// The verdict on the row `reader` just read (`result`, in `record`: the reader's ``RecordReader/current``,
    /// fetched once by the caller, as each fetch through the protocol costs a retain and a release); a valid row's
    /// key goes into `keys` with its line when it is new there. With `reasonOnly`, a row whose value a
    /// rule refuses is `.refused` with its first problem's reason, not mapped again for all its problems: for a
    /// reject that is only counted (there is no report, and the summary has shown all the rejects it shows).
    @inline(__always)
    static func of(
        _ result: ReadResult, in reader: RecordReader, record: RecordBuffer, mapper: ContactMapper, keys: KeyTable,
        reasonOnly: Bool = false
    ) -> Self {
        switch result {
        case .rowError(let error):
            return .rejected(RejectedRow(error), withRecord: error.reason == .fieldCountMismatch)
        case .record:
            let keyHash: Int
            var warnings: [FieldReject] = []
            switch mapper.check(record, onKeyHash: { keys.prefetch($0) }, reasonOnly: reasonOnly) {
            case .checked(.valid(let hash)):
                keyHash = hash
            case .checked(.warned(let hash, let found)):
                keyHash = hash
                warnings = found
            case .checked(.rejected(let reject)):
                return .rejected(RejectedRow(reject, file: reader.name, record: record), withRecord: true)
            case .refused(let reason):
                return .refused(reason)
            }
            if let first = keys.firstLine(of: keyHash, orInsert: Int32(truncatingIfNeeded: record.line)) {
                return .repeatedKey(keyHash: keyHash, firstLine: first, warnings: warnings)
            }
            return .firstOfKey(keyHash: keyHash, warnings: warnings)
        }
    }
}
