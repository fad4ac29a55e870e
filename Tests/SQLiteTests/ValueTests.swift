import Testing
@testable import SQLite

@Suite struct ValueTests {
    let db: Connection

    init() throws {
        db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE v (x)")
    }

    /// Stores `value` and reads it back with `value(_:)` and `typeof`.
    private func roundTrip(_ value: SQLiteValue) throws -> (SQLiteValue, String) {
        try db.run("DELETE FROM v")
        try db.run("INSERT INTO v (x) VALUES (?)", [value])
        let got = try #require(try db.first("SELECT x, typeof(x) FROM v") { ($0.value(0), $0.string(1)) })
        return got
    }

    /// `withText` lends the bytes `string` decodes, embedded NUL and all; NULL lends none, and
    /// a number is lent as SQLite's text for it.
    @Test func lentTextIsTheStoredBytes() throws {
        for value: SQLiteValue in [.text("Đồn Đạc a\u{0}b"), .text(""), .null, .integer(42)] {
            try db.run("DELETE FROM v")
            try db.run("INSERT INTO v (x) VALUES (?)", [value])
            let (lent, decoded) = try #require(try db.first("SELECT x FROM v") { row -> ([UInt8], String) in
                var bytes: [UInt8] = []
                row.withText(0) { bytes = Array($0) }
                return (bytes, row.string(0))
            })
            #expect(lent == Array(decoded.utf8), "\(value)")
        }
    }

    @Test func vietnameseTextRoundTripsByteForByte() throws {
        let samples = [
            "Mật ong rừng U Minh Hạ",
            "Nước mắm Phú Quốc – Đặc sản ★★★★★",
            // Decomposed (NFD) form: Swift's == calls it equal to the composed one,
            // so compare bytes to prove SQLite did not normalise it.
            "Tie\u{0302}\u{0301}ng Vie\u{0323}\u{0302}t",
            "Tiếng Việt",
            "a\u{0}b",  // an embedded NUL survives only with an explicit byte length
            "🍯🐝",
            "",
        ]
        for text in samples {
            let (value, type) = try roundTrip(.text(text))
            guard case .text(let back) = value else {
                Issue.record("expected text for \(text), got \(value)")
                continue
            }
            #expect(Array(back.utf8) == Array(text.utf8))
            #expect(type == "text")
            let viaRow = try db.first("SELECT x FROM v") { $0.string(0) }
            #expect(viaRow.map { Array($0.utf8) } == Array(text.utf8))
        }
    }

    /// Values are bound where the statement keeps its copies of them (SQLITE_STATIC): one
    /// cached statement bound again and again, with every mix of small and large texts and
    /// blobs, empty ones, NULLs and numbers, and a statement run again inside its own row
    /// callback, stores each set exactly.
    @Test func boundValuesSurviveReuseAndGrowth() throws {
        try db.execute("CREATE TABLE w (a, b, c, d)")
        var generator = SystemRandomNumberGenerator()
        let pieces = ["", "a", "Đồn Đạc", "x\u{0}y", String(repeating: "ợ", count: 700), String(repeating: "z", count: 5000)]
        func random() -> SQLiteValue {
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: return .null
            case 1: return .integer(Int64.random(in: .min ... .max, using: &generator))
            case 2: return .blob((0..<Int.random(in: 0...3000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            default: return .text(pieces.randomElement(using: &generator) ?? "")
            }
        }
        var stored: [[SQLiteValue]] = []
        for _ in 0..<300 {
            let row = (0..<4).map { _ in random() }
            try db.run("INSERT INTO w (a, b, c, d) VALUES (?, ?, ?, ?)", row)
            stored.append(row)
        }
        let back = try db.all("SELECT a, b, c, d FROM w ORDER BY rowid") { row in (0..<4).map { row.value($0) } }
        #expect(back == stored)
        // The same SQL inside its own callback gets a statement of its own; both bindings hold.
        var inner: [SQLiteValue] = []
        try db.query("SELECT ? || ?", [.text("Vân "), .text("Đồn")]) { outer in
            inner = try db.all("SELECT ? || ?", [.text("Ba "), .text("Chẽ")]) { $0.value(0) }
            #expect(outer.value(0) == .text("Vân Đồn"))
        }
        #expect(inner == [.text("Ba Chẽ")])
    }

    @Test func integersKeepTheirExtremes() throws {
        for n: Int64 in [.min, .max, 0, -1, (1 << 53) + 1] {
            let (value, type) = try roundTrip(.integer(n))
            #expect(value == .integer(n))
            #expect(type == "integer")
        }
    }

    @Test func realsRoundTrip() throws {
        for d in [3.141592653589793, -0.5, Double.greatestFiniteMagnitude, Double.leastNonzeroMagnitude] {
            #expect(try roundTrip(.real(d)).0 == .real(d))
        }
    }

    @Test func blobsRoundTripIncludingEmpty() throws {
        let big = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for bytes in [[0, 255, 0, 1], [], big] as [[UInt8]] {
            let (value, type) = try roundTrip(.blob(bytes))
            #expect(value == .blob(bytes))
            // An empty blob must not turn into NULL.
            #expect(type == "blob")
        }
    }

    @Test func nullRoundTripsAndAccessorsDefault() throws {
        #expect(try roundTrip(.null) == (.null, "null"))
        let row = try #require(try db.first("SELECT NULL AS n") { row in
            (row.isNull(0), row.int64(0), row.int(0), row.optionalInt64(0), row.string(0),
             row.optionalString(0), row.double(0), row.bool(0), row.blob(0), row.columnName(0), row.columnCount)
        })
        #expect(row.0)
        #expect(row.1 == 0 && row.2 == 0 && row.3 == nil)
        #expect(row.4 == "" && row.5 == nil)
        #expect(row.6 == 0 && row.7 == false && row.8 == [])
        #expect(row.9 == "n" && row.10 == 1)
    }

    @Test func typedAccessorsReadTheirType() throws {
        let row = try #require(try db.first("SELECT 42, 'chè', 2.5, x'00ff', 0, 7") { row in
            (row.value(0), row.int(0), row.string(1), row.double(2), row.blob(3), row.bool(4), row.bool(5),
             row.optionalString(1), row.optionalInt64(0))
        })
        #expect(row.0 == .integer(42))
        #expect(row.1 == 42)
        #expect(row.2 == "chè")
        #expect(row.3 == 2.5)
        #expect(row.4 == [0, 255])
        #expect(row.5 == false && row.6 == true)
        #expect(row.7 == "chè" && row.8 == 42)
    }

    @Test func initialisersAndLiterals() {
        let values: [SQLiteValue] = [1, "a", nil, 2.5, true]
        #expect(values == [.integer(1), .text("a"), .null, .real(2.5), .integer(1)])
        #expect(SQLiteValue(String?.none) == .null)
        #expect(SQLiteValue("x" as String?) == .text("x"))
        #expect(SQLiteValue(Int64?.none) == .null)
        #expect(SQLiteValue(Int64(-3) as Int64?) == .integer(-3))
        #expect(SQLiteValue(5 as Int?) == .integer(5))
        #expect(SQLiteValue(Int?.none) == .null)
        #expect(SQLiteValue(true) == .integer(1))
        #expect(SQLiteValue(false) == .integer(0))
        #expect(SQLiteValue([1, 2] as [UInt8]?) == .blob([1, 2]))
        #expect(SQLiteValue([UInt8]?.none) == .null)
        #expect(SQLiteValue.null.isNull && !SQLiteValue.integer(0).isNull)
    }
}
