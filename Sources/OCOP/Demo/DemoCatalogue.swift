/// What the demo province makes: its places and its specialities (đặc sản), each with the
/// products a producer of it sells. Names follow Quang Ninh's real OCOP products; prices are
/// plausible retail prices in đồng, not data.
enum DemoCatalogue {
    /// A district as it was before 1 July 2025 (certificates keep the address as issued), with
    /// the two letters used in its growing-area codes and some of its communes.
    struct Place {
        let district: String
        let code: String
        let communes: [String]
    }

    /// One product a producer of a speciality sells; `{place}` is replaced by the producer's place.
    struct Variant {
        let name: String
        let unit: String
        let priceVND: Int64
    }

    /// The raw-material area behind a speciality, if it has one worth registering: its kind and
    /// what grows or is raised there ("dong riềng" for miến dong).
    enum Source: Equatable {
        case area(AreaKind, String)
        case none

        var kind: AreaKind? {
            if case .area(let kind, _) = self { return kind }
            return nil
        }
    }

    /// A speciality of one district.
    struct Speciality {
        /// The trade in producers' names ("Hợp tác xã Miến dong Đồng Văn").
        let trade: String
        let district: String
        /// The place the best-known product carries when it is not the district ("Nước mắm Cái Rồng").
        let brand: String?
        let group: String
        let subgroup: String
        let source: Source
        let description: String
        /// The first is the producer's flagship product.
        let variants: [Variant]
    }

    static let places: [Place] = [
        Place(district: "Bình Liêu", code: "BL", communes: ["Đồng Văn", "Hoành Mô", "Lục Hồn", "Húc Động"]),
        Place(district: "Ba Chẽ", code: "BC", communes: ["Đồn Đạc", "Thanh Sơn", "Nam Sơn", "Lương Mông"]),
        Place(district: "Tiên Yên", code: "TY", communes: ["Đông Ngũ", "Hải Lạng", "Phong Dụ", "Đại Dực"]),
        Place(district: "Đầm Hà", code: "DH", communes: ["Quảng Tân", "Dực Yên", "Quảng Lâm", "Tân Bình"]),
        Place(district: "Hải Hà", code: "HH", communes: ["Quảng Đức", "Quảng Sơn", "Đường Hoa", "Quảng Chính"]),
        Place(district: "Vân Đồn", code: "VD", communes: ["Quan Lạn", "Minh Châu", "Đông Xá", "Bản Sen"]),
        Place(district: "Cô Tô", code: "CT", communes: ["Đồng Tiến", "Thanh Lân"]),
        Place(district: "Hạ Long", code: "HL", communes: ["Bãi Cháy", "Hồng Gai", "Hoành Bồ", "Sơn Dương"]),
        Place(district: "Cẩm Phả", code: "CP", communes: ["Cửa Ông", "Quang Hanh", "Cộng Hòa", "Dương Huy"]),
        Place(district: "Uông Bí", code: "UB", communes: ["Vàng Danh", "Thượng Yên Công", "Phương Đông"]),
        Place(district: "Đông Triều", code: "DT", communes: ["Mạo Khê", "Tràng An", "Yên Đức", "Bình Khê"]),
        Place(district: "Quảng Yên", code: "QY", communes: ["Hà An", "Phong Cốc", "Sông Khoai", "Liên Hòa"]),
        Place(district: "Móng Cái", code: "MC", communes: ["Hải Xuân", "Vạn Ninh", "Hải Hòa", "Trà Cổ"]),
    ]

    static func place(_ district: String) -> Place {
        places.first { $0.district == district } ?? places[0]
    }

    private static func s(_ trade: String, _ district: String, brand: String? = nil, _ group: String, _ subgroup: String,
                          _ source: Source, _ description: String, _ variants: [(String, String, Int64)]) -> Speciality {
        Speciality(trade: trade, district: district, brand: brand, group: group, subgroup: subgroup, source: source,
                   description: description, variants: variants.map { Variant(name: $0.0, unit: $0.1, priceVND: $0.2) })
    }

