import OCOP
import Testing

/// The RFC 4180 reader the product import stands on.
@Suite struct ProductCSVParserTests {
    func parse(_ text: String) throws -> [[String]] {
        try CSVParser.parse(Array(text.utf8)).map(\.fields)
    }

    func syntaxError(_ text: String) -> CSVSyntaxError? {
        do {
            _ = try CSVParser.parse(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func plainRecordsWithEveryLineEnd() throws {
        #expect(try parse("a,b,c\r\n1,2,3\r\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try parse("a,b\n1,2\n") == [["a", "b"], ["1", "2"]])
        #expect(try parse("a,b\r1,2") == [["a", "b"], ["1", "2"]])        // old spreadsheet exports
        #expect(try parse("a,b\r\n1,2") == [["a", "b"], ["1", "2"]])      // no final line break (§2.2)
        #expect(try parse("") == [])
        #expect(try parse("\u{FEFF}") == [])
    }

    @Test func emptyFieldsAndBlankLines() throws {
        #expect(try parse(",,\n") == [["", "", ""]])
        #expect(try parse("a,\n,b") == [["a", ""], ["", "b"]])
        let records = try CSVParser.parse(Array("h\n\nx\n".utf8))
        #expect(records.map(\.fields) == [["h"], [""], ["x"]])
        #expect(records.map(\.isBlank) == [false, true, false])
        #expect(records.map(\.row) == [1, 2, 3])
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        #expect(try parse(#""a,b","say ""hi""",c"#) == [["a,b", "say \"hi\"", "c"]])
        #expect(try parse("\"line 1\r\nline 2\",x\r\ny,z\r\n") == [["line 1\r\nline 2", "x"], ["y", "z"]])
        #expect(try parse("\"\",\"\"\n") == [["", ""]])
        #expect(try parse("\"a\nb\"") == [["a\nb"]])
        #expect(try parse("\"\"\"\"") == [["\""]])
    }

    @Test func rowsAndLinesAreCountedApart() throws {
        let records = try CSVParser.parse(Array("h1,h2\n\"multi\nline\",1\nlast,2\n".utf8))
        #expect(records.map(\.row) == [1, 2, 3])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func vietnameseTextAndByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("mã,tên\nQN-1,Miến dong Bình Liêu\n".utf8)
        #expect(try CSVParser.parse(bytes).map(\.fields) == [["mã", "tên"], ["QN-1", "Miến dong Bình Liêu"]])
    }

    @Test func malformedInputIsRejectedWithItsLine() {
        #expect(syntaxError("a,b\n\"open,2\n3,4\n")?.line == 2)                  // never closed
        #expect(syntaxError("a,b\nx\"y,2\n")?.line == 2)                        // quote in an unquoted field
        #expect(syntaxError("a,b\n1,\"q\"x\n")?.line == 2)                      // text after the closing quote
        #expect(syntaxError("a\n\"multi\nline\" ,b\n")?.line == 3)
        #expect(syntaxError("a,b\n1,2\n") == nil)
    }

    @Test func bytesThatAreNotUTF8AreRejected() {
        // "Mi\xE1n" in Windows-1258-ish bytes: a lone lead byte.
        let bytes: [UInt8] = Array("a\nMi".utf8) + [0xE1] + Array("n\n".utf8)
        #expect(throws: CSVSyntaxError.self) { try CSVParser.parse(bytes) }
    }
}
