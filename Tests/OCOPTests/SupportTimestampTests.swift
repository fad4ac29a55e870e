import SQLite
import Testing
@testable import OCOP

@Suite("Timestamp")
struct SupportTimestampTests {
    private func parse(_ text: String) throws -> Timestamp {
        try #require(Timestamp(rfc3339: text))
    }

    @Test func parsesUTCAndOffsets() throws {
        let utc = try parse("2024-12-13T08:00:00Z")
        #expect(utc.millisecondsSinceEpoch == 1_734_076_800_000)
        #expect(utc.utcOffsetSeconds == 0)
        let hanoi = try parse("2024-12-13T15:00:00+07:00")
        #expect(hanoi == utc)  // the same instant
        #expect(hanoi.utcOffsetSeconds == 25_200)
        let west = try parse("2024-12-13T03:30:00-04:30")
        #expect(west == utc)
        #expect(west.utcOffsetSeconds == -16_200)
        #expect(try parse("2024-12-13t08:00:00z") == utc)
        #expect(try parse("2024-12-13T08:00:00+00:00").utcOffsetSeconds == 0)
    }

    @Test func minusZeroOffsetMeansUnknownOffset() throws {
        // RFC 3339 §4.3.
        let t = try parse("2024-12-13T08:00:00-00:00")
        #expect(t.millisecondsSinceEpoch == 1_734_076_800_000)
        #expect(t.utcOffsetSeconds == nil)
    }

    @Test func offsetCanMoveTheInstantAcrossDays() throws {
        #expect(try parse("2025-01-01T00:30:00+07:00").description == "2024-12-31T17:30:00Z")
        #expect(try parse("2024-12-31T23:30:00-01:00").description == "2025-01-01T00:30:00Z")
        #expect(try parse("2024-02-29T23:00:00-02:00").description == "2024-03-01T01:00:00Z")
    }

    @Test func fractionalSecondsAreTruncatedToMilliseconds() throws {
        let base: Int64 = 1_734_076_800_000
        #expect(try parse("2024-12-13T08:00:00.5Z").millisecondsSinceEpoch == base + 500)
        #expect(try parse("2024-12-13T08:00:00.12Z").millisecondsSinceEpoch == base + 120)
        #expect(try parse("2024-12-13T08:00:00.123Z").millisecondsSinceEpoch == base + 123)
        #expect(try parse("2024-12-13T08:00:00.1239Z").millisecondsSinceEpoch == base + 123)
        #expect(try parse("2024-12-13T08:00:00.999999999Z").millisecondsSinceEpoch == base + 999)
        #expect(try parse("2024-12-13T08:00:00.000Z").millisecondsSinceEpoch == base)
        #expect(try parse("2024-12-13T15:00:00.250+07:00").millisecondsSinceEpoch == base + 250)
        // Before the epoch, truncating digits still moves toward the earlier instant.
        #expect(try parse("1969-12-31T23:59:59.9999Z").millisecondsSinceEpoch == -1)
    }

