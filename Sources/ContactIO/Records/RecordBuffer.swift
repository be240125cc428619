import JSONText

/// The current record of a reader: its fields' bytes in one reused storage, so reading allocates nothing per row.
///
/// A reader owns one `RecordBuffer` and refills it on every `next()`; what it holds is valid until then. Call
/// ``makeRecord()`` to keep a record. Field values are unescaped (CSV `""`, JSON `\n`, `\u00e9`) and valid UTF-8.
/// For a nested JSON value (``FieldKind/object`` or ``FieldKind/array``) the bytes are its JSON text.
///
/// Its hot stored properties are `@exclusivity(unchecked)`: Swift's dynamic exclusivity checks on them cost 2.5x in
/// the read loop (measured in benchmarks/RESULTS.md). That is safe because a reader and its buffers are used by one
/// thread at a time and no code here passes these properties `inout` while also reading them.
public final class RecordBuffer {
    // The public properties read on every row from other modules are computed over unchecked storage: a stored
    // `@exclusivity(unchecked)` property still gets dynamic checks when another module reads it.

    /// The 1-based number of the record in the file (the CSV header does not count).
    public internal(set) var number: Int {
        @inlinable get { storedNumber }
        set { storedNumber = newValue }
    }
    @usableFromInline @exclusivity(unchecked) var storedNumber: Int = 0
    /// The 1-based physical line on which the record starts.
    public internal(set) var line: Int {
        @inlinable get { storedLine }
        set { storedLine = newValue }
    }
    @usableFromInline @exclusivity(unchecked) var storedLine: Int = 0
    /// True when the reader found every byte of the record to be ASCII (CSV only; false when not known), so that
    /// checks of single fields can skip their own scan.
    public internal(set) var isASCII: Bool {
        @inlinable get { storedIsASCII }
        set { storedIsASCII = newValue }
    }
    @usableFromInline @exclusivity(unchecked) var storedIsASCII: Bool = false
    /// The CSV header, shared by every record; nil for NDJSON, whose keys are per record.
    public internal(set) var header: [String]? {
        get { storedHeader }
        set { storedHeader = newValue }
    }
    // Unchecked: read on every key lookup, where the dynamic check was a twentieth of validating NDJSON.
    @exclusivity(unchecked) private var storedHeader: [String]?

