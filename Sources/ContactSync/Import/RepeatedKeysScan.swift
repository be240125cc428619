import ContactIO
import ContactMapping

/// The look at repeated keys that `import` takes before its first call, on its own: for the benchmarks, which
/// measure its time and memory on files too large to import.
public enum RepeatedKeysScan {
    /// The number of valid rows of `path` whose key an earlier valid row had, found as `import` finds them (with a
    /// second thread for the part after a cut when `twoThreads`).
    public static func repeatedRows(path: String, mapping: MappingFile, twoThreads: Bool) throws -> Int {
        let input = try InputOpener.open(path)
        let mapper = try ContactMapper(mapping: mapping, header: input.reader.columns)
        let table = try RepeatedKeys(
            scanning: { try InputOpener.open(path) }, mapper: mapper, fields: FieldBits(mapping),
            split: twoThreads ? { InputSplit.make($0, path: path, options: ReaderOptions()) } : nil)
        return table.repeatedRows
    }
}
