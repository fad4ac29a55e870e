import Testing
@testable import JSON

@Suite struct NumberTests {
    @Test(arguments: [
        ("5", Int64(5)), ("0", 0), ("-0", 0), ("-7", -7), ("9223372036854775807", Int64.max),
        ("-9223372036854775808", Int64.min), ("1000000", 1_000_000),
    ])
    func exactIntegers(_ text: String, _ value: Int64) throws {
        let n = try #require(JSONNumber(text))
        #expect(n.isInteger)
        #expect(n.int64 == value)
        #expect(try JSONValue.parse("[\(text)]").arrayValue?.first?.int64Value == value)
    }

    /// Anything that is not an exact in-range integer literal must not become an Int64.
    @Test(arguments: [
        "5.0", "5e0", "5E0", "1e300", "5.5", "-0.0", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999", "1e400",
    ])
    func notExactIntegers(_ text: String) throws {
        let n = try #require(JSONNumber(text))
        #expect(n.int64 == nil)
        #expect(try JSONValue.parse(text).int64Value == nil)
    }

    @Test func isIntegerMeansNoFractionAndNoExponent() throws {
        #expect(try #require(JSONNumber("9223372036854775808")).isInteger)
        #expect(try !#require(JSONNumber("5.0")).isInteger)
        #expect(try !#require(JSONNumber("5e0")).isInteger)
    }

    @Test func hugeNumbersKeepTheirTextAndOverflowToInfinity() throws {
        let v = try JSONValue.parse("[1e400, -1e400, 123456789012345678901234567890]")
        guard case .number(let big)? = v.arrayValue?[0], case .number(let negative)? = v.arrayValue?[1],
            case .number(let long)? = v.arrayValue?[2]
        else {
            Issue.record("expected numbers")
            return
        }
        #expect(big.text == "1e400")
        #expect(big.double == .infinity)
        #expect(negative.double == -.infinity)
        #expect(long.text == "123456789012345678901234567890")
        #expect(long.int64 == nil)
        #expect(v.serializedString() == "[1e400,-1e400,123456789012345678901234567890]")
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let n = try #require(JSONNumber("-0"))
        #expect(n.int64 == 0)
        #expect(n.double?.sign == .minus)
        #expect(n.text == "-0")
        #expect(try JSONValue.parse("-0").serializedString() == "-0")
    }

    @Test func textIsKeptExactly() throws {
        let v = try JSONValue.parse("[-12.50e3, 1E+2, 0.10]")
        let texts = try #require(v.arrayValue).compactMap { value -> String? in
            if case .number(let n) = value { return n.text }
            return nil
        }
        #expect(texts == ["-12.50e3", "1E+2", "0.10"])
        #expect(try #require(JSONNumber("-12.50e3")).double == -12500)
        // Equality is by literal: the same quantity written differently is a different literal.
        #expect(JSONNumber("1") != JSONNumber("1.0"))
    }

    @Test(arguments: ["", "-", "01", "-01", "+1", ".5", "1.", " 1", "1 ", "0x1", "1e", "1e+", "NaN", "Infinity", "1.2.3", "--1", "1e5.0"])
    func initRejectsInvalidGrammar(_ text: String) {
        #expect(JSONNumber(text) == nil)
    }

    @Test func initFromInt64() {
        #expect(JSONNumber(Int64.min).text == "-9223372036854775808")
        #expect(JSONNumber(Int64.min).int64 == Int64.min)
        #expect(JSONNumber(42).text == "42")
        #expect(JSONNumber(-42).description == "-42")
    }
}
