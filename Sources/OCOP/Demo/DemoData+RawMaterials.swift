extension DemoBuilder {
    /// VietGAP cultivation: 322.35 ha over 30 areas of 27 establishments (DOMAIN.md).
    static let vietGAPCultivationM2: Int64 = 3_223_500
    static let vietGAPCultivationAreas = 30
    static let vietGAPCultivationEstablishments = 27
    /// One VietGAP aquaculture site of 0.41 ha.
    static let vietGAPAquacultureM2: Int64 = 4_100
    /// 329 ha of organic cinnamon over 6 forest areas.
    static let organicCinnamonM2: Int64 = 3_290_000
    static let organicCinnamonAreas = 6
    /// 60 growing-area codes in all, 9 packing facilities.
    static let registeredAreas = 60
    static let packingFacilities = 9

    /// `count` positive whole-m² sizes (multiples of 100) that add up to exactly `total`.
    static func sizes(count: Int, total: Int64) -> [Int64] {
        let average = total / Int64(count)
        var sizes = (0..<(count - 1)).map { i in
            // ±35 % around the average, varied but deterministic.
            (average * Int64(65 + (i * 37) % 71) / 100) / 100 * 100
        }
        sizes.append(total - sizes.reduce(0, +))
        return sizes
    }

    mutating func makeRawMaterials() throws {
        let cultivators = producers.filter { $0.speciality.source.kind == .cultivation && $0.kind != .cooperativeGroup }
        let farmers = producers.filter { $0.speciality.source.kind == .livestock }
        let fishers = producers.filter { $0.speciality.source.kind == .aquaculture }
        let cinnamon = producers.filter { $0.speciality.trade == "Quế" }
        let foresters = producers.filter { $0.speciality.source.kind == .forest }
        var made = 0
        func cycle(_ list: [DemoProducer], _ i: Int) -> DemoProducer? { list.isEmpty ? nil : list[i % list.count] }

        // VietGAP cultivation: 27 establishments, the first three with a second area.
        let vietGAPSizes = Self.sizes(count: Self.vietGAPCultivationAreas, total: Self.vietGAPCultivationM2)
        for (i, size) in vietGAPSizes.enumerated() {
            let owner = cycle(cultivators, i % Self.vietGAPCultivationEstablishments)
            try area(owner, kind: .cultivation, size: size, market: i % 5 == 0 ? .export : .domestic,
                     scheme: .vietGAP, from: today.adding(months: -(3 + (i * 7) % 18)), name: "Vùng trồng")
            made += 1
        }
        // Areas whose VietGAP certificate lapsed (not counted), and GlobalGAP ("other") export areas.
        for i in 0..<5 {
            try area(cycle(cultivators, Self.vietGAPCultivationEstablishments + i), kind: .cultivation,
                     size: 40_000 + Int64(i) * 8_500, market: .domestic, scheme: .vietGAP, from: today.adding(months: -(40 + i)), name: "Vùng trồng")
        }
        for i in 0..<4 {
            try area(cycle(cultivators, Self.vietGAPCultivationEstablishments + 5 + i), kind: .cultivation,
                     size: 120_000 + Int64(i) * 15_000, market: .export, scheme: .other, from: today.adding(months: -(6 + i)),
                     name: "Vùng trồng xuất khẩu")
        }
        made += 9
        // Aquaculture: one VietGAP site of 0.41 ha, three without certification.
        try area(cycle(fishers, 0), kind: .aquaculture, size: Self.vietGAPAquacultureM2, market: .domestic, scheme: .vietGAP,
                 from: today.adding(months: -8), name: "Vùng nuôi")
        for i in 1...3 {
            try area(cycle(fishers, i), kind: .aquaculture, size: 25_000 * Int64(i), market: .domestic, scheme: nil,
                     from: today, name: "Vùng nuôi")
        }
        made += 4
        // Organic cinnamon forests.
        for (i, size) in Self.sizes(count: Self.organicCinnamonAreas, total: Self.organicCinnamonM2).enumerated() {
            try area(cycle(cinnamon.isEmpty ? foresters : cinnamon, i), kind: .forest, size: size, market: .export,
                     scheme: .organic, from: today.adding(months: -(10 + i)), name: "Rừng quế hữu cơ")
        }
        made += Self.organicCinnamonAreas
        // VietGAHP livestock farms.
        for i in 0..<8 {
            try area(cycle(farmers, i), kind: .livestock, size: 6_000 + Int64(i) * 3_500, market: .domestic, scheme: .vietGAHP,
                     from: today.adding(months: -(2 + i * 3)), name: "Trang trại")
        }
        made += 8
        // Forests for honey and sim, not certified, up to the registry's 60 codes.
        for i in 0..<(Self.registeredAreas - made) {
            try area(cycle(foresters, i), kind: .forest, size: 150_000 + Int64(i) * 30_000, market: .domestic, scheme: nil,
                     from: today, name: "Vùng khai thác")
        }
    }

    /// Registers one area, certified under `scheme` for 36 months from `from` when a scheme is given.
    private mutating func area(_ owner: DemoProducer?, kind: AreaKind, size: Int64, market: MarketScope,
                               scheme: CertificationScheme?, from: CivilDate, name: String) throws {
        let place = DemoCatalogue.place(owner?.district ?? DemoCatalogue.places[0].district)
        let sequence = (try db.scalarInt("SELECT count(*) FROM raw_material_areas") ?? 0) + 1
        let code = "VN-QN-\(place.code)-\(Int(sequence).padded(3))"
        var certifications: [AreaCertification] = []
        if let scheme {
            let prefix = switch scheme {
            case .vietGAP: "VietGAP-TT"
            case .vietGAHP: "VietGAHP-CN"
            case .organic: "TCVN11041"
            case .other: "GGN"
            }
            certifications.append(AreaCertification(scheme: scheme, number: "\(prefix)-\(from.year)-\(Int(sequence).padded(4))",
                                                     validFrom: from, validUntil: from.adding(months: 36).adding(days: -1)))
        }
        // "Vùng trồng dong riềng Đồng Văn"; a name that already says what grows there takes no material.
        var material: String?
        if case .area(_, let noun)? = owner?.speciality.source, !name.contains(noun) { material = noun }
        let areaName = ([name] + (material.map { [$0] } ?? []) + [owner?.commune ?? place.communes[0]]).joined(separator: " ")
        let fields = RawMaterialAreaFields(
            code: code, name: areaName,
            kind: kind, areaM2: size, commune: owner?.commune, district: place.district, producerID: owner?.id, market: market,
            certifications: certifications)
        let area = try RawMaterialAreaStore.create(db, fields, actor: .system, now: now)
        if let owner { areasByProducer[owner.id, default: []].append(area.id) }
    }

    /// Packing facilities for crops (what plant-protection rules register), named after what they pack.
    mutating func makePackingFacilities() throws {
        let packers = producers.filter { $0.speciality.source.kind == .cultivation && $0.kind != .household }
        for i in 0..<Self.packingFacilities {
            let owner = packers.isEmpty ? nil : packers[(i * 7) % packers.count]
            let place = DemoCatalogue.place(owner?.district ?? "Hạ Long")
            let commune = owner?.commune ?? place.communes[0]
            var packs = "nông sản"
            if case .area(_, let noun)? = owner?.speciality.source { packs = noun }
            _ = try PackingFacilityStore.create(db, PackingFacilityFields(
                code: "VN-QN-DG-\((i + 1).padded(3))", name: "Cơ sở đóng gói \(packs) \(commune)",
                commune: commune, district: place.district, address: "\(commune), \(place.district), Quảng Ninh",
                producerID: owner?.id, market: i % 2 == 0 ? .export : .domestic), actor: .system, now: now)
        }
    }
}
