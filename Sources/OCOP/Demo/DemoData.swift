import SQLite

/// A demo province resembling Quang Ninh (DOMAIN.md figures): producers of every
/// kind with Vietnamese names. Loaded once into an empty database; deterministic,
/// so two demo databases are identical.
public enum DemoData {
    /// Districts as they were before 1 July 2025, with communes of each.
    static let places: [(district: String, communes: [String])] = [
        ("Bình Liêu", ["Đồng Văn", "Hoành Mô", "Lục Hồn", "Húc Động"]),
        ("Ba Chẽ", ["Đồn Đạc", "Thanh Sơn", "Nam Sơn", "Lương Mông"]),
        ("Tiên Yên", ["Đông Ngũ", "Hải Lạng", "Phong Dụ", "Đại Dực"]),
        ("Đầm Hà", ["Quảng Tân", "Dực Yên", "Quảng Lâm", "Tân Bình"]),
        ("Hải Hà", ["Quảng Đức", "Quảng Sơn", "Đường Hoa", "Quảng Chính"]),
        ("Vân Đồn", ["Quan Lạn", "Minh Châu", "Đông Xá", "Bản Sen"]),
        ("Cô Tô", ["Đồng Tiến", "Thanh Lân"]),
        ("Hạ Long", ["Bãi Cháy", "Hồng Gai", "Hoành Bồ", "Sơn Dương"]),
        ("Cẩm Phả", ["Cửa Ông", "Quang Hanh", "Cộng Hòa", "Dương Huy"]),
        ("Uông Bí", ["Vàng Danh", "Thượng Yên Công", "Phương Đông"]),
        ("Đông Triều", ["Mạo Khê", "Tràng An", "Yên Đức", "Bình Khê"]),
        ("Quảng Yên", ["Hà An", "Phong Cốc", "Sông Khoai", "Liên Hòa"]),
        ("Móng Cái", ["Hải Xuân", "Vạn Ninh", "Hải Hòa", "Trà Cổ"]),
    ]

    static let trades = [
        "Miến dong", "Ba kích", "Chả mực", "Trà hoa vàng", "Rượu mơ", "Sá sùng", "Nước mắm", "Gà Tiên Yên",
        "Mật ong rừng", "Quế hữu cơ", "Hồi", "Khoai sọ", "Gạo nếp cái hoa vàng", "Ngán", "Hàu", "Tôm he",
        "Chè Đường Hoa", "Thạch đen", "Bánh gật gù", "Rượu ba kích", "Gốm Đông Triều", "Nón lá", "Trà dược liệu",
        "Sâm Tam Đảo", "Lợn Móng Cái", "Trứng vịt biển", "Dầu sở", "Cao lá", "Mực khô", "Tinh dầu quế",
    ]

    static let surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Lý", "Đinh"]
    static let givenNames = ["Văn Hùng", "Thị Lan", "Đức Thắng", "Thị Hương", "Minh Tuấn", "Thị Nga", "Quang Huy",
                             "Thị Thủy", "Văn Định", "Thị Hà", "Xuân Trường", "Thị Mai", "Đình Long", "Thu Trang"]

    /// Loads the demo data unless producers already exist (a restart must not duplicate it).
    public static func load(into database: Database, now: Timestamp) throws {
        try database.write { db in
            guard try ProducerStore.count(db) == 0 else { return }
            var random = SeededGenerator(seed: 2024)
            // The article's mix: 53 enterprises, 89 cooperatives, 74 households, plus a few cooperative groups.
            let mix: [(ProducerKind, Int, String)] = [
                (.enterprise, 53, "Công ty TNHH"), (.cooperative, 89, "Hợp tác xã"),
                (.household, 74, "Hộ kinh doanh"), (.cooperativeGroup, 12, "Tổ hợp tác"),
            ]
            var serial = 0
            for (kind, count, prefix) in mix {
                for _ in 0..<count {
                    serial += 1
                    let place = places[Int(random.next() % UInt64(places.count))]
                    let commune = place.communes[Int(random.next() % UInt64(place.communes.count))]
                    let trade = trades[Int(random.next() % UInt64(trades.count))]
                    let person = surnames[Int(random.next() % UInt64(surnames.count))] + " "
                        + givenNames[Int(random.next() % UInt64(givenNames.count))]
                    let name = kind == .household ? "\(prefix) \(person) – \(trade) \(place.district)"
                                                  : "\(prefix) \(trade) \(commune) \(serial)"
                    let taxCode = kind == .household ? nil : String(5_700_000_000 + serial * 7919)
                    let phone = "0203 \(String(3_800_000 + serial * 37).suffix(7))"
                    let fields = ProducerFields(
                        name: name, kind: kind, taxCode: taxCode, commune: commune, district: place.district,
                        address: "Thôn \(1 + Int(random.next() % 9)), \(commune), \(place.district), Quảng Ninh",
                        phone: phone, email: kind == .household ? nil : "lienhe\(serial)@ocop-quangninh.vn",
                        representative: person)
                    _ = try ProducerStore.create(db, fields, actor: .system, now: now)
                }
            }
        }
    }
}

/// SplitMix64: a tiny deterministic generator so demo data is the same every time.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