    static let specialities: [Speciality] = [
        // Thực phẩm
        s("Miến dong", "Bình Liêu", "food", "food_processed_plant", .area(.cultivation, "dong riềng"),
          "Miến làm từ tinh bột dong riềng trồng tại Bình Liêu, sợi dai, không chất bảo quản.",
          [("Miến dong {place}", "gói 500g", 85_000), ("Miến dong {place} loại đặc biệt", "hộp 1kg", 180_000),
           ("Bánh đa dong riềng {place}", "gói 300g", 45_000)]),
        s("Chả mực", "Hạ Long", "food", "food_processed_seafood", .none,
          "Chả mực giã tay từ mực tươi đánh bắt vùng biển Quảng Ninh.",
          [("Chả mực {place}", "hộp 500g", 380_000), ("Chả mực giã tay {place}", "khay 1kg", 720_000),
           ("Chả cá {place}", "hộp 500g", 220_000)]),
        s("Sá sùng", "Vân Đồn", "food", "food_processed_seafood", .area(.aquaculture, "sá sùng"),
          "Sá sùng khai thác trên bãi triều Vân Đồn, phơi khô tự nhiên.",
          [("Sá sùng khô {place}", "hộp 100g", 650_000), ("Sá sùng tươi {place}", "kg", 1_200_000)]),
        s("Nước mắm", "Vân Đồn", brand: "Cái Rồng", "food", "food_condiment", .none,
          "Nước mắm truyền thống ủ chượp từ cá cơm và muối biển trong chum gỗ.",
          [("Nước mắm {place}", "chai 500ml", 120_000), ("Nước mắm cốt cá cơm {place}", "chai 250ml", 95_000)]),
        s("Gà đồi", "Tiên Yên", "food", "food_fresh", .area(.livestock, "gà"),
          "Gà chân vàng, da vàng chăn thả đồi theo quy trình VietGAHP.",
          [("Gà {place}", "con 1,8–2kg", 350_000), ("Gà {place} ủ muối", "con 1,2kg", 420_000)]),
        s("Ngán", "Vân Đồn", brand: "Quan Lạn", "food", "food_fresh", .area(.aquaculture, "ngán"),
          "Ngán nuôi và khai thác trên bãi cát bùn ven đảo.",
          [("Ngán {place}", "kg", 250_000), ("Ruốc ngán {place}", "hộp 200g", 320_000)]),
        s("Hàu", "Vân Đồn", "food", "food_fresh", .area(.aquaculture, "hàu"),
          "Hàu sữa nuôi bè trên vịnh Bái Tử Long.",
          [("Hàu sữa {place}", "kg", 60_000), ("Chả hàu {place}", "hộp 500g", 240_000)]),
        s("Tôm he", "Quảng Yên", "food", "food_processed_seafood", .area(.aquaculture, "tôm he"),
          "Tôm he nuôi quảng canh vùng cửa sông, sấy khô.",
          [("Tôm he khô {place}", "hộp 200g", 450_000), ("Tôm he nõn {place}", "hộp 500g", 550_000)]),
        s("Mật ong rừng", "Ba Chẽ", "food", "food_honey", .area(.forest, "ong mật"),
          "Mật ong khai thác từ rừng quế, rừng keo vùng núi Ba Chẽ.",
          [("Mật ong rừng {place}", "chai 500ml", 250_000), ("Mật ong hoa quế {place}", "chai 300ml", 180_000)]),
        s("Gạo nếp", "Đông Triều", "food", "food_grain", .area(.cultivation, "lúa nếp cái hoa vàng"),
          "Nếp cái hoa vàng trồng trên đồng đất phù sa Đông Triều.",
          [("Gạo nếp cái hoa vàng {place}", "túi 2kg", 90_000),
           ("Bánh chưng nếp cái hoa vàng {place}", "chiếc 1kg", 120_000)]),
        s("Chè", "Hải Hà", brand: "Đường Hoa", "food", "food_tea", .area(.cultivation, "chè"),
          "Chè xanh trồng trên đồi Hải Hà, sao thủ công.",
          [("Chè {place}", "gói 200g", 120_000), ("Chè xanh {place} túi lọc", "hộp 25 túi", 65_000)]),
        s("Khoai sọ", "Hải Hà", "food", "food_fresh", .area(.cultivation, "khoai sọ"),
          "Khoai sọ trồng trên đất đồi, củ bở, dẻo.",
          [("Khoai sọ {place}", "kg", 40_000)]),
        s("Bánh gật gù", "Quảng Yên", "food", "food_processed_plant", .none,
          "Bánh gạo truyền thống của vùng biển Quảng Yên.",
          [("Bánh gật gù {place}", "hộp 20 chiếc", 60_000), ("Bánh răng bừa {place}", "hộp 10 chiếc", 50_000)]),
        s("Thực phẩm", "Móng Cái", "food", "food_processed_meat", .area(.livestock, "lợn Móng Cái"),
          "Chế biến từ lợn Móng Cái thuần chủng nuôi tại địa phương.",
          [("Xúc xích lợn {place}", "gói 500g", 150_000), ("Giò lợn {place}", "cây 1kg", 220_000)]),
        s("Vịt biển", "Đầm Hà", "food", "food_fresh", .area(.livestock, "vịt biển"),
          "Trứng vịt biển chăn thả vùng bãi triều Đầm Hà, lòng đỏ đậm.",
          [("Trứng vịt biển {place}", "hộp 10 quả", 60_000), ("Trứng vịt biển muối {place}", "hộp 10 quả", 75_000)]),
        s("Hải sản", "Cô Tô", "food", "food_processed_seafood", .none,
          "Mực câu đảo Cô Tô, phơi nắng.",
          [("Mực khô {place}", "hộp 500g", 850_000), ("Mực một nắng {place}", "kg", 650_000)]),
        s("Dầu sở", "Bình Liêu", "food", "food_processed_plant", .area(.forest, "sở"),
          "Dầu ép lạnh từ hạt sở rừng Bình Liêu.",
          [("Dầu sở {place}", "chai 500ml", 180_000)]),
        // Đồ uống
        s("Rượu mơ", "Uông Bí", brand: "Yên Tử", "beverage", "beverage_alcoholic_other", .area(.cultivation, "mơ"),
          "Rượu ngâm từ mơ lông trồng dưới chân núi Yên Tử.",
          [("Rượu mơ {place}", "chai 500ml", 150_000), ("Rượu mơ {place} hộp quà", "hộp 2 chai", 380_000)]),
        s("Rượu ba kích", "Ba Chẽ", "beverage", "beverage_alcoholic_other", .none,
          "Rượu ngâm ba kích tím Ba Chẽ.",
          [("Rượu ba kích {place}", "chai 500ml", 220_000), ("Rượu ba kích {place} hộp quà", "hộp 2 chai", 520_000)]),
        s("Rượu nếp", "Đông Triều", "beverage", "beverage_spirits", .none,
          "Rượu nấu từ nếp cái hoa vàng theo men lá truyền thống.",
          [("Rượu nếp cái hoa vàng {place}", "chai 500ml", 120_000), ("Rượu nếp {place} bình sứ", "bình 1 lít", 350_000)]),
        s("Sim rừng", "Cô Tô", "beverage", "beverage_non_alcoholic", .area(.forest, "sim"),
          "Nước cốt từ quả sim chín hái trên đảo.",
          [("Nước cốt sim rừng {place}", "chai 500ml", 95_000)]),
        // Dược liệu
        s("Ba kích", "Ba Chẽ", "herbal", "herbal_medicine", .area(.cultivation, "ba kích tím"),
          "Ba kích tím trồng dưới tán rừng Ba Chẽ, thu hoạch sau 3 năm.",
          [("Ba kích tím {place}", "hộp 500g", 450_000), ("Cao ba kích {place}", "lọ 100g", 380_000),
           ("Ba kích ngâm mật ong {place}", "lọ 500g", 320_000)]),
        s("Trà hoa vàng", "Ba Chẽ", "herbal", "herbal_medicine", .area(.forest, "trà hoa vàng"),
          "Hoa trà vàng hái dưới tán rừng tự nhiên, sấy lạnh.",
          [("Trà hoa vàng {place}", "hộp 50g", 550_000), ("Trà hoa vàng {place} túi lọc", "hộp 20 túi", 180_000)]),
        s("Quế", "Tiên Yên", "herbal", "herbal_essential_oil", .area(.forest, "quế"),
          "Quế trồng theo tiêu chuẩn hữu cơ, chưng cất tinh dầu tại chỗ.",
          [("Tinh dầu quế {place}", "lọ 50ml", 150_000), ("Quế thanh hữu cơ {place}", "gói 500g", 120_000)]),
        s("Hồi", "Bình Liêu", "herbal", "herbal_essential_oil", .area(.forest, "hồi"),
          "Hoa hồi thu hái trên rừng hồi Bình Liêu.",
          [("Tinh dầu hồi {place}", "lọ 50ml", 160_000), ("Hoa hồi khô {place}", "gói 500g", 140_000)]),
        s("Dược liệu", "Ba Chẽ", "herbal", "herbal_medicine", .area(.cultivation, "cây dược liệu"),
          "Trà thảo dược từ cây dược liệu bản địa.",
          [("Trà dung {place}", "hộp 200g", 90_000), ("Trà giảo cổ lam {place}", "hộp 200g", 110_000)]),
        s("Thảo dược người Dao", "Ba Chẽ", "herbal", "herbal_cosmetic", .none,
          "Bài thuốc lá tắm truyền thống của người Dao.",
          [("Cao lá tắm người Dao {place}", "chai 250ml", 120_000), ("Xà phòng thảo dược {place}", "bánh 100g", 45_000)]),
        // Thủ công mỹ nghệ
        s("Gốm", "Đông Triều", "handicraft", "handicraft_decorative", .none,
          "Gốm men lam vẽ tay của làng gốm Đông Triều.",
          [("Bình gốm men lam {place}", "chiếc", 850_000), ("Bộ ấm chén gốm {place}", "bộ 6 chén", 650_000),
           ("Lọ hoa gốm {place}", "chiếc", 420_000)]),
        s("Tranh than đá", "Hạ Long", "handicraft", "handicraft_decorative", .none,
          "Tranh và tượng chạm khắc từ than đá Quảng Ninh.",
          [("Tranh than đá {place}", "bức 40x60cm", 1_500_000), ("Tượng than đá {place}", "chiếc", 900_000)]),
        s("Thổ cẩm", "Bình Liêu", "handicraft", "handicraft_textile", .none,
          "Thêu tay hoa văn của người Dao Thanh Phán.",
          [("Túi thổ cẩm {place}", "chiếc", 250_000), ("Khăn thổ cẩm {place}", "chiếc", 180_000)]),
        s("Mây tre đan", "Quảng Yên", "handicraft", "handicraft_household", .none,
          "Đồ gia dụng đan từ mây, tre nứa địa phương.",
          [("Giỏ mây tre đan {place}", "chiếc", 150_000), ("Khay tre {place}", "bộ 3 chiếc", 220_000)]),
        // Sinh vật cảnh
        s("Hoa lan", "Hạ Long", brand: "Hoành Bồ", "ornamental", "ornamental_flower", .none,
          "Lan rừng nhân giống và trồng trong vườn.",
          [("Lan Hoàng thảo {place}", "chậu", 350_000), ("Lan Kim điệp {place}", "chậu", 280_000)]),
        s("Cây cảnh", "Uông Bí", "ornamental", "ornamental_plant", .none,
          "Cây cảnh, bonsai tạo dáng thủ công.",
          [("Cây cảnh bonsai {place}", "chậu", 1_200_000), ("Cây sanh cảnh {place}", "chậu", 2_500_000)]),
        // Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch
        s("Du lịch cộng đồng", "Bình Liêu", "tourism", "tourism_community", .none,
          "Trải nghiệm bản làng người Dao, Tày: ẩm thực, lễ hội, cột mốc biên giới.",
          [("Tour du lịch cộng đồng {place}", "tour 2 ngày 1 đêm", 1_200_000), ("Homestay bản Dao {place}", "đêm", 450_000)]),
        s("Du lịch sinh thái", "Vân Đồn", brand: "Quan Lạn", "tourism", "tourism_eco", .none,
          "Tham quan rừng, bãi biển và làng chài trên đảo.",
          [("Tour sinh thái đảo {place}", "tour 1 ngày", 850_000)]),
        s("Du lịch làng chài", "Hạ Long", brand: "Cửa Vạn", "tourism", "tourism_site", .none,
          "Điểm du lịch làng chài trên vịnh Hạ Long.",
          [("Tour làng chài {place}", "tour nửa ngày", 600_000)]),
    ]

    static let surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Lý", "Đinh"]
    static let givenNames = ["Văn Hùng", "Thị Lan", "Đức Thắng", "Thị Hương", "Minh Tuấn", "Thị Nga", "Quang Huy",
                             "Thị Thủy", "Văn Định", "Thị Hà", "Xuân Trường", "Thị Mai", "Đình Long", "Thu Trang"]
}
