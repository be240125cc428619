// contactio-bench: reads a file the way the import does and touches every field, for benchmarks/run_io.py.
//
//   contactio-bench read [--json-engine ours|foundation-serialization|foundation-decoder] FILE
//   contactio-bench validate --mapping MAPPING [--threads=2] FILE
//                                                        (read + map + validate, as `intercom-etl validate`; the
//                                                        second thread reads the file's second half)
//   contactio-bench map MAPPING FILE                     (read + map to payloads + hash their JSON)
//
// Prints one JSON line: records, row errors, fields, and a checksum over every field's length and first byte
// (so that no reader can skip work the others do).
import ContactIO
import ContactMapping
import ContactSync
import Foundation
import JSONText

struct Totals {
    var records = 0
    var rowErrors = 0
    var fields = 0
    var checksum: UInt64 = 0

    mutating func touch(_ bytes: UnsafeBufferPointer<UInt8>) {
        fields += 1
        checksum = checksum &* 31 &+ UInt64(bytes.count) &+ UInt64(bytes.first ?? 0)
    }

    var json: String {
        "{\"records\":\(records),\"rowErrors\":\(rowErrors),\"fields\":\(fields),\"checksum\":\(checksum)}"
    }
}

func readOurs(_ path: String) throws -> Totals {
    let input = try InputOpener.open(path)
    let reader = input.reader
    let record = reader.current
    var totals = Totals()
    while let result = try reader.next() {
        switch result {
        case .record:
            totals.records += 1
            for index in 0..<record.fieldCount {
                totals.touch(record.valueBytes(index))
            }
        case .rowError:
            totals.rowErrors += 1
        }
    }
    return totals
}

/// Foundation one line at a time, the way a quick Swift script would do it.
func readFoundation(_ path: String, decoder useDecoder: Bool) throws -> Totals {
    var totals = Totals()
    guard let file = fopen(path, "r") else { throw CocoaError(.fileNoSuchFile) }
    defer { fclose(file) }
    var linePointer: UnsafeMutablePointer<CChar>?
    var capacity = 0
    let decoder = JSONDecoder()
    while true {
        let length = getline(&linePointer, &capacity, file)
        if length < 0 { break }
        if length <= 1 { continue }
        let data = Data(bytesNoCopy: linePointer!, count: length, deallocator: .none)
        if useDecoder {
            guard let object = try? decoder.decode([String: AnyDecodable].self, from: data) else {
                totals.rowErrors += 1
                continue
            }
            totals.records += 1
            for (_, value) in object {
                var text = value.text
                text.withUTF8 { totals.touch($0) }
            }
        } else {
            guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                totals.rowErrors += 1
                continue
            }
            totals.records += 1
            for (_, value) in object {
                var text = (value as? String) ?? "\(value)"
                text.withUTF8 { totals.touch($0) }
            }
        }
    }
    free(linePointer)
    return totals
}

/// Any JSON value, decoded to a string (nested values by their description).
struct AnyDecodable: Decodable {
    var text: String

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let number = try? container.decode(Double.self) {
            text = String(number)
        } else if let flag = try? container.decode(Bool.self) {
            text = String(flag)
        } else if container.decodeNil() {
            text = ""
        } else if let array = try? container.decode([AnyDecodable].self) {
            text = array.map(\.text).joined(separator: ",")
        } else {
            text = (try container.decode([String: AnyDecodable].self)).map { "\($0.key)=\($0.value.text)" }
                .joined(separator: ",")
        }
    }
}

/// `validate`: records = valid rows, rowErrors = rejected rows (reader errors included).
func validateFile(_ path: String, mapping: String, split: Bool) throws -> Totals {
    let input = try InputOpener.open(path)
    let summary = try ValidationRun.run(
        input, mapping: try MappingFile.load(path: mapping), rejects: nil, maxErrors: nil,
        split: split ? InputSplit.make(input, path: path, options: ReaderOptions()) : nil,
        reopen: { try InputOpener.open(path) })
    var totals = Totals()
    totals.records = summary.valid
    totals.rowErrors = summary.rejected
    totals.checksum = UInt64(summary.duplicateKeys)
    return totals
}

/// `map`: every valid row mapped to its payload and the payload's JSON hashed, as `import` did for every row before
/// the source fingerprint (records = valid rows; checksum = the hashes xor-ed).
func mapFile(_ path: String, mapping: String) throws -> Totals {
    let input = try InputOpener.open(path)
    let mapper = try ContactMapper(
        mapping: try MappingFile.load(path: mapping), header: (input.reader as? CSVReader)?.header)
    var totals = Totals()
    var bytes: [UInt8] = []
    while let result = try input.reader.next() {
        guard case .record = result, case .contact(let contact) = mapper.map(input.reader.current) else { continue }
        bytes.removeAll(keepingCapacity: true)
        JSONValue.object(contact.payload).appendJSON(to: &bytes)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        totals.records += 1
        totals.checksum ^= hash
    }
    return totals
}

var arguments = Array(CommandLine.arguments.dropFirst())
// `repeated-keys --mapping M [--threads=2] FILE`: the import's look at repeated keys alone.
if arguments.first == "repeated-keys", arguments.count >= 4, arguments[1] == "--mapping" {
    do {
        let rows = try RepeatedKeysScan.repeatedRows(
            path: arguments.last!, mapping: try MappingFile.load(path: arguments[2]),
            twoThreads: arguments.count == 5 && arguments[3] == "--threads=2")
        print("{\"repeatedRows\":\(rows)}")
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("contactio-bench: \(error)\n".utf8))
        exit(1)
    }
}
if arguments.first == "map", arguments.count == 3 {
    do {
        print(try mapFile(arguments[2], mapping: arguments[1]).json)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("contactio-bench: \(error)\n".utf8))
        exit(1)
    }
}
if arguments.first == "validate", arguments.count >= 4, arguments[1] == "--mapping" {
    do {
        let split = arguments.count == 5 && arguments[3] == "--threads=2"
        print(try validateFile(arguments.last!, mapping: arguments[2], split: split).json)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("contactio-bench: \(error)\n".utf8))
        exit(1)
    }
}
guard arguments.first == "read" else {
    FileHandle.standardError.write(Data("usage: contactio-bench read [--json-engine ENGINE] FILE\n".utf8))
    exit(64)
}
arguments.removeFirst()
var engine = "ours"
if arguments.first == "--json-engine", arguments.count >= 2 {
    engine = arguments[1]
    arguments.removeFirst(2)
}
guard let path = arguments.first else {
    FileHandle.standardError.write(Data("contactio-bench: missing FILE\n".utf8))
    exit(64)
}
do {
    let totals: Totals
    switch engine {
    case "foundation-serialization": totals = try readFoundation(path, decoder: false)
    case "foundation-decoder": totals = try readFoundation(path, decoder: true)
    default: totals = try readOurs(path)
    }
    print(totals.json)
} catch {
    FileHandle.standardError.write(Data("contactio-bench: \(error)\n".utf8))
    exit(1)
}
