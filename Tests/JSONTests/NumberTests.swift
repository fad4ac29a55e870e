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

    /// A whole number written with a fraction or an exponent is that integer (JSON Schema's
    /// "integer"), read from its digits exactly.
    @Test(arguments: [
        ("5.0", Int64(5)), ("5e0", 5), ("5E2", 500), ("-12.50e1", -125), ("1.5e1", 15), ("-0.0", 0), ("0e999", 0),
        ("1000.000", 1000), ("100e-2", 1), ("9.223372036854775807e18", Int64.max),
        ("-9223372036854775808.000", Int64.min), ("0.00120e4", 12),
    ])
    func wholeNumbersWrittenOtherwise(_ text: String, _ value: Int64) throws {
        let n = try #require(JSONNumber(text))
        #expect(n.isInteger)
        #expect(n.int64 == value)
        #expect(try JSONValue.parse(text).int64Value == value)
    }

    /// Anything that is not a whole number in range must not become an Int64.
    @Test(arguments: [
        "5.5", "1e-1", "0.50", "10e-2", "1.05e1", "1e300", "9.3e18", "9223372036854775808", "-9223372036854775809",
        "9223372036854775808.0", "99999999999999999999", "1e400", "1e99999999999999999999", "1e-99999999999999999999",
    ])
    func notExactIntegers(_ text: String) throws {
        let n = try #require(JSONNumber(text))
        #expect(n.int64 == nil)
        #expect(try JSONValue.parse(text).int64Value == nil)
    }

    @Test func isIntegerMeansAWholeNumber() throws {
        for whole in ["9223372036854775808", "5.0", "5e0", "1e300", "-0.0"] {
            #expect(try #require(JSONNumber(whole)).isInteger, "\(whole)")
        }
        for fraction in ["5.5", "1e-1", "1e-99999999999999999999", "0.001"] {
            #expect(try !#require(JSONNumber(fraction)).isInteger, "\(fraction)")
        }
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
