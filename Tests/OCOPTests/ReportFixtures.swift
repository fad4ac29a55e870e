import OCOP
import SQLite

/// A small province whose report figures are known by hand. Everything goes through the real
/// stores and flows (round → result → decision → renewal/revocation), each step on its own day,
/// so renewal links and revocation dates are exactly what production writes.
///
/// Timeline (stars; decided → last valid day):
/// - A (P1 enterprise, Bình Liêu/Đồng Văn, food): A1 4★ 2021-01-10 → 2024-01-10, expired, then re-evaluated by
///   the central council on 2024-02-20 and renewed by A2 5★ 2024-03-01 → 2027-03-01.
/// - B (P1, beverage): B1 3★ 2022-06-15 → 2025-06-15, revoked 2024-05-01.
/// - C (P2 cooperative, Ba Chẽ/Thanh Sơn, food): C1 4★ 2023-05-20 → 2026-05-20.
/// - D (P2, herbal): D1 3★ 2021-09-01 → 2024-09-01, never re-evaluated.
/// - E (P3 household, Bình Liêu/Hoành Mô, handicraft): E1 4★ 2024-11-25 → 2027-11-25.
/// - F (P4 cooperative, no place, tourism): F1 3★ 2021-12-20 → 2024-12-20, renewed in time by F2 3★ 2024-12-01.
/// - G (P5 cooperative group, food): evaluated 2024-11-15, 2 stars, never certified.
/// - H (P3, food): H1 3★ 2021-10-05 → 2024-10-05, re-evaluated 2024-11-15 with 2 stars: stays expired.
struct ReportProvince {
    let products: [String: Int64]
    let certificates: [String: Int64]
    let producers: [String: Int64]

    static func day(_ text: String) -> CivilDate {
        guard let date = CivilDate(text) else { preconditionFailure("bad test date \(text)") }
        return date
    }

    /// Noon in Vietnam on `day`.
    static func noon(_ day: String) -> Timestamp {
        guard let instant = Timestamp(rfc3339: "\(day)T12:00:00+07:00") else { preconditionFailure("bad day \(day)") }
        return instant
    }

    /// Every council member scores these parts; the averages land well inside a star band
    /// (55 → 3, 75 → 4, 95 → 5, 40 → 2) on both score sheets.
    static func scores(stars: Int) -> [MemberScore] {
        let parts: (Int, Int, Int) = switch stars {
        case 5: (35, 25, 35)
        case 4: (30, 20, 25)
        case 3: (20, 15, 20)
        default: (15, 10, 15)
        }
        return (1...3).map { MemberScore(member: "Thành viên \($0)", partA: Points(parts.0), partB: Points(parts.1),
                                         partC: Points(parts.2)) }
    }

    static func build(_ database: Database) throws -> ReportProvince {
        try database.write { db in
            let now = noon("2020-12-01")
            func producer(_ name: String, _ kind: ProducerKind, _ district: String?, _ commune: String?) throws -> Int64 {
                try ProducerStore.create(db, ProducerFields(name: name, kind: kind, commune: commune, district: district),
                                         actor: .system, now: now).id
            }
            let producers = [
                "P1": try producer("Công ty TNHH Miến dong Bình Liêu", .enterprise, "Bình Liêu", "Đồng Văn"),
                "P2": try producer("Hợp tác xã Ba kích Thanh Sơn", .cooperative, "Ba Chẽ", "Thanh Sơn"),
                "P3": try producer("Hộ kinh doanh Lý Thị Mai", .household, "Bình Liêu", "Hoành Mô"),
                "P4": try producer("Hợp tác xã Du lịch cộng đồng", .cooperative, nil, nil),
                "P5": try producer("Tổ hợp tác Ngán Quan Lạn", .cooperativeGroup, "Vân Đồn", "Quan Lạn"),
            ]
            var products: [String: Int64] = [:]
            for (key, owner, group) in [("A", "P1", "food"), ("B", "P1", "beverage"), ("C", "P2", "food"),
                                        ("D", "P2", "herbal"), ("E", "P3", "handicraft"), ("F", "P4", "tourism"),
                                        ("G", "P5", "food"), ("H", "P3", "food")] {
                products[key] = try ProductStore.create(
                    db, ProductFields(code: "QN-\(key)", name: "Sản phẩm \(key)", producerID: producers[owner] ?? 0, group: group),
                    actor: .system, now: now).id
            }
            func round(_ level: CouncilLevel, _ heldOn: String) throws -> Int64 {
                try EvaluationRoundStore.create(db, EvaluationRoundFields(name: "Đánh giá \(heldOn)", councilLevel: level,
                                                                          heldOn: day(heldOn)), actor: .system, now: noon(heldOn)).id
            }
            /// Records the evaluation on `evaluatedOn` and, for 3+ stars, decides it on `decidedOn`.
            func evaluate(_ product: String, round: Int64, stars: Int, evaluatedOn: String,
                          decidedOn: String? = nil) throws -> Int64? {
                let result = try EvaluationResultStore.record(
                    db, roundID: round, EvaluationInput(productID: products[product] ?? 0, memberScores: scores(stars: stars),
                                                        mandatoryCriteriaMet: true),
                    today: day(evaluatedOn), actor: .system, now: noon(evaluatedOn))
                guard let decidedOn else { return nil }
                return try EvaluationDecision.decide(
                    db, roundID: round, resultID: result.id,
                    EvaluationDecision.Input(decisionNumber: "\(decidedOn)/QĐ-UBND", decidedOn: day(decidedOn)),
                    today: day(decidedOn), actor: .system, now: noon(decidedOn)).id
            }
            var certificates: [String: Int64] = [:]
            let r2020 = try round(.province, "2020-12-20")
            certificates["A1"] = try evaluate("A", round: r2020, stars: 4, evaluatedOn: "2020-12-20", decidedOn: "2021-01-10")
            let r2021 = try round(.province, "2021-08-20")
            certificates["D1"] = try evaluate("D", round: r2021, stars: 3, evaluatedOn: "2021-08-20", decidedOn: "2021-09-01")
            certificates["H1"] = try evaluate("H", round: r2021, stars: 3, evaluatedOn: "2021-08-20", decidedOn: "2021-10-05")
            certificates["F1"] = try evaluate("F", round: r2021, stars: 3, evaluatedOn: "2021-08-20", decidedOn: "2021-12-20")
            let r2022 = try round(.province, "2022-06-01")
            certificates["B1"] = try evaluate("B", round: r2022, stars: 3, evaluatedOn: "2022-06-01", decidedOn: "2022-06-15")
            let r2023 = try round(.province, "2023-05-10")
            certificates["C1"] = try evaluate("C", round: r2023, stars: 4, evaluatedOn: "2023-05-10", decidedOn: "2023-05-20")
            let central = try round(.central, "2024-02-20")
            certificates["A2"] = try evaluate("A", round: central, stars: 5, evaluatedOn: "2024-02-20", decidedOn: "2024-03-01")
            _ = try CertificateStore.revoke(db, id: certificates["B1"] ?? 0, reason: .violation, note: nil, ifVersion: nil,
                                            today: day("2024-05-01"), actor: .system, now: noon("2024-05-01"))
            let r2024 = try round(.province, "2024-11-15")
            _ = try evaluate("G", round: r2024, stars: 2, evaluatedOn: "2024-11-15")
            _ = try evaluate("H", round: r2024, stars: 2, evaluatedOn: "2024-11-15")
            certificates["E1"] = try evaluate("E", round: r2024, stars: 4, evaluatedOn: "2024-11-15", decidedOn: "2024-11-25")
            certificates["F2"] = try evaluate("F", round: r2024, stars: 3, evaluatedOn: "2024-11-15", decidedOn: "2024-12-01")
            return ReportProvince(products: products, certificates: certificates.compactMapValues { $0 }, producers: producers)
        }
    }

