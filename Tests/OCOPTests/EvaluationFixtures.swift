import OCOP
import SQLite

/// Certification test fixtures. Products are inserted with plain SQL: the products
/// resource is built in parallel, and only the columns certification reads matter here.
enum CertificationFixture {
    static func producer(_ db: Connection, name: String = "Hợp tác xã Miến dong Bình Liêu") throws -> Int64 {
        try ProducerStore.create(db, makeFields(name), actor: .system, now: testNow).id
    }

    static func product(_ db: Connection, code: String, producerID: Int64, name: String = "Miến dong Bình Liêu") throws -> Int64 {
        try db.run("""
            INSERT INTO products (code, name, name_key, producer_id, group_code, origin_province, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'food', 'Quảng Ninh', ?, ?)
            """, [.text(code), .text(name), .blob(VietnameseCollation.sortKey(name)), .integer(producerID),
                  .text(testNow.description), .text(testNow.description)])
        return db.lastInsertRowID
    }

    static func date(_ text: String) -> CivilDate {
        guard let date = CivilDate(text) else { preconditionFailure("bad test date \(text)") }
        return date
    }

    static func round(_ db: Connection, level: CouncilLevel = .province, heldOn: String = "2024-11-20",
                      sheet: ScoreSheetVersion? = nil) throws -> EvaluationRound {
        try EvaluationRoundStore.create(
            db, EvaluationRoundFields(name: "Đánh giá, phân hạng sản phẩm OCOP lần thứ 9 năm 2024", councilLevel: level,
                                      heldOn: date(heldOn), decisionRef: "125/QĐ-UBND", sheetVersion: sheet),
            actor: .system, now: testNow)
    }

    /// `members` council members who all give `a`, `b`, `c`.
    static func scores(_ a: Int, _ b: Int, _ c: Int, members: Int = 3) -> [MemberScore] {
        (1...members).map { MemberScore(member: "Thành viên \($0)", partA: Points(a), partB: Points(b), partC: Points(c)) }
    }

    /// The product's version and current certificate.
    static func productState(_ db: Connection, id: Int64) throws -> (version: Int64, current: Int64?) {
        guard let row = try db.first("SELECT version, current_certificate_id FROM products WHERE id = ?", [.integer(id)], {
            (version: $0.int64(0), current: $0.optionalInt64(1))
        }) else { preconditionFailure("no product \(id)") }
        return row
    }
}
