extension DemoBuilder {
    /// A demo point of sale: where it is, what it is, and whether it passed the province's checklist.
    struct DemoOutlet {
        let name: String
        let kind: PointOfSaleKind
        let district: String
        let commune: String
        let address: String
        let manager: String
        /// Years it has been open (the opening day is counted back from today).
        let years: Int
        /// Checklist items missing: the few non-compliant points the office must visit.
        let missing: Set<String>
        let channels: [SalesChannel]

        init(_ name: String, _ kind: PointOfSaleKind, _ district: String, _ commune: String, _ address: String,
             manager: String, years: Int, missing: Set<String> = [], channels: [SalesChannel] = []) {
            self.name = name
            self.kind = kind
            self.district = district
            self.commune = commune
            self.address = address
            self.manager = manager
            self.years = years
            self.missing = missing
            self.channels = channels
        }
    }

    /// The province's 23 points of sale: a provincial centre and eight district ones, eight shops,
    /// four kiosks where visitors pass, two online shops. Three fail the checklist.
    static let outlets: [DemoOutlet] = [
        DemoOutlet("Trung tâm Giới thiệu và Bán sản phẩm OCOP Quảng Ninh", .ocopCenter, "Hạ Long", "Hồng Gai",
                   "Số 1 đường Trần Quốc Nghiễn", manager: "Nguyễn Thị Hoa", years: 6,
                   channels: [SalesChannel(kind: .website, url: "https://ocop.quangninh.example/trung-tam"),
                              SalesChannel(kind: .facebook, url: "https://facebook.com/ocopquangninh")]),
        DemoOutlet("Trung tâm OCOP Móng Cái", .ocopCenter, "Móng Cái", "Hải Hòa", "Khu du lịch Trà Cổ", manager: "Trần Văn Hải", years: 5),
        DemoOutlet("Trung tâm OCOP Uông Bí", .ocopCenter, "Uông Bí", "Phương Đông", "Chân núi Yên Tử", manager: "Lê Thị Mai", years: 5),
        DemoOutlet("Trung tâm OCOP Cẩm Phả", .ocopCenter, "Cẩm Phả", "Cửa Ông", "Đường 18A", manager: "Phạm Văn Long", years: 4),
        DemoOutlet("Trung tâm OCOP Đông Triều", .ocopCenter, "Đông Triều", "Mạo Khê", "Quốc lộ 18", manager: "Vũ Thị Lan", years: 4),
        DemoOutlet("Trung tâm OCOP Vân Đồn", .ocopCenter, "Vân Đồn", "Đông Xá", "Cảng Cái Rồng", manager: "Đỗ Văn Nam", years: 4),
        DemoOutlet("Trung tâm OCOP Bình Liêu", .ocopCenter, "Bình Liêu", "Hoành Mô", "Thị trấn Bình Liêu", manager: "Hoàng Văn Sìn", years: 3),
        DemoOutlet("Trung tâm OCOP Tiên Yên", .ocopCenter, "Tiên Yên", "Đông Ngũ", "Chợ Tiên Yên", manager: "Ngô Thị Thu", years: 3),
        DemoOutlet("Trung tâm OCOP Quảng Yên", .ocopCenter, "Quảng Yên", "Hà An", "Đường Ngô Quyền", manager: "Bùi Văn Tùng", years: 3),
        DemoOutlet("Cửa hàng OCOP Bãi Cháy", .store, "Hạ Long", "Bãi Cháy", "Đường Hạ Long", manager: "Đặng Thị Hằng", years: 4),
        DemoOutlet("Cửa hàng OCOP Hồng Gai", .store, "Hạ Long", "Hồng Gai", "Chợ Hạ Long 1", manager: "Lý Văn Phúc", years: 3),
        DemoOutlet("Cửa hàng OCOP Quang Hanh", .store, "Cẩm Phả", "Quang Hanh", "Khu khoáng nóng", manager: "Phan Thị Ngọc", years: 2),
        DemoOutlet("Cửa hàng OCOP Trà Cổ", .store, "Móng Cái", "Trà Cổ", "Bãi biển Trà Cổ", manager: "Lương Văn Đức", years: 2),
        DemoOutlet("Cửa hàng OCOP Đầm Hà", .store, "Đầm Hà", "Quảng Tân", "Chợ Đầm Hà", manager: "Tạ Thị Yến", years: 2,
                   missing: ["has_shelves", "has_price_list"]),
        DemoOutlet("Cửa hàng OCOP Hải Hà", .store, "Hải Hà", "Quảng Đức", "Thị trấn Quảng Hà", manager: "Chu Văn Bình", years: 2),
        DemoOutlet("Cửa hàng OCOP Ba Chẽ", .store, "Ba Chẽ", "Thanh Sơn", "Thị trấn Ba Chẽ", manager: "Nông Thị Duyên", years: 1),
        DemoOutlet("Cửa hàng OCOP Cô Tô", .store, "Cô Tô", "Thanh Lân", "Bến tàu Cô Tô", manager: "Mạc Văn Hùng", years: 1,
                   missing: ["has_ocop_sign"]),
        DemoOutlet("Ki-ốt OCOP Cảng hàng không Vân Đồn", .kiosk, "Vân Đồn", "Đoàn Kết", "Nhà ga hành khách", manager: "Đinh Thị Quỳnh", years: 3),
        DemoOutlet("Ki-ốt OCOP Cảng tàu khách Tuần Châu", .kiosk, "Hạ Long", "Tuần Châu", "Cảng tàu du lịch", manager: "Kiều Văn Sơn", years: 3),
        DemoOutlet("Ki-ốt OCOP Chùa Ba Vàng", .kiosk, "Uông Bí", "Quang Trung", "Khu du lịch tâm linh", manager: "Âu Thị Nhung", years: 2),
        DemoOutlet("Ki-ốt OCOP Ga Hạ Long", .kiosk, "Hạ Long", "Giếng Đáy", "Nhà ga Hạ Long", manager: "Lã Văn Quân", years: 1,
                   missing: ["has_price_list"]),
        DemoOutlet("Gian hàng OCOP Quảng Ninh trực tuyến", .online, "Hạ Long", "Hồng Gai", "Sở Công Thương, đường 25/4",
                   manager: "Trịnh Thị Vân", years: 3,
                   channels: [SalesChannel(kind: .website, url: "https://ocop.quangninh.example/shop"),
                              SalesChannel(kind: .zalo, url: "https://zalo.me/ocopquangninh"),
                              SalesChannel(kind: .tiktok, url: "https://www.tiktok.com/@ocopquangninh")]),
        DemoOutlet("Đặc sản Quảng Ninh – gian hàng sàn thương mại điện tử", .online, "Cẩm Phả", "Cẩm Trung", "Đường Trần Phú",
                   manager: "Hà Văn Thắng", years: 2,
                   channels: [SalesChannel(kind: .facebook, url: "https://facebook.com/dacsanquangninh"),
                              SalesChannel(kind: .other, url: "https://shopee.vn/dacsanquangninh")]),
    ]

