extension DemoBuilder {
    static let foodGroups: Set<String> = ["food", "beverage", "herbal"]
    static let agencies: [InspectionKind: String] = [
        .foodSafety: "Chi cục An toàn vệ sinh thực phẩm tỉnh Quảng Ninh",
        .labeling: "Chi cục Quản lý thị trường tỉnh Quảng Ninh",
        .packaging: "Chi cục Tiêu chuẩn Đo lường Chất lượng Quảng Ninh",
        .intellectualProperty: "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
        .other: "Sở Du lịch tỉnh Quảng Ninh",
    ]

    /// Post-certification monitoring over the last year: mostly passes, two labelling findings, and
    /// failed food-safety checks — two awaiting the officer's review, one cleared, one that cost the
    /// product its certificate.
    mutating func inspect() throws {
        let plan = certificationPlan
        let certified = plan.new + plan.renewedAfterExpiry + plan.central + plan.expiring
        for (i, product) in certified.enumerated() where i % 4 == 0 {
            let kind: InspectionKind = switch product.group {
            case "tourism": .other
            case "handicraft", "ornamental": i % 8 == 0 ? .labeling : .packaging
            default: i % 8 == 0 ? .foodSafety : (i % 3 == 0 ? .intellectualProperty : .labeling)
            }
            let failed = i == 4 || i == 20
            try inspection(product, daysAgo: 7 + (i * 13) % 340, kind: failed ? .labeling : kind, failed: failed,
                           findings: failed ? "Nhãn phụ thiếu hạn sử dụng và địa chỉ cơ sở sản xuất" : nil)
        }
        let foodFlagships = plan.new.filter { $0.flagship && Self.foodGroups.contains($0.group) }
        for product in foodFlagships.prefix(2) {
            try inspection(product, daysAgo: 12, kind: .foodSafety, failed: true,
                           findings: "Mẫu lấy tại điểm bán vượt giới hạn Coliforms theo QCVN 8-3:2012/BYT; chờ kết quả tái kiểm")
        }
        for product in foodFlagships.dropFirst(2).prefix(1) {
            try inspection(product, daysAgo: 40, kind: .foodSafety, failed: true,
                           findings: "Vượt giới hạn nấm men, nấm mốc trong một lô hàng")
            _ = try ProductReviewStore.decide(db, productID: product.id,
                                              ProductReview(decision: .cleared, note: "Tái kiểm ba lô liên tiếp đạt yêu cầu"),
                                              ifVersion: nil, actor: .system, now: now)
        }
        for product in plan.new.filter({ !$0.flagship && Self.foodGroups.contains($0.group) }).prefix(1) {
            try inspection(product, daysAgo: 25, kind: .foodSafety, failed: true,
                           findings: "Phát hiện chất bảo quản không được phép sử dụng (natri benzoat vượt mức)")
            _ = try ProductReviewStore.decide(db, productID: product.id,
                                              ProductReview(decision: .revokeCertificate(.violation),
                                                            note: "Vi phạm an toàn thực phẩm, thu hồi chứng nhận OCOP"),
                                              ifVersion: nil, actor: .system, now: now)
        }
    }

    private func inspection(_ product: DemoProduct, daysAgo: Int, kind: InspectionKind, failed: Bool,
                            findings: String?) throws {
        let fields = InspectionFields(inspectedOn: today.adding(days: -daysAgo), agency: Self.agencies[kind] ?? "",
                                      kind: kind, result: failed ? .fail : .pass, findings: findings)
        _ = try InspectionStore.create(db, productID: product.id, fields, actor: .system, now: now)
    }
}