    @usableFromInline @exclusivity(unchecked) var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) var byteCount = 0
    @exclusivity(unchecked) var byteCapacity: Int
    /// For field i: value bytes are `bytes[valueStart[i]..<valueEnd[i]]`, key bytes (NDJSON) likewise.
    @usableFromInline @exclusivity(unchecked) var valueStart: UnsafeMutablePointer<Int32>
    @usableFromInline @exclusivity(unchecked) var valueEnd: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) var keyStart: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) var keyEnd: UnsafeMutablePointer<Int32>
    @usableFromInline @exclusivity(unchecked) var kinds: UnsafeMutablePointer<FieldKind>
    /// The number of fields of the record.
    public internal(set) var fieldCount: Int {
        @inlinable get { storedFieldCount }
        set { storedFieldCount = newValue }
    }
    @usableFromInline @exclusivity(unchecked) var storedFieldCount: Int = 0
    @exclusivity(unchecked) var fieldCapacity: Int
    /// The keys, in order, of the record that ``lookups`` were found in (NDJSON): the first ``layoutLength`` bytes
    /// of `bytes`, which ``reset()`` keeps, so that the reader points the keys of a record with the same keys at them
    /// instead of decoding its own (``layoutKey(_:matching:available:)``). Where each key ends, and whether its JSON
    /// text is the key itself (no byte that JSON escapes).
    @exclusivity(unchecked) private(set) var layoutLength = 0
    @exclusivity(unchecked) private var layoutEnds: [Int] = []
    @exclusivity(unchecked) private var layoutPlain: [Bool] = []
    /// The keys of a record that differed from the layout: the layout from the next record on.
    @exclusivity(unchecked) private var pendingBytes: [UInt8] = []
    @exclusivity(unchecked) private var pendingEnds: [Int] = []
    @exclusivity(unchecked) private var layoutPending = false
    /// Whether the reader compared the current record's keys with the layout yet, and whether they differed.
    @usableFromInline @exclusivity(unchecked) var layoutChecked = false
    @exclusivity(unchecked) private var layoutDiffered = false
    /// The field indexes that one owner keeps by slot while the records keep their keys (``keptIndex(slot:owner:)``).
    @usableFromInline @exclusivity(unchecked) var keptOwner = 0
    @usableFromInline @exclusivity(unchecked) var keptIndexes: [Int] = []
    @usableFromInline static let notKept = Int.min
    /// The answers of ``index(ofKey:)``, in the order asked, and the next one expected on this record.
    @exclusivity(unchecked) private var lookups: [(name: String, index: Int?)] = []
    @exclusivity(unchecked) private var lookupCursor = 0
    /// Strings decoded from nested values for ``valueBytes(atPath:)``, freed when the next record is read.
    private var decodedValues: [UnsafeMutableBufferPointer<UInt8>] = []
    @exclusivity(unchecked) private var hasDecodedValues = false

    init(byteCapacity: Int = 4096, fieldCapacity: Int = 64) {
        self.byteCapacity = byteCapacity
        self.fieldCapacity = fieldCapacity
        bytes = .allocate(capacity: byteCapacity)
        valueStart = .allocate(capacity: fieldCapacity)
        valueEnd = .allocate(capacity: fieldCapacity)
        keyStart = .allocate(capacity: fieldCapacity)
        keyEnd = .allocate(capacity: fieldCapacity)
        kinds = .allocate(capacity: fieldCapacity)
    }

    deinit {
        for value in decodedValues { value.deallocate() }
        bytes.deallocate()
        valueStart.deallocate()
        valueEnd.deallocate()
        keyStart.deallocate()
        keyEnd.deallocate()
        kinds.deallocate()
    }

    // MARK: Reading the current record

    /// The bytes of field `index`'s value.
    @inlinable
    public func valueBytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(valueStart[index])
        return UnsafeBufferPointer(start: bytes + start, count: Int(valueEnd[index]) - start)
    }

    /// Field `index`'s value as a string (for a nested value, its JSON text).
    public func value(_ index: Int) -> String {
        String(decoding: valueBytes(index), as: UTF8.self)
    }

    /// The JSON type of field `index`.
    @inlinable
    public func kind(_ index: Int) -> FieldKind {
        kinds[index]
    }

    /// The name of field `index`: the header column for CSV, the key for NDJSON.
    public func key(_ index: Int) -> String {
        if let header {
            return index < header.count ? header[index] : "column \(index + 1)"
        }
        let start = Int(keyStart[index])
        return String(
            decoding: UnsafeBufferPointer(start: bytes + start, count: Int(keyEnd[index]) - start), as: UTF8.self)
    }

    /// The bytes of field `index`'s key (NDJSON; empty for CSV, whose names are the ``header``).
    public func keyBytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard header == nil else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = Int(keyStart[index])
        return UnsafeBufferPointer(start: bytes + start, count: Int(keyEnd[index]) - start)
    }

    /// The index of the field named `name` (for NDJSON the last one, as JSON parsers keep the last duplicate).
    ///
    /// A mapping asks for the same keys in the same order on every record, and most NDJSON files give every record
    /// the same keys in the same order: so the answers are kept, in the order asked, for as long as the records'
    /// keys stay those of the record they were found in (which the reader finds as it reads the keys). Looking each
    /// key up in the record was a sixth of validating NDJSON.
    public func index(ofKey name: String) -> Int? {
        if let header {
            return header.firstIndex(of: name)
        }
        // A record the reader did not finish (a row error) was not compared with the layout.
        guard layoutChecked else { return scanIndex(ofKey: name) }
        if lookupCursor < lookups.count && lookups[lookupCursor].name == name {
            lookupCursor += 1
            return lookups[lookupCursor - 1].index
        }
        let found = scanIndex(ofKey: name)
        if lookupCursor < 256 {
            lookups.removeSubrange(lookupCursor...)
            lookups.append((name, found))
            lookupCursor += 1
        }
        return found
    }

    /// The field index that `owner` kept in `slot` for records with the current keys (``keep(_:slot:owner:)``):
    /// `Int.max` for a key they do not have. Nil when it kept none, or the record's keys are not known (CSV, whose
    /// fields a mapping finds by the header, or a record the reader did not finish).
    ///
    /// For a compiled mapping, which asks for the same keys on every record: a slot is a number where `index(ofKey:)`
    /// is a comparison of names (and a retain of each), a tenth of validating NDJSON. Always inlined: a call for
    /// each of a row's sources cost twice the lookup itself.
    @inlinable @inline(__always)
    public func keptIndex(slot: Int, owner: Int) -> Int? {
        guard layoutChecked, keptOwner == owner, slot < keptIndexes.count else { return nil }
        let index = keptIndexes[slot]
        return index == Self.notKept ? nil : index
    }

    /// Keeps `index` (nil: the records have no such key) in `slot` for `owner` (a number unique to it in the
    /// process) while the records keep their keys; nothing for a record whose keys are not known. Another owner's
    /// indexes are forgotten.
    public func keep(_ index: Int?, slot: Int, owner: Int) {
        guard layoutChecked, header == nil, slot >= 0 else { return }
        if keptOwner != owner {
            keptOwner = owner
            keptIndexes.removeAll(keepingCapacity: true)
        }
        if keptIndexes.count <= slot {
            keptIndexes.append(contentsOf: repeatElement(Self.notKept, count: slot + 1 - keptIndexes.count))
        }
        keptIndexes[slot] = index ?? Int.max
    }

    /// Whether the record's keys (NDJSON) differ from those of the record before it that the reader finished; a
    /// first record with keys always differs.
    func keysDiffer() -> Bool {
        layoutChecked ? layoutDiffered : true
    }

    /// The number of keys of the layout (the keys of the last record whose keys differed from the one before).
    @inline(__always)
    var layoutKeyCount: Int { layoutEnds.count }

    /// The range in `bytes` of layout key `index` when the JSON string at `text` (after its opening quote, with
    /// `available` bytes up to the end of the line) is that key without escapes; nil otherwise.
    @inline(__always)
    func layoutKey(_ index: Int, matching text: UnsafePointer<UInt8>, available: Int) -> Range<Int>? {
        // A key with a quote, a backslash or a control byte is escaped in JSON: its text is not the key.
        guard layoutPlain[index] else { return nil }
        let range = layoutRange(index)
        guard range.count < available, text[range.count] == 0x22,
            memcmpEqual(text, bytes + range.lowerBound, range.count)
        else { return nil }
        return range
    }

    /// Whether the decoded key at `key` (a range of `bytes`) is layout key `index`.
    @inline(__always)
    func isLayoutKey(_ index: Int, _ key: Range<Int>) -> Bool {
        let range = layoutRange(index)
        return key.count == range.count && memcmpEqual(bytes + key.lowerBound, bytes + range.lowerBound, key.count)
    }

    /// Where layout key `index` is in `bytes`.
    @inline(__always)
    private func layoutRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : layoutEnds[index - 1])..<layoutEnds[index]
    }

    /// Ends the keys of a record the reader finished: `same` when they are the layout's, in order. Keys that differ
    /// become the layout from the next record on, and the kept lookups are forgotten.
    func endKeys(same: Bool) {
        layoutChecked = true
        layoutDiffered = !same
        lookupCursor = 0
        guard !same else { return }
        pendingBytes.removeAll(keepingCapacity: true)
        pendingEnds.removeAll(keepingCapacity: true)
        for index in 0..<fieldCount {
            let keyStart = Int(self.keyStart[index])
            pendingBytes.append(
                contentsOf: UnsafeBufferPointer(start: bytes + keyStart, count: Int(keyEnd[index]) - keyStart))
            pendingEnds.append(pendingBytes.count)
        }
        layoutPending = true
        lookups.removeAll(keepingCapacity: true)
        keptIndexes.removeAll(keepingCapacity: true)
    }

    /// Writes the pending layout at the front of `bytes` (the record whose keys pointed at the old one is done).
    private func installLayout() {
        layoutPending = false
        if pendingBytes.count > byteCapacity { growBytes(to: pendingBytes.count) }
        pendingBytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { bytes.update(from: base, count: source.count) }
        }
        swap(&layoutEnds, &pendingEnds)
        layoutPlain.removeAll(keepingCapacity: true)
        var start = 0
        for end in layoutEnds {
            layoutPlain.append(!pendingBytes[start..<end].contains(where: JSONScanner.isStringStop))
            start = end
        }
        layoutLength = pendingBytes.count
        byteCount = layoutLength
    }

    /// ``index(ofKey:)`` by looking at every key of the record.
    func scanIndex(ofKey name: String) -> Int? {
        var name = name
        return name.withUTF8 { wanted in
            var found: Int?
            for index in 0..<fieldCount {
                let start = Int(keyStart[index])
                let length = Int(keyEnd[index]) - start
                if length == wanted.count && memcmpEqual(bytes + start, wanted.baseAddress, length) {
                    found = index
                }
            }
            return found
        }
    }

    /// A copy of the current record that outlives the next read.
    public func makeRecord() -> Record {
        var fields: [Record.Field] = []
        fields.reserveCapacity(fieldCount)
        for index in 0..<fieldCount {
            fields.append(Record.Field(key: key(index), kind: kinds[index], text: value(index)))
        }
        return Record(number: number, line: line, fields: fields)
    }

    // MARK: Building (used by the readers)

    @inline(__always)
    func reset() {
        byteCount = layoutLength
        if layoutPending { installLayout() }
        isASCII = false
        fieldCount = 0
        layoutChecked = false
        if hasDecodedValues { freeDecodedValues() }
    }

    /// Keeps `value` (decoded for ``valueBytes(atPath:)``) until the next record.
    func keepDecoded(_ value: UnsafeMutableBufferPointer<UInt8>) {
        decodedValues.append(value)
        hasDecodedValues = true
    }

    private func freeDecodedValues() {
        for value in decodedValues { value.deallocate() }
        decodedValues.removeAll(keepingCapacity: true)
        hasDecodedValues = false
    }

    @inline(__always)
    func append(_ source: UnsafePointer<UInt8>, count: Int) {
        if byteCount + count > byteCapacity {
            growBytes(to: byteCount + count)
        }
        (bytes + byteCount).update(from: source, count: count)
        byteCount += count
    }

    /// Lends room for `count` more bytes to `body`, and keeps as many as it says it wrote: a string is copied while
    /// it is scanned, a word at a time, without a check of the room for each word or a call to `memcpy` for each
    /// short string.
    @inline(__always)
    func write(upTo count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if byteCount + count > byteCapacity {
            growBytes(to: byteCount + count)
        }
        byteCount += body(bytes + byteCount)
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if byteCount == byteCapacity {
            growBytes(to: byteCount + 1)
        }
        bytes[byteCount] = byte
        byteCount += 1
    }

    /// Ends a field whose value started at byte `start`.
    @inline(__always)
    func endField(valueFrom start: Int, kind: FieldKind = .string) {
        if fieldCount == fieldCapacity {
            growFields()
        }
        valueStart[fieldCount] = Int32(truncatingIfNeeded: start)
        valueEnd[fieldCount] = Int32(truncatingIfNeeded: byteCount)
        kinds[fieldCount] = kind
        fieldCount += 1
    }

    /// Ends a keyed field (NDJSON).
    @inline(__always)
    func endField(key: Range<Int>, value: Range<Int>, kind: FieldKind) {
        if fieldCount == fieldCapacity {
            growFields()
        }
        keyStart[fieldCount] = Int32(truncatingIfNeeded: key.lowerBound)
        keyEnd[fieldCount] = Int32(truncatingIfNeeded: key.upperBound)
        valueStart[fieldCount] = Int32(truncatingIfNeeded: value.lowerBound)
        valueEnd[fieldCount] = Int32(truncatingIfNeeded: value.upperBound)
        kinds[fieldCount] = kind
        fieldCount += 1
    }

    private func growBytes(to needed: Int) {
        var capacity = byteCapacity * 2
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = grown
        byteCapacity = capacity
    }

    private func growFields() {
        let capacity = fieldCapacity * 2
        func grow<T>(_ pointer: inout UnsafeMutablePointer<T>) {
            let grown = UnsafeMutablePointer<T>.allocate(capacity: capacity)
            grown.update(from: pointer, count: fieldCount)
            pointer.deallocate()
            pointer = grown
        }
        grow(&valueStart)
        grow(&valueEnd)
        grow(&keyStart)
        grow(&keyEnd)
        grow(&kinds)
        fieldCapacity = capacity
    }

    /// Shrinks storage that one huge record grew, so memory stays flat after it.
    func shrinkIfLarge(limit: Int) {
        if byteCapacity > limit * 2 && byteCount == 0 {
            bytes.deallocate()
            byteCapacity = 4096
            bytes = .allocate(capacity: byteCapacity)
        }
    }
}

/// Whether `count` bytes at `lhs` and `rhs` are equal.
///
/// Keys are compared on every NDJSON record (``RecordBuffer/layoutKey(_:matching:available:)``,
/// ``RecordBuffer/index(ofKey:)``), and most are shorter than 16 bytes: words of eight bytes, then the last eight
/// (or four) bytes as one word that overlaps what was compared, never a byte loop of up to seven. Every load stays
/// inside the `count` bytes.
@inline(__always)
func memcmpEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>?, _ count: Int) -> Bool {
    guard count > 0, let rhs else { return true }
    let left = UnsafeRawPointer(lhs)
    let right = UnsafeRawPointer(rhs)
    func word(_ offset: Int) -> Bool {
        left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            == right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }
    if count >= 8 {
        var offset = 0
        while offset + 8 < count {
            if !word(offset) { return false }
            offset += 8
        }
        return word(count - 8)
    }
    if count >= 4 {
        return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
            && left.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                == right.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
    }
    // One to three bytes: the first, the middle and the last (some are the same byte).
    return lhs[0] == rhs[0] && lhs[count >> 1] == rhs[count >> 1] && lhs[count - 1] == rhs[count - 1]
}