    /// Registers the points of sale, then gives each some months of trade (`trade`).
    mutating func makePointsOfSale() throws {
        let codes = Dictionary(uniqueKeysWithValues: DemoCatalogue.places.map { ($0.district, $0.code) })
        var serials: [String: Int] = [:]
        var points: [(id: Int64, kind: PointOfSaleKind)] = []
        for outlet in Self.outlets {
            let letters = codes[outlet.district] ?? "QN"
            let serial = serials[letters, default: 0] + 1
            serials[letters] = serial
            let fields = PointOfSaleFields(
                code: "QN-DB-\(letters)-\(serial.padded(2))", name: outlet.name, kind: outlet.kind, commune: outlet.commune,
                district: outlet.district, address: outlet.address,
                openedOn: today.adding(months: -12 * outlet.years).adding(days: -pick(200)), manager: outlet.manager,
                phone: "0203 3\((600_000 + pick(399_999)).padded(6))",
                hasOCOPSign: !outlet.missing.contains("has_ocop_sign"), hasShelves: !outlet.missing.contains("has_shelves"),
                hasPriceList: !outlet.missing.contains("has_price_list"), channels: outlet.channels)
            points.append((try PointOfSaleStore.create(db, fields, actor: .system, now: now).id, outlet.kind))
        }
        let goods = try db.all("""
            SELECT id, coalesce(price_vnd, 0) FROM products WHERE group_code <> 'tourism' AND price_vnd > 0 ORDER BY id
            """) { (id: $0.int64(0), price: $0.int64(1)) }
        for point in points { try trade(point.id, kind: point.kind, goods: goods) }
    }
}
