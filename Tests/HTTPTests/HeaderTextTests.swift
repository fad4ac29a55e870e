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

    /// The `String` comparison agrees with the generic one for every pair of ASCII characters,
    /// in a name long enough not to be a small string.
    @Test func stringComparisonAgreesWithTheGenericOne() {
        let filler = String(repeating: "-", count: 20)
        for a in UInt8(0)..<0x80 {
            for b in UInt8(0)..<0x80 {
                let x = filler + String(UnicodeScalar(a)), y = filler + String(UnicodeScalar(b))
                let lower = { (c: UInt8) in (0x41...0x5A).contains(c) ? c + 0x20 : c }
                #expect(x.equalsIgnoringASCIICase(y) == (lower(a) == lower(b)), "\(a) \(b)")
                #expect(x.equalsIgnoringASCIICase(y) == x.equalsIgnoringASCIICase(y[...]), "\(a) \(b)")
            }
        }
        #expect(!"Content-Length".equalsIgnoringASCIICase("Content-Lengthx"))
        #expect("CONTENT-LENGTH".equalsIgnoringASCIICase("content-length"))
    }
}
