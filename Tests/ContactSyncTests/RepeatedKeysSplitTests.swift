import ContactIO
import ContactMapping
import Foundation
import Testing

@testable import ContactSync

/// The look at repeated keys must find the same thing when a second thread reads the part after a cut.
struct RepeatedKeysSplitTests {
    let yaml = """
        role: user
        match: email
        fields:
          email: {column: email, transforms: [trim, lower]}
          name: name
          phone: {column: phone, phone: US}
        custom_attributes:
          plan: {column: plan, type: string}
        """

    /// Every row's position among its key's rows, as the import asks for them in file order.
    func positions(_ path: String, split: Bool) throws -> (repeated: Int, positions: [String]) {
        let mapping = try MappingFile.parse(yaml, path: "m.yml")
        let input = try InputOpener.open(path)
        let mapper = try ContactMapper(mapping: mapping, header: (input.reader as? CSVReader)?.header)
        var cuts = 0
        var table = try RepeatedKeys(
            scanning: { try InputOpener.open(path) }, mapper: mapper, fields: FieldBits(mapping),
            split: split
                ? { opened in
                    cuts += 1
                    return InputSplit.make(opened, path: path, options: ReaderOptions(), minimumSize: 0)
                } : nil)
        if split { #expect(cuts == 2) }
        var positions: [String] = []
        while let result = try input.reader.next() {
            guard case .record = result else { continue }
            let record = input.reader.current
            let position = mapper.matchKeyHash(record).flatMap {
                table.position(keyHash: $0, fingerprint: mapper.sourceFingerprint(record))
            }
            positions.append(
                position.map { "\($0.ordinal) \($0.later) \($0.hasLater) \($0.hadEarlier)" } ?? "-")
        }
        return (table.repeatedRows, positions)
    }

    @Test(arguments: [false, true])
    func aSplitScanFindsWhatAScanInOrderFinds(quotedLineBreakAtTheMiddle: Bool) throws {
        // Keys repeat within each half and across the cut, with different fields set; some rows are rejected.
        var text = "email,name,phone,plan\n"
        let count = 4_000
        for index in 0..<count {
            let key = index % 5 == 0 ? "k\(index % 700)" : "u\(index)"
            let email = index % 41 == 0 ? "broken" : "\(key)@x.com"
            var name = index % 3 == 0 ? "" : "N\(index)"
            if quotedLineBreakAtTheMiddle && index == count / 2 - 100 {
                // 16 KB of quoted lines over the middle of the file: the cut falls inside them.
                name = "\"" + String(repeating: "a\n", count: 8_000) + "\""
            }
            let phone = index % 4 == 0 ? "+1 212 555 \(1000 + index % 9000)" : ""
            text += "\(email),\(name),\(phone),\(index % 7 == 0 ? "" : "p\(index % 3)")\n"
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("repeat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rows.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))

        let inOrder = try positions(path, split: false)
        let split = try positions(path, split: true)
        #expect(inOrder.repeated > 500)
        #expect(split.repeated == inOrder.repeated)
        #expect(split.positions == inOrder.positions)
        #expect(Set(inOrder.positions).count > 10)
        #expect(inOrder.positions == (try reference(path)))
    }

    /// What the positions must be, from a dictionary of every valid row by key: the model the table is held to.
    func reference(_ path: String) throws -> [String] {
        let mapping = try MappingFile.parse(yaml, path: "m.yml")
        let input = try InputOpener.open(path)
        let mapper = try ContactMapper(mapping: mapping, header: (input.reader as? CSVReader)?.header)
        var rows: [(key: Int?, fields: UInt64)] = []
        while let result = try input.reader.next() {
            guard case .record = result else { continue }
            let valid = mapper.keyAndFields(input.reader.current)
            rows.append((valid?.keyHash, valid?.fields ?? 0))
        }
        var rowsByKey: [Int: [Int]] = [:]
        for (index, row) in rows.enumerated() { if let key = row.key { rowsByKey[key, default: []].append(index) } }
        return rows.enumerated().map { index, row in
            guard let key = row.key, let all = rowsByKey[key], all.count > 1, let ordinal = all.firstIndex(of: index)
            else { return "-" }
            let later = all[(ordinal + 1)...].reduce(UInt64(0)) { $0 | rows[$1].fields }
            return "\(ordinal) \(later) \(ordinal < all.count - 1) \(ordinal > 0)"
        }
    }

    /// A file that changes between the passes (a nightly export still being written) is applied row by row: no
    /// row is trimmed by what another version of the file had.
    @Test func aFileThatChangesBetweenThePassesIsAppliedRowByRow() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("repeat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rows.csv").path
        let before = "email,name,phone,plan\na@x.com,A,,p1\na@x.com,B,,p2\nb@x.com,C,,\n"
        try Data(before.utf8).write(to: URL(fileURLWithPath: path))
        let mapping = try MappingFile.parse(yaml, path: "m.yml")
        let mapper = try ContactMapper(mapping: mapping, header: ["email", "name", "phone", "plan"])
        var opened = 0
        let table = try RepeatedKeys(
            scanning: {
                opened += 1
                // The third pass reads a file with one more row of the repeated key.
                if opened == 3 { try Data((before + "a@x.com,D,,\n").utf8).write(to: URL(fileURLWithPath: path)) }
                return try InputOpener.open(path)
            }, mapper: mapper, fields: FieldBits(mapping))
        #expect(opened == 3)
        #expect(table.isEmpty && table.repeatedRows == 0)
        // Unchanged, the same file has one repeated row.
        try Data(before.utf8).write(to: URL(fileURLWithPath: path))
        let unchanged = try RepeatedKeys(
            scanning: { try InputOpener.open(path) }, mapper: mapper, fields: FieldBits(mapping))
        #expect(!unchanged.isEmpty && unchanged.repeatedRows == 1)
    }
}