    @Test func formatsUTCWithMillisecondsOnlyWhenPresent() {
        #expect(Timestamp(millisecondsSinceEpoch: 1_734_076_800_000).description == "2024-12-13T08:00:00Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_734_076_800_123).description == "2024-12-13T08:00:00.123Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_734_076_800_007).description == "2024-12-13T08:00:00.007Z")
        #expect(Timestamp(millisecondsSinceEpoch: 0).description == "1970-01-01T00:00:00Z")
        #expect(Timestamp(millisecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(millisecondsSinceEpoch: -14_182_940_000).description == "1969-07-20T20:17:40Z")
        #expect(Timestamp(millisecondsSinceEpoch: -62_135_596_800_000).description == "0001-01-01T00:00:00Z")
        #expect(Timestamp(millisecondsSinceEpoch: 253_402_300_799_999).description == "9999-12-31T23:59:59.999Z")
        // Past 9999 (only arithmetic gets there) the year takes ISO 8601's expanded form.
        #expect(Timestamp(millisecondsSinceEpoch: 253_402_300_800_000).description == "+10000-01-01T00:00:00Z")
        #expect(Timestamp(millisecondsSinceEpoch: 253_402_300_800_001).rfc3339(utcOffsetSeconds: 3600)
                == "+10000-01-01T01:00:00.001+01:00")
    }

    @Test func formatsInAGivenOffset() {
        let t = Timestamp(millisecondsSinceEpoch: 1_734_076_800_000)
        #expect(t.rfc3339(utcOffsetSeconds: 25_200) == "2024-12-13T15:00:00+07:00")
        #expect(t.rfc3339(utcOffsetSeconds: -16_200) == "2024-12-13T03:30:00-04:30")
        #expect(t.rfc3339(utcOffsetSeconds: 0) == "2024-12-13T08:00:00Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_734_109_200_001).rfc3339(utcOffsetSeconds: 25_200)
                == "2024-12-14T00:00:00.001+07:00")
    }

    @Test(arguments: [
        "2024-12-13T08:00:00Z", "2024-12-13T08:00:00.123Z", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z", "2024-02-29T23:59:59Z", "1900-03-01T12:34:56.789Z",
    ])
    func utcTextRoundTrips(text: String) throws {
        #expect(try parse(text).description == text)
    }

    @Test func offsetTextRoundTripsThroughItsOffset() throws {
        let cases = [
            ("2024-12-13T15:00:00+07:00", "2024-12-13T15:00:00+07:00"),
            ("2024-12-13T03:30:00.5-04:30", "2024-12-13T03:30:00.500-04:30"),
            ("2000-01-01T00:00:00+14:00", "2000-01-01T00:00:00+14:00"),
        ]
        for (text, expected) in cases {
            let t = try parse(text)
            let offset = try #require(t.utcOffsetSeconds)
            #expect(t.rfc3339(utcOffsetSeconds: offset) == expected)
        }
    }

    /// The bytes lent by `withRFC3339` are `rfc3339`'s, for every form: milliseconds or none,
    /// offsets either side of UTC, and the expanded years outside 0000–9999.
    @Test func lentBytesAreTheText() {
        let instants: [Int64] = [0, 1, 999, 1_733_000_000_123, -1, -62_135_596_800_000, 253_402_300_799_999,
                                 253_402_300_800_000, -62_167_219_200_001, 1_000_000_000_000_000]
        for ms in instants {
            for offset in [0, 25_200, -34_200, 86_340, -86_340] {
                let t = Timestamp(millisecondsSinceEpoch: ms)
                var lent = ""
                t.withRFC3339(utcOffsetSeconds: offset) { lent = String(decoding: $0, as: UTF8.self) }
                #expect(lent == t.rfc3339(utcOffsetSeconds: offset), "\(ms) at \(offset)")
            }
            let t = Timestamp(millisecondsSinceEpoch: ms)
            var utc = ""
            t.withRFC3339 { utc = String(decoding: $0, as: UTF8.self) }
            #expect(utc == t.description)
        }
    }

    /// A stored timestamp column reads as the instant its text names, straight from SQLite's
    /// bytes; NULL, a number or text that is no RFC 3339 instant reads as nil.
    /// The text a list copies as it is must be exactly what formatting the instant gives.
    @Test func canonicalTextIsTheFormattedText() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // Any instant from year 1 to 9999 (RFC 3339 has no year 0), a third of them on a whole second.
            var milliseconds = Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)
            if milliseconds % 3 == 0 { milliseconds -= milliseconds % 1000 }
            let text = Timestamp(millisecondsSinceEpoch: milliseconds).description
            var bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { Timestamp.parseRFC3339($0) }
            #expect(parsed?.millisecondsSinceEpoch == milliseconds)
            #expect(bytes.withUnsafeBufferPointer { Timestamp.isCanonicalRFC3339($0) }, "\(text)")
            // The same instant in any other form is not that text.
            for variant in [text.replacingTAndZ(), text.dropLast() + "+00:00", text.addingFraction("0"), text.addingFraction("000")]
            where variant != text {
                bytes = Array(variant.utf8)
                bytes.withUnsafeBufferPointer { buffer in
                    if Timestamp.parseRFC3339(buffer) != nil { #expect(!Timestamp.isCanonicalRFC3339(buffer), "\(variant)") }
                }
            }
        }
    }

    @Test func readsAColumnAsAnInstant() throws {
        let db = try Connection(path: ":memory:")
        let read = { (sql: String) throws -> Timestamp? in try db.first(sql) { $0.timestamp(0) } ?? nil }
        #expect(try read("SELECT '2026-12-02T05:40:44.298Z'") == (try parse("2026-12-02T05:40:44.298Z")))
        #expect(try read("SELECT '2024-12-13T15:00:00+07:00'")?.millisecondsSinceEpoch
                == (try parse("2024-12-13T08:00:00Z")).millisecondsSinceEpoch)
        for garbage in ["NULL", "1733000000", "''", "'2026-12-02'", "'2026-12-02T05:40:44.298Z '"] {
            #expect(try read("SELECT \(garbage)") == nil, "\(garbage)")
        }
    }

    @Test func millisecondRoundTripOverAWideRange() throws {
        var ms: Int64 = -62_135_596_800_000  // 0001-01-01
        while ms < 253_402_300_799_999 {
            let t = Timestamp(millisecondsSinceEpoch: ms)
            guard let back = Timestamp(rfc3339: t.description), back.millisecondsSinceEpoch == ms else {
                Issue.record("\(ms) → \(t.description) did not round-trip")
                return
            }
            ms += 86_399_999_937  // a prime-ish step that visits every time of day
        }
    }

    @Test(arguments: [
        "2024-12-13T08:00:00",            // missing offset
        "2024-12-13 08:00:00Z",           // space instead of T
        "2024-12-13T08:00Z",              // missing seconds
        "2024-12-13T8:00:00Z",
        "2024-12-13T24:00:00Z",           // hour 24
        "2024-12-13T23:60:00Z",
        "2016-12-31T23:59:60Z",           // leap second
        "2023-02-29T08:00:00Z",           // not a leap year
        "2024-13-01T08:00:00Z",
        "0000-01-01T00:00:00Z",
        "2024-12-13T08:00:00.Z",          // empty fraction
        "2024-12-13T08:00:00.1234567890Z", // ten fraction digits
        "2024-12-13T08:00:00+07",         // offset without minutes
        "2024-12-13T08:00:00+0700",
        "2024-12-13T08:00:00+24:00",
        "2024-12-13T08:00:00+07:60",
        "2024-12-13T08:00:00ZZ",
        "2024-12-13T08:00:00Z ",
        " 2024-12-13T08:00:00Z",
        "2024-12-13T08:00:00,5Z",          // comma fraction is ISO 8601, not RFC 3339
        "2024-12-13",
        "",
        "2024-12-13T08:00:00+07:00:00",
        "２024-12-13T08:00:00Z",
    ])
    func rejects(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
        #expect(!Array(text.utf8).withUnsafeBufferPointer { Timestamp.isCanonicalRFC3339($0) })
    }

    /// `isCanonicalRFC3339` says yes exactly when the strict parse accepts the bytes and
    /// formatting that instant gives them back: held over canonical texts with one byte changed
    /// (a digit, a separator, a letter's case), which reach every range check it makes.
    @Test func canonicalCheckAgreesWithParseAndFormat() {
        var generator = SystemRandomNumberGenerator()
        let replacements = Array("0123456789-:.TtZz+ ".utf8)
        var agreed = 0
        for _ in 0..<20_000 {
            var milliseconds = Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)
            if Bool.random(using: &generator) { milliseconds -= milliseconds % 1000 }
            var bytes = Array(Timestamp(millisecondsSinceEpoch: milliseconds).description.utf8)
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = replacements.randomElement(using: &generator) ?? 0
            bytes.withUnsafeBufferPointer { buffer in
                let parsed = Timestamp.parseRFC3339(buffer)
                let formatsBack = parsed.map { Array($0.description.utf8) == bytes } ?? false
                #expect(Timestamp.isCanonicalRFC3339(buffer) == formatsBack, "\(String(decoding: bytes, as: UTF8.self))")
                if formatsBack { agreed += 1 }
            }
        }
        // Most single-byte changes break the text; enough must survive to test the yes side.
        #expect(agreed > 1_000)
    }

    @Test func equalityAndOrderIgnoreTheOffset() throws {
        let a = try parse("2024-12-13T15:00:00+07:00")
        let b = try parse("2024-12-13T08:00:00Z")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(try parse("2024-12-13T08:00:00.001Z") > b)
        #expect(try parse("2024-12-13T14:59:59+07:00") < b)
    }

    @Test func nowIsTheCurrentWallClock() throws {
        let now = Timestamp.now()
        // After this code was written and before year 2100.
        #expect(now > (try parse("2025-01-01T00:00:00Z")))
        #expect(now < (try parse("2100-01-01T00:00:00Z")))
        #expect(now.utcOffsetSeconds == nil)
        #expect(Timestamp.now() >= now)
    }
}

private extension String {
    /// The text with lower-case `t` and `z`.
    func replacingTAndZ() -> String {
        String(map { $0 == "T" ? "t" : $0 == "Z" ? "z" : $0 })
    }

    /// The text with `digits` more fraction digits (a fraction started when there is none).
    func addingFraction(_ digits: String) -> String {
        let body = dropLast()
        return body + (body.contains(".") ? "" : ".") + digits + "Z"
    }
}