    /// Raw-material areas (as of 2024-06-30): VietGAP cultivation 3,000,000 + 223,500 m² (one producer,
    /// the first area holding two overlapping VietGAP certificates), a VietGAP aquaculture site of
    /// 4,100 m² without a producer, 3,290,000 m² organic forest, an area whose VietGAP certificate ended
    /// on 2024-06-29 (and whose next starts 2024-07-01), an uncertified livestock farm; two packing facilities.
    func addRawMaterials(_ database: Database) throws {
        try database.write { db in
            let now = Self.noon("2024-01-02")
            func certification(_ scheme: CertificationScheme, _ number: String, _ from: String, _ until: String) -> AreaCertification {
                AreaCertification(scheme: scheme, number: number, validFrom: Self.day(from), validUntil: Self.day(until))
            }
            let areas: [RawMaterialAreaFields] = [
                RawMaterialAreaFields(code: "VN-QN-BL-001", kind: .cultivation, areaM2: 3_000_000, producerID: producers["P1"],
                                      market: .domestic, certifications: [
                                          certification(.vietGAP, "VG-1", "2023-01-01", "2025-12-31"),
                                          certification(.vietGAP, "VG-1b", "2024-01-01", "2026-12-31"),
                                      ]),
                RawMaterialAreaFields(code: "VN-QN-BL-002", kind: .cultivation, areaM2: 223_500, producerID: producers["P1"],
                                      market: .export, certifications: [certification(.vietGAP, "VG-2", "2023-01-01", "2025-12-31")]),
                RawMaterialAreaFields(code: "VN-QN-VD-001", kind: .aquaculture, areaM2: 4_100, market: .domestic,
                                      certifications: [certification(.vietGAP, "VG-3", "2024-01-01", "2026-12-31")]),
                RawMaterialAreaFields(code: "VN-QN-BC-001", kind: .forest, areaM2: 3_290_000, producerID: producers["P2"],
                                      market: .export, certifications: [certification(.organic, "HC-1", "2022-01-01", "2025-12-31")]),
                RawMaterialAreaFields(code: "VN-QN-BL-003", kind: .cultivation, areaM2: 50_000, producerID: producers["P3"],
                                      market: .domestic, certifications: [
                                          certification(.vietGAP, "VG-4", "2021-06-30", "2024-06-29"),
                                          certification(.vietGAP, "VG-4b", "2024-07-01", "2027-06-30"),
                                      ]),
                RawMaterialAreaFields(code: "VN-QN-TY-001", kind: .livestock, areaM2: 20_000, producerID: producers["P3"],
                                      market: .domestic),
            ]
            for area in areas { _ = try RawMaterialAreaStore.create(db, area, actor: .system, now: now) }
            for code in ["QN-DG-01", "QN-DG-02"] {
                _ = try PackingFacilityStore.create(db, PackingFacilityFields(code: code, name: "Cơ sở đóng gói \(code)",
                                                                             market: .export), actor: .system, now: now)
            }
        }
    }
}
