import HTTP
import Testing

/// The byte-level helpers header and query parsing go through.
@Suite struct HeaderTextTests {
    @Test func splitsOnTheByteAsSplitDoes() {
        #expect("a, b,,c".splitASCII(UInt8(ascii: ",")) == ["a", " b", "c"])
        #expect("a, b,,c".splitASCII(UInt8(ascii: ","), omittingEmptySubsequences: false) == ["a", " b", "", "c"])
        #expect("Bearer  tok en".splitASCII(UInt8(ascii: " "), maxSplits: 1) == ["Bearer", " tok en"])
        #expect("".splitASCII(UInt8(ascii: ";")).isEmpty)
        #expect("name=".splitASCII(UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false) == ["name", ""])
        // Vietnamese text between delimiters comes through whole.
        #expect("q=Hạ Long&x=Đồn".splitASCII(UInt8(ascii: "&")) == ["q=Hạ Long", "x=Đồn"])
        // A substring keeps its own bounds.
        let inner = "xx;a;b;yy".dropFirst(2).dropLast(2)
        #expect(inner.splitASCII(UInt8(ascii: ";")) == ["a", "b"])
    }

    /// A delimiter followed by a combining mark is one `Character`, so `split` by character did
    /// not split there; the field's syntax is bytes, and so is the split.
    @Test func aDelimiterBeforeACombiningMarkStillSplits() {
        let value = "a,\u{0301}b"
        #expect(value.split(separator: ",").count == 1)
        #expect(value.splitASCII(UInt8(ascii: ",")) == ["a", "\u{0301}b"])
    }

    @Test func trimsOnlySpacesAndTabs() {
        #expect(" \t token \t".trimmingASCIIWhitespace() == "token")
        #expect("   ".trimmingASCIIWhitespace() == "")
        #expect("".trimmingASCIIWhitespace() == "")
        #expect("\u{00A0}x\n".trimmingASCIIWhitespace() == "\u{00A0}x\n")
        #expect(" Hải Hòa ".trimmingASCIIWhitespace() == "Hải Hòa")
        #expect("[ a b ]".dropFirst().dropLast().trimmingASCIIWhitespace() == "a b")
    }

    @Test func lowerCasesASCIIOnly() {
        #expect("Application/JSON; Charset=UTF-8".lowercasedASCII() == "application/json; charset=utf-8")
        #expect("already lower".lowercasedASCII() == "already lower")
        #expect("ĐỒN Đạc".lowercasedASCII() == "ĐỒn Đạc")
        #expect("XyZ".dropFirst().lowercasedASCII() == "yz")
    }

    @Test func comparesIgnoringASCIICase() {
        #expect("Bearer".equalsIgnoringASCIICase("bEARER"))
        #expect(!"Bearer".equalsIgnoringASCIICase("Bearer "))
        #expect(!"Đ".equalsIgnoringASCIICase("đ"))
        #expect("xBearer".dropFirst().equalsIgnoringASCIICase("BEARER"))
    }
}
