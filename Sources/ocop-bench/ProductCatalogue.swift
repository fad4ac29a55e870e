/// Synthetic but realistic OCOP data for the products suite: Quảng Ninh producers and
/// products with Vietnamese names, spread over the six groups of Decision 148 in about
/// the proportions a province's catalogue has (food first), so that a `q` search hits a
/// realistic fraction of rows: a product kind ("miến dong") a percent or two, a district
/// ("Vân Đồn") several percent, a common syllable ("chè", which also matches "chế") many.
///
/// Everything is a pure function of an index, so a product is the same whatever chunk of
/// the import it travels in, and two runs seed the same catalogue.
enum ProductCatalogue {
    /// One product kind: its name, selling unit and a typical price in đồng.
    private struct Kind {
        let name: String
        let unit: String
        let price: Int
    }

    /// A group code, its share of the catalogue in percent, and its sub-groups' product kinds.
    private struct GroupShare {
        let code: String
        let percent: Int
        let subgroups: [(code: String, kinds: [Kind])]
    }

    /// The 13 districts and towns of Quảng Ninh before the 2025 reorganisation (producers' addresses).
    static let districts = [
        "Hạ Long", "Cẩm Phả", "Uông Bí", "Móng Cái", "Đông Triều", "Quảng Yên", "Vân Đồn", "Cô Tô",
        "Bình Liêu", "Tiên Yên", "Đầm Hà", "Hải Hà", "Ba Chẽ",
    ]
    /// Places a product name may carry: the districts and a few well-known sites.
    static let places = districts + ["Yên Tử", "Quan Lạn", "Minh Châu"]
    private static let communes = [
        "Đồn Đạc", "Hoành Mô", "Lục Hồn", "Đông Ngũ", "Quảng Đức", "Minh Châu", "Đồng Rui", "Thanh Lâm",
        "Hải Lạng", "Tràng Lương", "Bình Dân", "Quảng Tân", "Đại Dực", "Hà An", "Vạn Ninh", "Kỳ Thượng",
    ]
    private static let surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
    private static let given = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Hải", "Thị Hoa", "Văn Hùng",
                                "Thị Lan", "Minh Long", "Thị Mai", "Văn Nam", "Thị Nga", "Quang Phúc", "Thị Thu"]
    private static let trades = ["Thực phẩm", "Nông sản", "Đặc sản", "Dược liệu", "Thương mại và Dịch vụ", "Du lịch",
                                 "Thủy sản", "Chế biến Lâm sản"]
    private static let qualifiers = ["", "", "", "", " loại đặc biệt", " hữu cơ", " thượng hạng", " truyền thống",
                                     " túi lưới", " hộp quà", " xuất khẩu", " sạch"]
    private static let otherProvinces = ["Lạng Sơn", "Hải Phòng", "Bắc Giang", "Thái Nguyên"]

    private static let groups: [GroupShare] = [
        GroupShare(code: "food", percent: 50, subgroups: [
            ("food_fresh", [Kind(name: "Sá sùng tươi", unit: "kg", price: 1_500_000), Kind(name: "Ngán", unit: "kg", price: 180_000),
                            Kind(name: "Hàu sữa", unit: "kg", price: 60_000), Kind(name: "Gà đồi", unit: "con", price: 350_000),
                            Kind(name: "Khoai môn", unit: "kg", price: 35_000), Kind(name: "Na dai", unit: "kg", price: 50_000)]),
            ("food_grain", [Kind(name: "Gạo nếp cái hoa vàng", unit: "túi 2kg", price: 90_000),
                            Kind(name: "Gạo Bao Thai", unit: "túi 5kg", price: 110_000),
                            Kind(name: "Bánh gật gù", unit: "hộp 500g", price: 60_000)]),
            ("food_honey", [Kind(name: "Mật ong hoa rừng", unit: "chai 500ml", price: 250_000),
                            Kind(name: "Mật ong hoa sú vẹt", unit: "chai 500ml", price: 300_000)]),
            ("food_processed_plant", [Kind(name: "Miến dong", unit: "gói 500g", price: 55_000),
                                      Kind(name: "Mứt gừng", unit: "hộp 300g", price: 70_000),
                                      Kind(name: "Măng khô", unit: "gói 500g", price: 120_000),
                                      Kind(name: "Bánh răng bừa", unit: "hộp 10 chiếc", price: 80_000)]),
            ("food_processed_meat", [Kind(name: "Chả lợn quế", unit: "hộp 500g", price: 150_000),
                                     Kind(name: "Lạp sườn", unit: "gói 500g", price: 160_000),
                                     Kind(name: "Thịt gà đồi hun khói", unit: "hộp 1kg", price: 420_000)]),
            ("food_processed_seafood", [Kind(name: "Chả mực", unit: "hộp 500g", price: 220_000),
                                        Kind(name: "Sá sùng khô", unit: "hộp 100g", price: 900_000),
                                        Kind(name: "Ruốc hàu", unit: "hộp 200g", price: 95_000),
                                        Kind(name: "Tôm he khô", unit: "hộp 300g", price: 650_000),
                                        Kind(name: "Cá thu một nắng", unit: "kg", price: 380_000)]),
            ("food_condiment", [Kind(name: "Nước mắm", unit: "chai 500ml", price: 85_000),
                                Kind(name: "Tương ớt", unit: "chai 250ml", price: 30_000),
                                Kind(name: "Muối tôm", unit: "hũ 200g", price: 40_000)]),
            ("food_tea", [Kind(name: "Chè Đường Hoa", unit: "hộp 200g", price: 120_000),
                          Kind(name: "Trà hoa vàng", unit: "hộp 50g", price: 450_000),
                          Kind(name: "Chè xanh", unit: "gói 500g", price: 150_000)]),
            ("food_coffee_cocoa", [Kind(name: "Cà phê rang xay", unit: "gói 500g", price: 140_000)]),
        ]),
        GroupShare(code: "beverage", percent: 12, subgroups: [
            ("beverage_spirits", [Kind(name: "Rượu nếp", unit: "chai 750ml", price: 120_000),
                                  Kind(name: "Rượu ngô men lá", unit: "chai 750ml", price: 110_000),
                                  Kind(name: "Rượu ba kích", unit: "chai 500ml", price: 280_000),
                                  Kind(name: "Rượu mơ", unit: "chai 500ml", price: 180_000)]),
            ("beverage_alcoholic_other", [Kind(name: "Rượu vang sim", unit: "chai 750ml", price: 230_000)]),
            ("beverage_non_alcoholic", [Kind(name: "Nước ép sim", unit: "chai 330ml", price: 25_000),
                                        Kind(name: "Nước uống trà hoa vàng", unit: "lon 330ml", price: 20_000)]),
        ]),
        GroupShare(code: "herbal", percent: 13, subgroups: [
            ("herbal_medicine", [Kind(name: "Ba kích tím", unit: "hộp 500g", price: 500_000),
                                 Kind(name: "Cao ba kích", unit: "lọ 100g", price: 650_000),
                                 Kind(name: "Viên nang trà hoa vàng", unit: "hộp 60 viên", price: 390_000)]),
            ("herbal_cosmetic", [Kind(name: "Xà phòng thảo dược", unit: "bánh 100g", price: 45_000),
                                 Kind(name: "Dầu gội bồ kết", unit: "chai 300ml", price: 95_000)]),
            ("herbal_essential_oil", [Kind(name: "Tinh dầu quế", unit: "lọ 10ml", price: 85_000),
                                      Kind(name: "Tinh dầu sả chanh", unit: "lọ 10ml", price: 70_000),
                                      Kind(name: "Bột quế", unit: "hũ 100g", price: 60_000)]),
        ]),
        GroupShare(code: "handicraft", percent: 10, subgroups: [
            ("handicraft_decorative", [Kind(name: "Tranh than đá", unit: "bức", price: 1_200_000),
                                       Kind(name: "Gốm men rạn", unit: "chiếc", price: 650_000),
                                       Kind(name: "Tượng gỗ", unit: "chiếc", price: 2_500_000)]),
            ("handicraft_household", [Kind(name: "Bình gốm Đông Triều", unit: "chiếc", price: 450_000),
                                      Kind(name: "Chiếu cói", unit: "chiếc", price: 300_000),
                                      Kind(name: "Thớt gỗ nghiến", unit: "chiếc", price: 350_000)]),
            ("handicraft_textile", [Kind(name: "Khăn thổ cẩm", unit: "chiếc", price: 150_000),
                                    Kind(name: "Túi thổ cẩm Dao Thanh Phán", unit: "chiếc", price: 250_000)]),
        ]),
        GroupShare(code: "ornamental", percent: 7, subgroups: [
            ("ornamental_flower", [Kind(name: "Hoa lan rừng", unit: "chậu", price: 400_000),
                                   Kind(name: "Hoa đào", unit: "cành", price: 300_000)]),
            ("ornamental_plant", [Kind(name: "Cây sanh bonsai", unit: "chậu", price: 3_500_000),
                                  Kind(name: "Tùng la hán", unit: "chậu", price: 2_000_000)]),
            ("ornamental_animal", [Kind(name: "Cá chép Koi", unit: "con", price: 800_000)]),
        ]),
        GroupShare(code: "tourism", percent: 8, subgroups: [
            ("tourism_community", [Kind(name: "Du lịch cộng đồng làng chài", unit: "lượt khách", price: 250_000),
                                   Kind(name: "Homestay bản người Dao", unit: "đêm", price: 400_000)]),
            ("tourism_eco", [Kind(name: "Khu du lịch sinh thái", unit: "lượt khách", price: 150_000),
                             Kind(name: "Tour chèo kayak", unit: "lượt khách", price: 350_000)]),
            ("tourism_site", [Kind(name: "Điểm du lịch chợ phiên", unit: "lượt khách", price: 50_000),
                              Kind(name: "Làng nghề", unit: "lượt khách", price: 80_000)]),
        ]),
    ]

    /// The import file's header (every column `ProductImport` knows, in its order).
    static let csvHeader = "code,name,producer_id,group,subgroup,description,unit,price_vnd,gtin,origin_province"

    /// A producer as the seeder needs it: the POST body, and the name and place products reuse.
    struct Producer {
        let name: String
        let district: String
        let commune: String
        /// The JSON body of `POST /api/v1/producers`.
        var body: String {
            #"{"name":"\#(name)","kind":"\#(kind)","district":"\#(district)","commune":"\#(commune)"}"#
        }
        let kind: String
    }

    /// Producer number `index` (0-based): kinds in Quảng Ninh's 2024 proportions
    /// (53 enterprises, 89 cooperatives, 74 households of 216), plus a few cooperative groups.
    static func producer(_ index: Int) -> Producer {
        var random = FastRandom(seed: 0x5EED_0000_0000 &+ UInt64(index) &* 0x9E37_79B9)
        let district = districts[index % districts.count]
        let commune = communes[Int(random.next() % UInt64(communes.count))]
        let person = "\(pick(surnames, &random)) \(pick(given, &random))"
        let roll = Int(random.next() % 100)
        let (kind, name): (String, String)
        switch roll {
        case 0..<24: (kind, name) = ("enterprise", "Công ty TNHH \(pick(trades, &random)) \(person)")
        case 24..<64: (kind, name) = ("cooperative", "Hợp tác xã \(pick(trades, &random)) \(commune)")
        case 64..<70: (kind, name) = ("cooperative_group", "Tổ hợp tác \(pick(trades, &random).lowercased()) \(commune)")
        default: (kind, name) = ("household", "Hộ kinh doanh \(person)")
        }
        return Producer(name: name, district: district, commune: commune, kind: kind)
    }

    /// Product number `index` (0-based) as one CSV line (no line break), made by one of `producers`
    /// (their ids and details, in creation order).
    static func csvRow(_ index: Int, producers: [(id: Int64, producer: Producer)]) -> String {
        var random = FastRandom(seed: 0xC0DE_0000_0000 &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let (id, producer) = producers[Int(random.next() % UInt64(producers.count))]
        var roll = Int(random.next() % 100)
        var share = groups[groups.count - 1]
        for group in groups {
            if roll < group.percent { share = group; break }
            roll -= group.percent
        }
        let subgroup = share.subgroups[Int(random.next() % UInt64(share.subgroups.count))]
        let kind = subgroup.kinds[Int(random.next() % UInt64(subgroup.kinds.count))]
        // Most products carry their maker's district in the name; some a neighbouring place.
        let place = random.next() % 10 < 7 ? producer.district : pick(places, &random)
        let name = kind.name + " " + place + pick(qualifiers, &random)
        let description = "\(kind.name) của \(producer.name), sản xuất tại xã \(producer.commune), "
            + "\(producer.district) theo quy trình truyền thống; đơn vị bán: \(kind.unit)."
        // ±30 % around the typical price, in whole thousands of đồng as shops price.
        let price = kind.price * Int(70 + random.next() % 61) / 100 / 1000 * 1000
        // The tourism group is a service: no barcode (DOMAIN.md).
        let gtin = share.code == "tourism" ? "" : gtin13(893_000_000_000 + index + 1)
        let origin = random.next() % 20 == 0 ? pick(otherProvinces, &random) : "Quảng Ninh"
        let code = "QN-P" + zeroPadded(index + 1, 7)
        return [code, quoted(name), String(id), share.code, subgroup.code, quoted(description), quoted(kind.unit),
                String(price), gtin, quoted(origin)].joined(separator: ",")
    }

    /// A 12-digit number with its GS1 check digit appended (DOMAIN.md: weights 3,1,3,1… from
    /// the right of the data digits; check = (10 − sum mod 10) mod 10).
    static func gtin13(_ data: Int) -> String {
        let digits = Array(zeroPadded(data, 12).utf8).map { Int($0) - 48 }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() { sum += digit * (offset % 2 == 0 ? 3 : 1) }
        return zeroPadded(data, 12) + String((10 - sum % 10) % 10)
    }

    /// RFC 4180 §2: a field with commas or quotes is quoted, its quotes doubled.
    private static func quoted(_ text: String) -> String {
        "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    private static func zeroPadded(_ n: Int, _ width: Int) -> String {
        let text = String(n)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func pick(_ list: [String], _ random: inout FastRandom) -> String {
        list[Int(random.next() % UInt64(list.count))]
    }
}
