extension DemoBuilder {
    /// Brand words that tell apart producers of one speciality in one commune, as real brands do.
    static let brands = ["Bảo An", "Hương Quê", "Phú Hải", "Thành Đạt", "An Phát", "Hồng Hà", "Thiên Phú", "Ngọc Lan",
                         "Tân Tiến", "Phúc Lộc", "Đại Phát", "Bình An", "Kim Ngân", "Tâm Đức", "Hải Đăng", "Sơn Hà"]

    /// The article's mix: 53 enterprises, 89 cooperatives and 74 households hold 3–5-star products
    /// (216 producers); 12 cooperative groups are registered but hold none yet.
    static let mix: [(kind: ProducerKind, count: Int)] = [
        (.enterprise, 53), (.cooperative, 89), (.household, 74), (.cooperativeGroup, 12),
    ]

    mutating func makeProducers() throws {
        var takenLabels = Set<String>()
        var brandCounters: [String: Int] = [:]
        var serial = 0
        for (kind, count) in Self.mix {
            for index in 0..<count {
                serial += 1
                // The first cooperatives take the specialities in order, so every one of them is made
                // somewhere (the README's examples search for them); everyone else picks at random.
                let all = DemoCatalogue.specialities
                let speciality = kind == .cooperative && index < all.count ? all[index] : all[pick(all.count)]
                let place = DemoCatalogue.place(speciality.district)
                let commune = place.communes[pick(place.communes.count)]
                // The first producer of a speciality makes the product known by the district's (or the
                // brand place's) name; the next ones name theirs after their commune, then add a brand.
                var label = speciality.brand ?? speciality.district
                if takenLabels.contains(speciality.trade + "|" + label) { label = commune }
                if takenLabels.contains(speciality.trade + "|" + label) {
                    let n = brandCounters[speciality.trade, default: 0]
                    brandCounters[speciality.trade] = n + 1
                    let round = n / Self.brands.count
                    let brand = Self.brands[n % Self.brands.count] + (round > 0 ? " \(round + 1)" : "")
                    label = commune + " " + brand
                }
                takenLabels.insert(speciality.trade + "|" + label)
                let person = DemoCatalogue.surnames[pick(DemoCatalogue.surnames.count)] + " "
                    + DemoCatalogue.givenNames[pick(DemoCatalogue.givenNames.count)]
                let name = switch kind {
                case .enterprise: "Công ty TNHH \(speciality.trade) \(label)"
                case .cooperative: "Hợp tác xã \(speciality.trade) \(label)"
                case .cooperativeGroup: "Tổ hợp tác \(speciality.trade) \(label)"
                case .household: "Hộ kinh doanh \(person) – \(speciality.trade) \(label)"
                }
                let fields = ProducerFields(
                    name: name, kind: kind, taxCode: kind == .household ? nil : String(5_700_000_000 + serial * 7919),
                    commune: commune, district: place.district,
                    address: "Thôn \(1 + pick(9)), \(commune), \(place.district), Quảng Ninh",
                    phone: "0203 \(String(3_800_000 + serial * 37).suffix(7))",
                    email: kind == .household ? nil : "lienhe\(serial)@ocop-quangninh.vn", representative: person)
                let producer = try ProducerStore.create(db, fields, actor: .system, now: now)
                producers.append(DemoProducer(id: producer.id, kind: kind, speciality: speciality, district: place.district,
                                              commune: commune, label: label, serial: serial))
            }
        }
    }
}
