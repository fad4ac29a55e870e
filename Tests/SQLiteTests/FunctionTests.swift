import Testing
@testable import SQLite

@Suite struct FunctionTests {
    @Test func swiftFunctionIsCallableFromSQL() throws {
        let db = try Connection(path: ":memory:")
        // A toy fold: lowercase and map đ to d, as the domain's search folding will.
        try db.createFunction("fold", argumentCount: 1) { args in
            guard case .text(let s) = args[0] else { return .null }
            return .text(String(s.lowercased().map { $0 == "đ" ? "d" : $0 }))
        }
        #expect(try db.first("SELECT fold(?)", ["ĐẶC SẢN Đà Lạt"]) { $0.string(0) } == "dặc sản dà lạt")
        #expect(try db.first("SELECT fold(NULL)") { $0.isNull(0) } == true)

        try db.execute("CREATE TABLE p (name TEXT)")
        for name in ["Đông trùng", "Mật ong", "đông lạnh"] { try db.run("INSERT INTO p VALUES (?)", [.text(name)]) }
        let hits = try db.all("SELECT name FROM p WHERE fold(name) LIKE 'dông%' ORDER BY name") { $0.string(0) }
        #expect(hits == ["Đông trùng", "đông lạnh"])
        // Deterministic functions may be used in an index expression.
        try db.execute("CREATE INDEX p_fold ON p (fold(name))")
    }

    @Test func everyValueTypeCrossesBothWays() throws {
        let db = try Connection(path: ":memory:")
        try db.createFunction("echo", argumentCount: 1) { $0[0] }
        let values: [SQLiteValue] = [.null, .integer(Int64.min), .real(1.5), .text("Việt\u{0}nam"), .text(""),
                                     .blob([0, 1, 255]), .blob([])]
        for value in values {
            let back = try db.first("SELECT echo(?), typeof(echo(?))", [value, value]) { ($0.value(0), $0.string(1)) }
            #expect(back?.0 == value)
            if case .blob = value { #expect(back?.1 == "blob") }
            if case .text(let s) = value, case .text(let t)? = back?.0 { #expect(Array(s.utf8) == Array(t.utf8)) }
        }
        let wrongArity = #expect(throws: SQLiteError.self) { _ = try db.scalarInt("SELECT echo(1, 2)") }
        #expect(wrongArity?.code == 1)
    }
}
