import ContactIO
import Testing

struct CSVReaderTests {
    @Test(arguments: boundaryReadSizes)
    func quotedFieldsWithEscapesDelimitersAndNewlines(readSize: Int) throws {
        let text =
            "id,name,notes\n1,\"Smith, Ann\",\"she said \"\"hi\"\"\"\n2,Bob,\"two\nlines\"\n3,Cy,\"crlf\r\ninside\"\n"
        let (records, errors) = try readAll(text, readSize: readSize)
        #expect(errors.isEmpty)
        #expect(
            records.map(\.values) == [
                ["1", "Smith, Ann", "she said \"hi\""],
                ["2", "Bob", "two\nlines"],
                ["3", "Cy", "crlf\r\ninside"],
            ])
        #expect(records.map(\.line) == [2, 3, 5])
        #expect(records.map(\.number) == [1, 2, 3])
    }

    @Test(arguments: boundaryReadSizes)
    func mixedLineEndsAndBlankLines(readSize: Int) throws {
        let text = "a,b\r\n1,2\n3,4\r5,6\r\n\r\n\n7,8"
        let (records, errors) = try readAll(text, readSize: readSize)
        #expect(errors.isEmpty)
        #expect(records.map(\.values) == [["1", "2"], ["3", "4"], ["5", "6"], ["7", "8"]])
        #expect(records.map(\.line) == [2, 3, 4, 7])
    }

    @Test func byteOrderMarkIsStripped() throws {
        let (records, _) = try readAll([0xEF, 0xBB, 0xBF] + Array("email,name\nx@y.z,Ann\n".utf8))
        #expect(records.first?.fields.first?.key == "email")
        #expect(records.first?["email"] == "x@y.z")
    }

    @Test(arguments: [",", ";", "\t", "|"])
    func delimiterIsDetectedFromTheHeader(delimiter: String) throws {
        let text =
            ["email", "first name", "notes"].joined(separator: delimiter) + "\n"
            + ["a@b.c", "Ann", "x,y;z|w"].map { $0.contains(delimiter) ? "\"\($0)\"" : $0 }.joined(separator: delimiter)
            + "\n"
        let input = try InputOpener.open(source: MemoryByteSource(text), name: "d.csv")
        let reader = try #require(input.reader as? CSVReader)
        #expect(reader.delimiter == UInt8(ascii: Unicode.Scalar(delimiter)!))
        let (records, errors) = try reader.readAll()
        #expect(errors.isEmpty)
        #expect(records.first?.values == ["a@b.c", "Ann", "x,y;z|w"])
    }

    @Test func delimiterInsideQuotedHeaderDoesNotCount() throws {
        let input = try InputOpener.open(source: MemoryByteSource("\"a;b;c;d\",e,f\n1,2,3\n"), name: "q.csv")
        #expect((input.reader as? CSVReader)?.delimiter == UInt8(ascii: ","))
    }

    @Test(arguments: boundaryReadSizes)
    func wrongFieldCountIsARowErrorWithItsLine(readSize: Int) throws {
        let text = "a,b,c\n1,2,3\n\"multi\nline\",2\n4,5,6,7\n8,9,10\n"
        let (records, errors) = try readAll(text, readSize: readSize)
        #expect(records.map(\.values) == [["1", "2", "3"], ["8", "9", "10"]])
        #expect(errors.map(\.line) == [3, 5])
        #expect(errors.map(\.recordNumber) == [2, 3])
        #expect(errors.allSatisfy { $0.reason == .fieldCountMismatch })
        #expect(errors.first?.message == "expected 3 fields as in the header, found 2")
        #expect(errors.first?.description == "test.csv:3: record 2: expected 3 fields as in the header, found 2")
    }

    @Test(arguments: boundaryReadSizes)
    func unterminatedQuoteIsReportedWhereTheFieldStarted(readSize: Int) throws {
        let text = "a,b\n1,2\n3,4\n5,\"never closed\n6,7\n8,9\n"
        let (records, errors) = try readAll(text, readSize: readSize)
        #expect(records.map(\.values) == [["1", "2"], ["3", "4"]])
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.reason == .unterminatedQuote)
        #expect(error.line == 4)
        #expect(error.field == "b")
    }

    @Test func quoteThatStartsOnALaterLineOfTheRecordIsReportedThere() throws {
        let text = "a,b,c\n\"x\ny\",\"open\n\n"
        let (_, errors) = try readAll(text)
        #expect(errors.first?.line == 3)
        #expect(errors.first?.field == "b")
    }

    // With the encoding given as UTF-8: left to detection, these bytes read as Windows-1252 (see EncodingTests).
    @Test(arguments: boundaryReadSizes)
    func invalidUTF8IsARowErrorNamingTheField(readSize: Int) throws {
        let bytes = Array("name,city\nAnn,Paris\n".utf8) + Array("Bob,M".utf8) + [0xFC] + Array("nchen\nCy,Rome\n".utf8)
        let (records, errors) = try readAll(bytes, readSize: readSize, options: ReaderOptions(encoding: .utf8))
        #expect(records.map(\.values) == [["Ann", "Paris"], ["Cy", "Rome"]])
        #expect(errors.count == 1)
        #expect(errors.first?.reason == .invalidUTF8)
        #expect(errors.first?.line == 3)
        #expect(errors.first?.field == "city")
    }

    @Test func invalidUTF8CanBeReplaced() throws {
        let bytes = Array("name,city\nBob,M".utf8) + [0xFC] + Array("nchen\n".utf8)
        let (records, errors) = try readAll(bytes, options: ReaderOptions(encoding: .utf8, invalidUTF8: .replace))
        #expect(errors.isEmpty)
        #expect(records.first?.values == ["Bob", "M\u{FFFD}nchen"])
    }

    @Test(arguments: [1, 7, Int.max])
    func oversizedRecordIsARowErrorAndReadingGoesOn(readSize: Int) throws {
        let big = String(repeating: "x", count: 5000)
        let text = "a,b\n1,2\n3,\"\(big)\"\n4,\(big)\n5,6\n"
        let (records, errors) = try readAll(text, readSize: readSize, options: ReaderOptions(maxRecordBytes: 1024))
        #expect(records.map(\.values) == [["1", "2"], ["5", "6"]])
        #expect(errors.map(\.reason) == [.recordTooLarge, .recordTooLarge])
        #expect(errors.map(\.line) == [3, 4])
    }

    @Test func lastRecordWithoutLineEndIsRead() throws {
        let (records, _) = try readAll("a,b\n1,\"2\"")
        #expect(records.map(\.values) == [["1", "2"]])
    }

    @Test func emptyFieldsAndEmptyQuotedFields() throws {
        let (records, errors) = try readAll("a,b,c\n,,\n\"\",x,\"\"\n")
        #expect(errors.isEmpty)
        #expect(records.map(\.values) == [["", "", ""], ["", "x", ""]])
    }

    @Test func headerNamesAreTrimmed() throws {
        let input = try InputOpener.open(source: MemoryByteSource(" Email ,\tName\n"), name: "h.csv")
        #expect((input.reader as? CSVReader)?.header == ["Email", "Name"])
    }

    @Test func emptyFileHasNoHeader() throws {
        #expect(throws: ContactIOError.self) {
            _ = try InputOpener.open(
                source: MemoryByteSource(""), name: "empty.csv", options: ReaderOptions(format: .csv))
        }
    }

    @Test func givenDelimiterOverridesDetection() throws {
        let options = ReaderOptions(delimiter: UInt8(ascii: ";"))
        let (records, _) = try readAll("a,b;c\n1,2;3\n", options: options)
        #expect(records.first?.values == ["1,2", "3"])
    }
}
