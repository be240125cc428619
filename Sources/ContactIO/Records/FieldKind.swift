/// The JSON type of a field's value; every CSV field is a `.string`.
public enum FieldKind: UInt8, Sendable, Equatable {
    case string
    case number
    case bool
    case null
    /// A nested object, kept as its validated JSON text.
    case object
    /// A nested array, kept as its validated JSON text.
    case array
}
